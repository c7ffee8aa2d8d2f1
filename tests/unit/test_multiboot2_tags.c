/* SPDX-License-Identifier: 0BSD */
/*
 * mb2_parse(): the other tags. Command line and loader name strings, framebuffer, ACPI RSDP
 * copies, EFI system tables; good and malformed; tags the kernel does not read are stepped over.
 */
#include "multiboot2_test.h"

/*
 * GRUB on BIOS (QEMU, 128 MiB):
 *   hdr | loader "GRUB 2.06" | cmdline | meminfo (unread) | type 5 (unread) | mmap 6 x 24 B
 *       | framebuffer (EGA text) | ACPI old RSDP | load base (unread) | end
 * Expect every field found, the six map entries read back in order, no warning, no message.
 */
static void test_grub_bios_layout(void **state)
{
    (void)state;
    uint32_t meminfo[2] = {639, 129920}, bootdev[3] = {0x80, ~0u, ~0u}, base = 0x200000;
    uint8_t fb[24] = {0}, rsdp[20] = "RSD PTR ";
    uint64_t fbaddr = 0xb8000;
    uint32_t fbdim[3] = {160, 80, 25};
    memcpy(fb, &fbaddr, 8);
    memcpy(fb + 8, fbdim, 12);
    fb[20] = 16;
    fb[21] = MB2_FB_EGA_TEXT;
    str_tag(MB2_TAG_LOADER_NAME, "GRUB 2.06");
    uint32_t cmd = str_tag(MB2_TAG_CMDLINE, "console=ttyS0 debug");
    tag(MB2_TAG_BASIC_MEMINFO, meminfo, 8);
    tag(5, bootdev, 12);
    mmap_tag(qemu_map, ARRAY_SIZE(qemu_map), 24);
    tag(MB2_TAG_FRAMEBUFFER, fb, 24);
    tag(MB2_TAG_ACPI_OLD, rsdp, 20);
    tag(MB2_TAG_LOAD_BASE, &base, 4);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.warnings, 0);
    assert_string_equal(kprintf_output(), "");
    assert_string_equal(mb.loader_name, "GRUB 2.06");
    assert_string_equal(mb.cmdline, "console=ttyS0 debug");
    assert_int_equal(mb.cmdline_phys, PHYS + cmd + 8);
    assert_int_equal(mb.map_source, MB2_MAP_MB2);
    assert_int_equal(mb2_mmap_count(&mb), 6);
    for (size_t i = 0; i < ARRAY_SIZE(qemu_map); i++)
        expect_entry(i, qemu_map[i].base, qemu_map[i].len, qemu_map[i].type);
    assert_true(mb.has_framebuffer);
    assert_int_equal(mb.fb.addr, 0xb8000);
    assert_int_equal(mb.fb.pitch, 160);
    assert_int_equal(mb.fb.width, 80);
    assert_int_equal(mb.fb.height, 25);
    assert_int_equal(mb.fb.bpp, 16);
    assert_int_equal(mb.fb.type, MB2_FB_EGA_TEXT);
    assert_non_null(mb.rsdp_old);
    assert_int_equal(mb.rsdp_old_len, 20);
    assert_null(mb.rsdp_new);
    assert_false(mb.efi);
    assert_int_equal(mb.module_count, 0);
    assert_int_equal(mb.phys, PHYS);
    assert_int_equal(mb.size, blen);
    assert_int_equal(mb.walk_end, blen - 8);
}

/*
 * Linear framebuffer with its RGB colour info after the common part:
 *   mmap | framebuffer (32 B common + 6 B colour info) | end
 * Expect address, pitch, width, height, bpp and type read from their offsets.
 */
static void test_framebuffer_rgb(void **state)
{
    (void)state;
    uint8_t fb[30] = {0};
    uint64_t addr = 0xfd000000;
    uint32_t dims[3] = {4096, 1024, 768};
    memcpy(fb, &addr, 8);
    memcpy(fb + 8, dims, 12);
    fb[20] = 32;
    fb[21] = MB2_FB_RGB;
    memcpy(fb + 24, "\x10\x08\x08\x08\x00\x08", 6);
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_FRAMEBUFFER, fb, 30);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_true(mb.has_framebuffer);
    assert_int_equal(mb.fb.addr, 0xfd000000);
    assert_int_equal(mb.fb.pitch, 4096);
    assert_int_equal(mb.fb.width, 1024);
    assert_int_equal(mb.fb.height, 768);
    assert_int_equal(mb.fb.bpp, 32);
    assert_int_equal(mb.fb.type, MB2_FB_RGB);
    assert_true(mb.fb.has_channels);
    assert_int_equal(mb.fb.red_pos, 16);
    assert_int_equal(mb.fb.red_size, 8);
    assert_int_equal(mb.fb.green_pos, 8);
    assert_int_equal(mb.fb.green_size, 8);
    assert_int_equal(mb.fb.blue_pos, 0);
    assert_int_equal(mb.fb.blue_size, 8);
    assert_int_equal(mb.fb.palette_colors, 0);
}

