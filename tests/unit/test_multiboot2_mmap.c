/* SPDX-License-Identifier: 0BSD */
/*
 * mb2_parse() and mb2_mmap_get(): the memory maps, type 6 and EFI (type 17). Entry and
 * descriptor sizes, EFI type conversion, which map is served, and malformed maps.
 */
#include "multiboot2_test.h"

static const struct efi_desc uefi_map[] = {
    {MB2_EFI_BS_CODE, 0x0, 1},
    {MB2_EFI_CONVENTIONAL, 0x1000, 0x9f},
    {MB2_EFI_RESERVED, 0xa0000, 0x60},
    {MB2_EFI_LOADER_CODE, 0x100000, 0x100},
    {MB2_EFI_LOADER_DATA, 0x200000, 2},
    {MB2_EFI_BS_DATA, 0x202000, 0x10},
    {MB2_EFI_RT_CODE, 0x212000, 4},
    {MB2_EFI_RT_DATA, 0x216000, 4},
    {MB2_EFI_UNUSABLE, 0x21a000, 1},
    {MB2_EFI_ACPI_RECLAIM, 0x21b000, 2},
    {MB2_EFI_ACPI_NVS, 0x21d000, 3},
    {11 /* MMIO */, 0xfec00000, 1},
    {12 /* port space */, 0xfed00000, 1},
    {14 /* persistent */, 0x100000000, 0x100},
    {0x70000000 /* OEM */, 0x200000000, 1},
};
static const uint32_t uefi_types[] = {
    MB2_MEMORY_AVAILABLE, MB2_MEMORY_AVAILABLE,    MB2_MEMORY_RESERVED, MB2_MEMORY_AVAILABLE,
    MB2_MEMORY_AVAILABLE, MB2_MEMORY_AVAILABLE,    MB2_MEMORY_RESERVED, MB2_MEMORY_RESERVED,
    MB2_MEMORY_BADRAM,    MB2_MEMORY_ACPI_RECLAIM, MB2_MEMORY_NVS,      MB2_MEMORY_RESERVED,
    MB2_MEMORY_RESERVED,  MB2_MEMORY_RESERVED,     MB2_MEMORY_RESERVED,
};

/*
 * GRUB on UEFI without a type 6 map:
 *   hdr | loader | EFI64 systab | ACPI new RSDP | EFI mmap 15 x 48 B | end
 * Expect the EFI map used, each EFI type converted (boot services, loader, conventional ->
 * available; ACPI kinds kept; unusable -> bad; the rest reserved), pages turned into bytes, and
 * the EFI flag set.
 */
static void test_uefi_efi_map_only(void **state)
{
    (void)state;
    uint64_t systab = 0x7f9e018;
    uint8_t xsdp[36] = "RSD PTR ";
    str_tag(MB2_TAG_LOADER_NAME, "GRUB 2.12");
    tag(MB2_TAG_EFI64, &systab, 8);
    tag(MB2_TAG_ACPI_NEW, xsdp, 36);
    efi_tag(uefi_map, ARRAY_SIZE(uefi_map), 48);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.warnings, 0);
    assert_int_equal(mb.map_source, MB2_MAP_EFI);
    assert_true(mb.efi);
    assert_false(mb.efi_bs_active);
    assert_int_equal(mb.efi_systab, 0x7f9e018);
    assert_int_equal(mb.rsdp_new_len, 36);
    assert_int_equal(mb2_mmap_count(&mb), ARRAY_SIZE(uefi_map));
    for (size_t i = 0; i < ARRAY_SIZE(uefi_map); i++)
        expect_entry(i, uefi_map[i].phys, uefi_map[i].pages * PAGE_SIZE, uefi_types[i]);
}

/*
 * EFI boot services not exited (tag 18):   EFI32 systab | EFI BS | EFI mmap | end
 * Expect boot-services code and data reported reserved (firmware still owns them) while loader
 * and conventional memory stay available; the 32-bit system table pointer read.
 */
