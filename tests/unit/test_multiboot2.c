/* SPDX-License-Identifier: 0BSD */
/*
 * mb2_parse() on hand-built information blocks: GRUB-like good blocks, then malformed ones, each
 * checked for its outcome and its message. Every block is parsed from a heap copy of exactly its
 * length, so the sanitizer build catches any read past the end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/multiboot2.h>
#include "host_support.h"

/* ---- block builder ---- */

static uint8_t blk[256 * 1024] __attribute__((aligned(8)));
static uint32_t blen;
static uint8_t *copy;
static struct mb2_info mb;

#define PHYS 0x10000u

static void put32(uint32_t off, uint32_t v)
{
    memcpy(blk + off, &v, 4);
}

static void put64(uint32_t off, uint64_t v)
{
    memcpy(blk + off, &v, 8);
}

/* Appends a tag whose size field says size, with plen payload bytes; returns its offset. */
static uint32_t tag_sized(uint32_t type, uint32_t size, const void *payload, uint32_t plen)
{
    uint32_t off = blen;
    put32(off, type);
    put32(off + 4, size);
    if (plen)
        memcpy(blk + off + 8, payload, plen);
    blen = off + (uint32_t)ALIGN_UP(8 + plen, 8);
    return off;
}

static uint32_t tag(uint32_t type, const void *payload, uint32_t plen)
{
    return tag_sized(type, 8 + plen, payload, plen);
}

static uint32_t str_tag(uint32_t type, const char *s)
{
    return tag(type, s, (uint32_t)strlen(s) + 1);
}

static uint32_t module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[128];
    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    strcpy((char *)p + 8, s);
    return tag(MB2_TAG_MODULE, p, 8 + (uint32_t)strlen(s) + 1);
}

/* A type 6 map of n entries, each esize bytes (>= 20 written). */
static uint32_t mmap_tag(const struct memmap_entry *e, size_t n, uint32_t esize)
{
    uint32_t off = blen;
    put32(off, MB2_TAG_MMAP);
    put32(off + 4, 16 + (uint32_t)n * esize);
    put32(off + 8, esize);
    put32(off + 12, 0);
    for (size_t i = 0; i < n; i++) {
        uint32_t p = off + 16 + (uint32_t)i * esize;
        memset(blk + p, 0xee, esize); /* junk in padding must be ignored */
        put64(p, e[i].base);
        put64(p + 8, e[i].len);
        put32(p + 16, e[i].type);
    }
    blen = off + (uint32_t)ALIGN_UP(16 + n * esize, 8);
    return off;
}

struct efi_desc {
    uint32_t type;
    uint64_t phys, pages;
};

/* A type 17 map of n descriptors of dsize bytes (>= 40 written). */
static uint32_t efi_tag(const struct efi_desc *d, size_t n, uint32_t dsize)
{
    uint32_t off = blen;
    put32(off, MB2_TAG_EFI_MMAP);
    put32(off + 4, 16 + (uint32_t)n * dsize);
    put32(off + 8, dsize);
    put32(off + 12, 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t p = off + 16 + (uint32_t)i * dsize;
        memset(blk + p, 0xee, dsize);
        put32(p, d[i].type);
        put64(p + 8, d[i].phys);
        put64(p + 16, 0xdead0000); /* virtual start: ignored */
        put64(p + 24, d[i].pages);
        put64(p + 32, 0xf);
    }
    blen = off + (uint32_t)ALIGN_UP(16 + n * dsize, 8);
    return off;
}

static const struct memmap_entry one_map[] = {{0x100000, 0x7ee0000, MEMMAP_AVAILABLE}};

/* Appends the end tag and sets total_size to the length. */
static void end_tag(void)
{
    tag(MB2_TAG_END, NULL, 0);
    put32(0, blen);
}

/* Parses a heap copy of exactly blen bytes (8 minimum, so the header is always there). */
static int parse_at(phys_addr_t phys)
{
    free(copy);
    copy = malloc(blen < 8 ? 8 : blen);
    memcpy(copy, blk, blen < 8 ? 8 : blen);
    return mb2_parse(copy, phys, &mb);
}

static int parse(void)
{
    return parse_at(PHYS);
}

static bool said(const char *s)
{
    return strstr(kprintf_output(), s) != NULL;
}

static int setup(void **state)
{
    (void)state;
    memset(blk, 0, sizeof(blk));
    blen = 8;
    kprintf_reset();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(copy);
    copy = NULL;
    return 0;
}