/*
 * A 24-bpp BGR framebuffer whose channels are all different (a swapped byte shows), and one
 * whose tag stops after the common part (32 B):
 *   mmap | framebuffer 24 bpp, R at 0 (8), G at 8 (8), B at 16 (8)... | end
 * Expect each position and size from its own byte; the short tag has no channels.
 */
static void test_framebuffer_channels(void **state)
{
    (void)state;
    uint8_t fb[30] = {0};
    uint64_t addr = 0x1f00000000ull; /* above 4 GiB */
    uint32_t dims[3] = {2400, 800, 600};
    memcpy(fb, &addr, 8);
    memcpy(fb + 8, dims, 12);
    fb[20] = 24;
    fb[21] = MB2_FB_RGB;
    memcpy(fb + 24, "\x01\x05\x09\x06\x11\x07", 6);
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_FRAMEBUFFER, fb, 30);
    end_tag();
    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.fb.addr, 0x1f00000000ull);
    assert_int_equal(mb.fb.bpp, 24);
    assert_true(mb.fb.has_channels);
    assert_int_equal(mb.fb.red_pos, 1);
    assert_int_equal(mb.fb.red_size, 5);
    assert_int_equal(mb.fb.green_pos, 9);
    assert_int_equal(mb.fb.green_size, 6);
    assert_int_equal(mb.fb.blue_pos, 17);
    assert_int_equal(mb.fb.blue_size, 7);

    teardown(NULL);
    setup(NULL);
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_FRAMEBUFFER, fb, 24);
    end_tag();
    assert_int_equal(parse(), K_OK);
    assert_true(mb.has_framebuffer);
    assert_false(mb.fb.has_channels);
}

/*
 * An indexed framebuffer: 2 palette entries (6 B) after the count, then one that claims 3 but
 * holds 2. Expect the count and the entries' offset; the short one counted down with a warning.
 */
static void test_framebuffer_palette(void **state)
{
    (void)state;
    uint8_t fb[32] = {0};
    fb[20] = 8;
    fb[21] = MB2_FB_INDEXED;
    fb[24] = 2;
    memcpy(fb + 26, "\xff\x00\x00\x00\x00\xff", 6);
    mmap_tag(one_map, 1, 24);
    uint32_t at = tag(MB2_TAG_FRAMEBUFFER, fb, 32);
    end_tag();
    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.fb.palette_colors, 2);
    assert_int_equal(mb.fb.palette_off, at + 34);
    assert_int_equal(mb.block[mb.fb.palette_off + 5], 0xff);
    assert_int_equal(mb.warnings, 0);
    teardown(NULL);
    setup(NULL);
    fb[24] = 3;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_FRAMEBUFFER, fb, 32);
    end_tag();
    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.fb.palette_colors, 2);
    assert_int_equal(mb.warnings, 1);
}

/*
 * Both RSDP copies:   mmap | ACPI old (20 B) | ACPI new (36 B) | end
 * Expect pointers to the copies inside the block (not into the builder), lengths 20 and 36, and
 * the bytes intact.
 */
static void test_rsdp_old_and_new(void **state)
{
    (void)state;
    uint8_t v1[20], v2[36];
    for (unsigned i = 0; i < sizeof(v2); i++)
        v2[i] = (uint8_t)(0x80 + i);
    memcpy(v1, "RSD PTR \x42OEMID", 15);
    memset(v1 + 15, 0x11, 5);
    mmap_tag(one_map, 1, 24);
    uint32_t o1 = tag(MB2_TAG_ACPI_OLD, v1, 20);
    uint32_t o2 = tag(MB2_TAG_ACPI_NEW, v2, 36);
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_ptr_equal(mb.rsdp_old, copy + o1 + 8);
    assert_ptr_equal(mb.rsdp_new, copy + o2 + 8);
    assert_int_equal(mb.rsdp_old_len, 20);
    assert_int_equal(mb.rsdp_new_len, 36);
    assert_memory_equal(mb.rsdp_old, v1, 20);
    assert_memory_equal(mb.rsdp_new, v2, 36);
}

/*
 * Command line without its NUL:   [1, size 12]["abcd"] (padding after the tag is NUL, unread)
 * Expect the tag skipped with "not NUL-terminated", cmdline NULL, parse still K_OK.
 */
static void test_bad_cmdline_unterminated(void **state)
{
    (void)state;
    tag(MB2_TAG_CMDLINE, "abcd", 4);
    mmap_tag(one_map, 1, 24);
    end_tag();
    expect_warning("mb2: tag 1 (command line) at offset 0x8: string is not NUL-terminated");
    assert_null(mb.cmdline);
}

/* Boot loader name without its NUL. Expect it skipped (NULL), one warning. */
static void test_bad_loader_unterminated(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_LOADER_NAME, "GRUB", 4);
    end_tag();
    expect_warning("mb2: tag 2 (boot loader name) at offset 0x30: string is not NUL-terminated");
    assert_null(mb.loader_name);
}