static void test_efi_boot_services_active(void **state)
{
    (void)state;
    uint32_t systab = 0x7f9e018;
    tag(MB2_TAG_EFI32, &systab, 4);
    tag(MB2_TAG_EFI_BS, NULL, 0);
    efi_tag(uefi_map, 6, 48);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_true(mb.efi_bs_active);
    assert_int_equal(mb.efi_systab, 0x7f9e018);
    expect_entry(0, 0x0, 0x1000, MB2_MEMORY_RESERVED);         /* BS code */
    expect_entry(1, 0x1000, 0x9f000, MB2_MEMORY_AVAILABLE);    /* conventional */
    expect_entry(3, 0x100000, 0x100000, MB2_MEMORY_AVAILABLE); /* loader code */
    expect_entry(5, 0x202000, 0x10000, MB2_MEMORY_RESERVED);   /* BS data */
}

/*
 * Both maps:   EFI mmap (2 descriptors) | mmap 6 (6 entries) | end
 * Expect the type 6 map served (GRUB derives it from the EFI map), the EFI one still recorded.
 */
static void test_both_maps_prefers_type6(void **state)
{
    (void)state;
    efi_tag(uefi_map, 2, 48);
    mmap_tag(qemu_map, ARRAY_SIZE(qemu_map), 24);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.map_source, MB2_MAP_MB2);
    assert_int_equal(mb2_mmap_count(&mb), 6);
    assert_int_equal(mb.efi_mmap.count, 2);
    expect_entry(5, 0xfffc0000, 0x40000, MB2_MEMORY_RESERVED);
}

/*
 * Larger records than the layout we know:   mmap with entry_size 40 | end
 *   [base len type pad .. 16 junk bytes][base len type ...]
 * Expect the walk to step by 40, not by 24: all six entries read back intact.
 */
static void test_mmap_steps_by_entry_size(void **state)
{
    (void)state;
    mmap_tag(qemu_map, ARRAY_SIZE(qemu_map), 40);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb2_mmap_count(&mb), 6);
    for (size_t i = 0; i < ARRAY_SIZE(qemu_map); i++)
        expect_entry(i, qemu_map[i].base, qemu_map[i].len, qemu_map[i].type);
}

/*
 * EFI descriptors of 56 bytes (newer firmware), one with an absurd page count:
 *   EFI mmap: [conventional 0x1000 x 0x10][conventional 0x100000 x 2^60]
 * Expect stepping by 56 and the huge length clamped to UINT64_MAX instead of wrapping.
 */
static void test_efi_steps_by_descriptor_size(void **state)
{
    (void)state;
    const struct efi_desc d[] = {{MB2_EFI_CONVENTIONAL, 0x1000, 0x10},
                                 {MB2_EFI_CONVENTIONAL, 0x100000, 1ull << 60}};
    efi_tag(d, 2, 56);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb2_mmap_count(&mb), 2);
    expect_entry(0, 0x1000, 0x10000, MB2_MEMORY_AVAILABLE);
    expect_entry(1, 0x100000, UINT64_MAX, MB2_MEMORY_AVAILABLE);
    struct mb2_mmap_entry e;
    assert_false(mb2_mmap_get(&mb, 2, &e));
}

/*
 * The only memory map has entry_size 16 (smaller than base+len+type+pad):
 * Expect it skipped with "entry_size 16 is too small (need 24)", then K_ENOENT "no memory map".
 */
static void test_bad_mmap_entry_too_small(void **state)
{
    (void)state;
    mmap_tag(qemu_map, 2, 16);
    end_tag();
    expect_fail(K_ENOENT, "mb2: tag 6 (memory map) at offset 0x8: entry_size 16 is too small "
                          "(need 24); skipped");
    assert_true(said("mb2: no memory map"));
}

/* entry_size 28, not a multiple of 8 (the spec guarantees one). Expect skipped, K_ENOENT. */
static void test_bad_mmap_entry_unaligned(void **state)
{
    (void)state;
    mmap_tag(qemu_map, 2, 28);
    end_tag();
    expect_fail(K_ENOENT, "entry_size 28 is not a multiple of 8; skipped");
}