/* ---- good blocks ---- */

static const struct memmap_entry qemu_map[] = {
    {0x0, 0x9fc00, MEMMAP_AVAILABLE},      {0x9fc00, 0x400, MEMMAP_RESERVED},
    {0xf0000, 0x10000, MEMMAP_RESERVED},   {0x100000, 0x7ee0000, MEMMAP_AVAILABLE},
    {0x7fe0000, 0x20000, MEMMAP_RESERVED}, {0xfffc0000, 0x40000, MEMMAP_RESERVED},
};

static void expect_entry(size_t i, uint64_t base, uint64_t len, uint32_t type)
{
    struct memmap_entry e;
    assert_true(mb2_mmap_get(&mb, i, &e));
    assert_int_equal(e.base, base);
    assert_int_equal(e.len, len);
    assert_int_equal(e.type, type);
}

/*
 * GRUB on BIOS (QEMU, 128 MiB):
 *   hdr | loader "GRUB 2.06" | cmdline | meminfo | type 5 (unused) | mmap 6 x 24 B
 *       | framebuffer (EGA text) | ACPI old RSDP | load base | end
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
    assert_true(mb.has_meminfo);
    assert_int_equal(mb.mem_lower_kib, 639);
    assert_int_equal(mb.mem_upper_kib, 129920);
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
    assert_true(mb.has_load_base);
    assert_int_equal(mb.load_base, 0x200000);
    assert_int_equal(mb.module_count, 0);
    assert_int_equal(mb.phys, PHYS);
    assert_int_equal(mb.size, blen);
    assert_int_equal(mb.walk_end, blen - 8);
}

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
    MEMMAP_AVAILABLE, MEMMAP_AVAILABLE, MEMMAP_RESERVED, MEMMAP_AVAILABLE, MEMMAP_AVAILABLE,
    MEMMAP_AVAILABLE, MEMMAP_RESERVED,  MEMMAP_RESERVED, MEMMAP_BAD,       MEMMAP_ACPI_RECLAIM,
    MEMMAP_ACPI_NVS,  MEMMAP_RESERVED,  MEMMAP_RESERVED, MEMMAP_RESERVED,  MEMMAP_RESERVED,
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
    expect_entry(0, 0x0, 0x1000, MEMMAP_RESERVED);         /* BS code */
    expect_entry(1, 0x1000, 0x9f000, MEMMAP_AVAILABLE);    /* conventional */
    expect_entry(3, 0x100000, 0x100000, MEMMAP_AVAILABLE); /* loader code */
    expect_entry(5, 0x202000, 0x10000, MEMMAP_RESERVED);   /* BS data */
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
    expect_entry(5, 0xfffc0000, 0x40000, MEMMAP_RESERVED);
}

/*
 * Modules between other tags:
 *   module A [0x300000,0x301000) | cmdline | module B [0x400000,0x400000) (empty)
 *   | mmap | module C [0x500000,0x5fffff) | end
 * Expect three modules, iterated in order with their strings; the empty one is still a module.
 */
static void test_several_modules(void **state)
{
    (void)state;
    struct mb2_module m;
    uint32_t cur;
    module(0x300000, 0x301000, "initrd");
    str_tag(MB2_TAG_CMDLINE, "");
    module(0x400000, 0x400000, "empty");
    mmap_tag(one_map, 1, 24);
    module(0x500000, 0x5fffff, "fs.img root=1");
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.module_count, 3);
    assert_string_equal(mb.cmdline, "");
    const char *names[] = {"initrd", "empty", "fs.img root=1"};
    const phys_addr_t starts[] = {0x300000, 0x400000, 0x500000};
    const phys_addr_t ends[] = {0x301000, 0x400000, 0x5fffff};
    size_t n = 0;
    mb2_for_each_module(&mb, cur, &m)
    {
        assert_true(n < 3);
        assert_string_equal(m.string, names[n]);
        assert_int_equal(m.start, starts[n]);
        assert_int_equal(m.end, ends[n]);
        n++;
    }
    assert_int_equal(n, 3);
    assert_false(mb2_module_next(&mb, &cur, &m)); /* stays exhausted */
}

/*
 * 300 modules, no fixed table:   mmap | module 0 | module 1 | ... | module 299 | end
 * Expect 300 counted and iterated, each with its own range and string.
 */