/* Two command lines. Expect the first one kept and "duplicate, the first one is used". */
static void test_bad_duplicate_cmdline(void **state)
{
    (void)state;
    str_tag(MB2_TAG_CMDLINE, "first");
    mmap_tag(one_map, 1, 24);
    str_tag(MB2_TAG_CMDLINE, "second");
    end_tag();
    expect_warning("mb2: tag 1 (command line) at offset 0x40: duplicate, the first one is used");
    assert_string_equal(mb.cmdline, "first");
}

/* A framebuffer tag of 24 bytes (the common part needs 30). Expect it skipped. */
static void test_bad_framebuffer_too_small(void **state)
{
    (void)state;
    uint8_t fb[16] = {0};
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_FRAMEBUFFER, fb, 16);
    end_tag();
    expect_warning("mb2: tag 8 (framebuffer) at offset 0x30: size 24 is too small (need 30)");
    assert_false(mb.has_framebuffer);
}

/* An ACPI new RSDP tag holding only the 20-byte v1 part. Expect it skipped (need 44). */
static void test_bad_rsdp_new_too_small(void **state)
{
    (void)state;
    uint8_t v1[20] = "RSD PTR ";
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_ACPI_NEW, v1, 20);
    end_tag();
    expect_warning("mb2: tag 15 (ACPI new RSDP) at offset 0x30: size 28 is too small (need 44)");
    assert_null(mb.rsdp_new);
}

/* An EFI64 system-table tag with a 4-byte pointer. Expect it skipped and efi left false. */
static void test_bad_efi64_too_small(void **state)
{
    (void)state;
    uint32_t p = 0x1234;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_EFI64, &p, 4);
    end_tag();
    expect_warning("mb2: tag 12 (EFI64 system table) at offset 0x30: size 12 is too small");
    assert_false(mb.efi);
}

/*
 * mb2_relocate() after the block is seen through another mapping (a second copy standing in for
 * the direct map): hdr | loader | cmdline | mmap | module | ACPI old | end.
 * Expect every pointer moved by the distance between the copies, the map and modules read
 * through the new one, and NULL pointers left NULL.
 */
static void test_relocate(void **state)
{
    (void)state;
    uint8_t rsdp[20] = "RSD PTR ";
    uint32_t mod[2] = {0x400000, 0x401000};
    str_tag(MB2_TAG_LOADER_NAME, "GRUB");
    str_tag(MB2_TAG_CMDLINE, "ktest");
    mmap_tag(qemu_map, ARRAY_SIZE(qemu_map), 24);
    uint8_t m[16] = {0};
    memcpy(m, mod, 8);
    memcpy(m + 8, "initrd", 7);
    tag(MB2_TAG_MODULE, m, 15);
    tag(MB2_TAG_ACPI_OLD, rsdp, 20);
    end_tag();
    assert_int_equal(parse(), K_OK);
    static uint8_t other[sizeof(blk)] __attribute__((aligned(8)));
    memcpy(other, mb.block, mb.size);
    const uint8_t *old = mb.block;
    mb2_relocate(&mb, other);
    assert_ptr_equal(mb.block, other);
    assert_ptr_equal(mb.cmdline, (const char *)other + ((const uint8_t *)mb.cmdline - other));
    assert_true((const uint8_t *)mb.cmdline >= other &&
                (const uint8_t *)mb.cmdline < other + mb.size);
    assert_true((const uint8_t *)mb.loader_name >= other &&
                (const uint8_t *)mb.loader_name < other + mb.size);
    assert_true(mb.mmap.entries >= other && mb.mmap.entries < other + mb.size);
    assert_true((const uint8_t *)mb.rsdp_old >= other &&
                (const uint8_t *)mb.rsdp_old < other + mb.size);
    assert_null(mb.rsdp_new);
    assert_null(mb.efi_mmap.entries);
    memset((void *)old, 0xee, mb.size); /* the old mapping is gone: nothing may read it now */
    assert_string_equal(mb.cmdline, "ktest");
    assert_string_equal(mb.loader_name, "GRUB");
    for (size_t i = 0; i < ARRAY_SIZE(qemu_map); i++)
        expect_entry(i, qemu_map[i].base, qemu_map[i].len, qemu_map[i].type);
    struct mb2_module mo;
    uint32_t cur;
    size_t n = 0;
    mb2_for_each_module(&mb, cur, &mo)
    {
        assert_string_equal(mo.string, "initrd");
        assert_int_equal(mo.start, 0x400000);
        n++;
    }
    assert_int_equal(n, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_grub_bios_layout),         T(test_relocate),
        T(test_framebuffer_rgb),          T(test_framebuffer_channels),
        T(test_framebuffer_palette),      T(test_rsdp_old_and_new),
        T(test_bad_cmdline_unterminated), T(test_bad_loader_unterminated),
        T(test_bad_duplicate_cmdline),    T(test_bad_framebuffer_too_small),
        T(test_bad_rsdp_new_too_small),   T(test_bad_efi64_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