/*
 * A memory map tag of 12 bytes: too small even for entry_size and entry_version.
 *   hdr | [6, 12][entry_size] | end      Expect "size 12 is too small (need 16)", K_ENOENT.
 */
static void test_bad_mmap_header_too_small(void **state)
{
    (void)state;
    uint32_t esize = 24;
    tag(MB2_TAG_MMAP, &esize, 4);
    end_tag();
    expect_fail(K_ENOENT, "mb2: tag 6 (memory map) at offset 0x8: size 12 is too small (need 16)");
}

/* A memory map with a header and no entries (size 16). Expect "no entries; skipped", K_ENOENT. */
static void test_bad_mmap_empty(void **state)
{
    (void)state;
    mmap_tag(qemu_map, 0, 24);
    end_tag();
    expect_fail(K_ENOENT, "mb2: tag 6 (memory map) at offset 0x8: no entries; skipped");
}

/*
 * A memory map whose size leaves 8 bytes after the last whole entry:
 *   [6, 16 + 24 + 8][24][0][entry][8 stray]
 * Expect one entry used and "8 trailing bytes ... ignored" (a warning, not a failure).
 */
static void test_bad_mmap_trailing_bytes(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    put32(12, 16 + 24 + 8);
    blen += 8;
    end_tag();
    expect_warning("mb2: tag 6 (memory map) at offset 0x8: 8 trailing bytes after the last whole "
                   "entry ignored");
    assert_int_equal(mb2_mmap_count(&mb), 1);
}

/* An EFI memory map with descriptor_size 32 (< 40). Expect it skipped, then K_ENOENT. */
static void test_bad_efi_descriptor_too_small(void **state)
{
    (void)state;
    const struct efi_desc d[] = {{MB2_EFI_CONVENTIONAL, 0x100000, 16}};
    efi_tag(d, 1, 40);
    put32(16, 32);
    end_tag();
    expect_fail(K_ENOENT, "mb2: tag 17 (EFI memory map) at offset 0x8: descriptor_size 32 is too "
                          "small (need 40); skipped");
}

/*
 * A broken type 6 map next to a good EFI map:   mmap (entry_size 8) | EFI mmap | end
 * Expect the type 6 tag skipped with a warning and the EFI map used instead.
 */
static void test_bad_mmap_falls_back_to_efi(void **state)
{
    (void)state;
    const struct efi_desc d[] = {{MB2_EFI_CONVENTIONAL, 0x100000, 16}};
    mmap_tag(qemu_map, 1, 24);
    put32(16, 8);
    efi_tag(d, 1, 48);
    end_tag();
    expect_warning("entry_size 8 is too small");
    assert_int_equal(mb.map_source, MB2_MAP_EFI);
    expect_entry(0, 0x100000, 0x10000, MB2_MEMORY_AVAILABLE);
}

/* A block with no memory map at all:   hdr | cmdline | end.  Expect K_ENOENT, the rest parsed. */
static void test_bad_no_memory_map(void **state)
{
    (void)state;
    str_tag(MB2_TAG_CMDLINE, "quiet");
    end_tag();
    expect_fail(K_ENOENT, "mb2: no memory map: no usable memory map tag (type 6) or EFI memory "
                          "map tag (type 17); cannot tell where RAM is");
    assert_string_equal(mb.cmdline, "quiet");
    assert_int_equal(mb2_mmap_count(&mb), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_uefi_efi_map_only),
        T(test_efi_boot_services_active),
        T(test_both_maps_prefers_type6),
        T(test_mmap_steps_by_entry_size),
        T(test_efi_steps_by_descriptor_size),
        T(test_bad_mmap_entry_too_small),
        T(test_bad_mmap_entry_unaligned),
        T(test_bad_mmap_header_too_small),
        T(test_bad_mmap_empty),
        T(test_bad_mmap_trailing_bytes),
        T(test_bad_efi_descriptor_too_small),
        T(test_bad_mmap_falls_back_to_efi),
        T(test_bad_no_memory_map),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