static void test_many_modules(void **state)
{
    (void)state;
    char name[16];
    mmap_tag(one_map, 1, 24);
    for (uint32_t i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "mod%u", i);
        module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x800, name);
    }
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.module_count, 300);
    struct mb2_module m;
    uint32_t cur, i = 0;
    mb2_for_each_module(&mb, cur, &m)
    {
        snprintf(name, sizeof(name), "mod%u", i);
        assert_string_equal(m.string, name);
        assert_int_equal(m.start, 0x1000000 + i * 0x1000);
        i++;
    }
    assert_int_equal(i, 300);
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
    expect_entry(0, 0x1000, 0x10000, MEMMAP_AVAILABLE);
    expect_entry(1, 0x100000, UINT64_MAX, MEMMAP_AVAILABLE);
    struct memmap_entry e;
    assert_false(mb2_mmap_get(&mb, 2, &e));
}

/*
 * The end tag comes before total_size:   mmap | end | cmdline "late" | (total_size)
 * Expect the walk to stop at the end tag: the late command line is not seen, no warning.
 */
static void test_stops_at_end_tag(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_END, NULL, 0);
    uint32_t end_off = blen - 8;
    str_tag(MB2_TAG_CMDLINE, "late");
    put32(0, blen);

    assert_int_equal(parse(), K_OK);
    assert_null(mb.cmdline);
    assert_int_equal(mb.warnings, 0);
    assert_int_equal(mb.walk_end, end_off);
}

/* Tag names for messages: known types by name, anything else "unknown". */
static void test_tag_names(void **state)
{
    (void)state;
    assert_string_equal(mb2_tag_name(MB2_TAG_MMAP), "memory map");
    assert_string_equal(mb2_tag_name(MB2_TAG_EFI_MMAP), "EFI memory map");
    assert_string_equal(mb2_tag_name(7), "unknown");
    assert_string_equal(mb2_tag_name(0xffffffff), "unknown");
}

/* ---- malformed blocks ---- */

/* Expect: parse fails with err and printed msg. */
static void expect_fail(int err, const char *msg)
{
    assert_int_equal(parse(), err);
    if (!said(msg))
        fail_msg("expected \"%s\" in: %s", msg, kprintf_output());
}

/* Expect: parse succeeds with one warning that printed msg. */
static void expect_warning(const char *msg)
{
    assert_int_equal(parse(), K_OK);
    if (!said(msg))
        fail_msg("expected \"%s\" in: %s", msg, kprintf_output());
    assert_int_equal(mb.warnings, 1);
}

/* No block at all (NULL). Expect K_EINVAL, "no information block". */
static void test_bad_null(void **state)
{
    (void)state;
    assert_int_equal(mb2_parse(NULL, PHYS, &mb), K_EINVAL);
    assert_true(said("mb2: no information block (NULL pointer)"));
}

/*
 * The pointer is 4 bytes off:   [....|hdr ...]   (mapping misaligned)
 * Expect K_EINVAL, "not 8-byte aligned", without reading the block.
 */
static void test_bad_misaligned_pointer(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    end_tag();
    uint8_t *buf = malloc(blen + 4);
    memcpy(buf + 4, blk, blen);
    assert_int_equal(mb2_parse(buf + 4, PHYS, &mb), K_EINVAL);
    free(buf);
    assert_true(said("is not 8-byte aligned"));
}

/* The physical address is odd (0x10004) though the mapping is aligned. Expect K_EINVAL. */
static void test_bad_misaligned_phys(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    end_tag();
    assert_int_equal(parse_at(PHYS + 4), K_EINVAL);
    assert_true(said("mb2: information block at 0x10004"));
    assert_true(said("is not 8-byte aligned"));
}

/* total_size 0:   [00000000 00000000]   Expect K_EINVAL, "total_size 0 is too small". */
static void test_bad_total_zero(void **state)
{
    (void)state;
    put32(0, 0);
    expect_fail(K_EINVAL, "mb2: total_size 0 is too small");
}

/*
 * total_size 15, one short of header + end tag:   [hdr 8][end tag 7?]
 * Expect K_EINVAL, "total_size 15 is too small".
 */
static void test_bad_total_15(void **state)
{
    (void)state;
    end_tag();
    put32(0, 15);
    blen = 15;
    expect_fail(K_EINVAL, "mb2: total_size 15 is too small");
}

/* total_size 2 MiB (over the 1 MiB cap) on a 16-byte block. Expect K_EINVAL, no read past 8. */
static void test_bad_total_too_large(void **state)
{
    (void)state;
    end_tag();
    put32(0, 2 * MiB);
    expect_fail(K_EINVAL, "mb2: total_size 2097152 is larger than the 1024 KiB limit");
}

/* The block would end past 2^64:   phys 0xffff_ffff_ffff_fff0 + 48. Expect K_EINVAL "wraps". */
static void test_bad_extent_wraps(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    end_tag();
    assert_int_equal(parse_at(0xfffffffffffffff0ull), K_EINVAL);
    assert_true(said("wraps around the address space"));
}

/*
 * A tag of size 0 (would loop forever):   hdr | [type 1, size 0] | ...
 * Expect K_EINVAL naming tag 1 at offset 0x8 and size 0.
 */
static void test_bad_tag_size_zero(void **state)
{
    (void)state;
    tag_sized(MB2_TAG_CMDLINE, 0, "x", 2);
    mmap_tag(one_map, 1, 24);
    end_tag();
    expect_fail(K_EINVAL, "mb2: tag 1 at offset 0x8 has size 0, smaller than its 8-byte header");
}

/* A tag of size 7, one byte short of its own header, after a good tag. Expect K_EINVAL. */
static void test_bad_tag_size_seven(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag_sized(99, 7, NULL, 0);
    end_tag();
    expect_fail(K_EINVAL, "mb2: tag 99 at offset 0x30 has size 7");
}

/*
 * A tag claims more than is left:   hdr | mmap | [cmdline size 0x1000] | end   (total 0x48)
 * Expect K_EINVAL, "runs past the end", naming the tag, offset and size.
 */
static void test_bad_tag_past_end(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag_sized(MB2_TAG_CMDLINE, 0x1000, "abc", 4);
    end_tag();
    expect_fail(K_EINVAL, "mb2: tag 1 at offset 0x30 of size 4096 runs past the end of the block "
                          "(total_size 72)");
}

/* A tag size of 0xffffffff (offset + size overflows 32 bits). Expect K_EINVAL, not a wrap. */
static void test_bad_tag_size_huge(void **state)
{
    (void)state;
    tag_sized(MB2_TAG_MMAP, 0xffffffff, NULL, 0);
    end_tag();
    expect_fail(K_EINVAL, "of size 4294967295 runs past the end");
}

/*
 * total_size cuts the memory map in half:   hdr | mmap (6 x 24) ... | total_size here
 * Expect K_EINVAL naming the memory map tag (type 6) at offset 0x8.
 */
static void test_bad_truncated_block(void **state)
{
    (void)state;
    mmap_tag(qemu_map, ARRAY_SIZE(qemu_map), 24);
    end_tag();
    blen = 80;
    put32(0, blen);
    expect_fail(K_EINVAL, "mb2: tag 6 at offset 0x8 of size 160 runs past the end");
}

/*
 * No end tag, the last tag ends exactly at total_size:   hdr | cmdline | mmap |
 * Expect K_OK with a warning "no end tag"; the tags before it are used.
 */
static void test_bad_no_end_tag(void **state)
{
    (void)state;
    str_tag(MB2_TAG_CMDLINE, "ro");
    mmap_tag(one_map, 1, 24);
    put32(0, blen);
    expect_warning("mb2: no end tag before the end of the block");
    assert_string_equal(mb.cmdline, "ro");
    assert_int_equal(mb2_mmap_count(&mb), 1);
}

/*
 * Seven stray bytes where the end tag should be (one short of a tag header):
 *   hdr | mmap | [7 bytes] <- total_size
 * Expect K_OK, "no end tag", and no read of those bytes as a header (ASan build).
 */
static void test_bad_partial_header_at_end(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    blen += 7;
    put32(0, blen);
    expect_warning("no end tag");
}

/* An end tag of size 16:   hdr | mmap | [0, 16] . Expect K_OK, one warning, walk stops there. */
static void test_bad_end_tag_size(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag_sized(MB2_TAG_END, 16, "\0\0\0\0\0\0\0", 8);
    put32(0, blen);
    expect_warning("mb2: tag 0 (end) at offset 0x30: size 16, expected 8; treated as the end");
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

/*
 * A module whose string has no NUL, between two good modules:
 *   module "a" | module [start end "bad"] | module "c" | mmap | end
 * Expect the middle one skipped (at parse and by the iterator): count 2, "a" then "c".
 */
static void test_bad_module_unterminated(void **state)
{
    (void)state;
    uint32_t p[3] = {0x100000, 0x101000, 0x646162 /* "bad" with no NUL */};
    module(0x200000, 0x201000, "a");
    uint32_t off = tag(MB2_TAG_MODULE, p, 11);
    module(0x300000, 0x301000, "c");
    mmap_tag(one_map, 1, 24);
    end_tag();
    expect_warning("string is not NUL-terminated inside the tag; skipped");
    char want[64];
    snprintf(want, sizeof(want), "tag 3 (module) at offset 0x%x", off);
    assert_true(said(want));
    assert_int_equal(mb.module_count, 2);
    struct mb2_module m;
    uint32_t cur = 0;
    assert_true(mb2_module_next(&mb, &cur, &m));
    assert_string_equal(m.string, "a");
    assert_true(mb2_module_next(&mb, &cur, &m));
    assert_string_equal(m.string, "c");
    assert_false(mb2_module_next(&mb, &cur, &m));
}

/* A module ending below its start:   [0x300000 ... 0x200000). Expect it skipped, count 0. */
static void test_bad_module_inverted(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    module(0x300000, 0x200000, "backwards");
    end_tag();
    expect_warning("mb2: tag 3 (module) at offset 0x30: end 0x200000 is below start 0x300000");
    assert_int_equal(mb.module_count, 0);
    struct mb2_module m;
    uint32_t cur;
    mb2_for_each_module(&mb, cur, &m) fail_msg("no module expected");
}

/* A module tag of 16 bytes (start, end, no string). Expect "size 16 is too small (need 17)". */
static void test_bad_module_too_small(void **state)
{
    (void)state;
    uint32_t p[2] = {0x100000, 0x200000};
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_MODULE, p, 8);
    end_tag();
    expect_warning("mb2: tag 3 (module) at offset 0x30: size 16 is too small (need 17); skipped");
    assert_int_equal(mb.module_count, 0);
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
    expect_entry(0, 0x100000, 0x10000, MEMMAP_AVAILABLE);
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

/* A basic meminfo tag with only mem_lower. Expect it skipped (need 16). */
static void test_bad_meminfo_too_small(void **state)
{
    (void)state;
    uint32_t lower = 639;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_BASIC_MEMINFO, &lower, 4);
    end_tag();
    expect_warning("mb2: tag 4 (basic meminfo) at offset 0x30: size 12 is too small (need 16)");
    assert_false(mb.has_meminfo);
}

/* An image-load-base tag with no address. Expect it skipped (need 12). */
static void test_bad_load_base_too_small(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_LOAD_BASE, NULL, 0);
    end_tag();
    expect_warning("mb2: tag 21 (image load base) at offset 0x30: size 8 is too small (need 12)");
    assert_false(mb.has_load_base);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_grub_bios_layout),
        T(test_uefi_efi_map_only),
        T(test_efi_boot_services_active),
        T(test_both_maps_prefers_type6),
        T(test_several_modules),
        T(test_many_modules),
        T(test_framebuffer_rgb),
        T(test_rsdp_old_and_new),
        T(test_mmap_steps_by_entry_size),
        T(test_efi_steps_by_descriptor_size),
        T(test_stops_at_end_tag),
        T(test_tag_names),
        T(test_bad_null),
        T(test_bad_misaligned_pointer),
        T(test_bad_misaligned_phys),
        T(test_bad_total_zero),
        T(test_bad_total_15),
        T(test_bad_total_too_large),
        T(test_bad_extent_wraps),
        T(test_bad_tag_size_zero),
        T(test_bad_tag_size_seven),
        T(test_bad_tag_past_end),
        T(test_bad_tag_size_huge),
        T(test_bad_truncated_block),
        T(test_bad_no_end_tag),
        T(test_bad_partial_header_at_end),
        T(test_bad_end_tag_size),
        T(test_bad_cmdline_unterminated),
        T(test_bad_loader_unterminated),
        T(test_bad_module_unterminated),
        T(test_bad_module_inverted),
        T(test_bad_module_too_small),
        T(test_bad_mmap_entry_too_small),
        T(test_bad_mmap_entry_unaligned),
        T(test_bad_mmap_header_too_small),
        T(test_bad_mmap_empty),
        T(test_bad_mmap_trailing_bytes),
        T(test_bad_efi_descriptor_too_small),
        T(test_bad_mmap_falls_back_to_efi),
        T(test_bad_no_memory_map),
        T(test_bad_duplicate_cmdline),
        T(test_bad_framebuffer_too_small),
        T(test_bad_rsdp_new_too_small),
        T(test_bad_efi64_too_small),
        T(test_bad_meminfo_too_small),
        T(test_bad_load_base_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
