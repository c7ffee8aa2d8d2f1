/* SPDX-License-Identifier: 0BSD */
/*
 * bootmem_carve() and memmap_print(): the boot carve-outs (kernel, bootstrap, boot information,
 * modules, command line, low memory) over a sanitized map, in their order, and the printed table.
 */
#include "bootmem_test.h"

static const struct bootmem_config kern = {
    .kernel = {2 * M, 2 * M + 600 * K},
    .bootstrap = {{2 * M + 400 * K, 2 * M + 424 * K}, {2 * M + 424 * K, 2 * M + 440 * K}},
};

/*
 * The boot carve-outs on QEMU's map, block at 3M with two modules:
 *   kernel [2M-2M+600K) containing bootstrap [2M+400K-2M+440K)
 *   block [3M-3M+len)   modules initrd [4M-4.5M) and font [5M-5M+0x123)   cmdline inside block
 * Expect |low-1MiB 0-636K|fw|fw|free 1M-2M|kernel|bootstrap|kernel|free|boot-info 3M-3M+4K|free|
 *   |module 4M-4.5M|free|module 5M-5M+4K|free ...|fw|fw| , no cmdline entry, and
 *   free = firmware-available - everything carved.
 */
static void test_carve_boot(void **state)
{
    (void)state;
    blen = 8;
    blk_tag(MB2_TAG_CMDLINE, "root=/dev/ram0", 15);
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_module(0x400000, 0x480000, "initrd");
    blk_module(0x500000, 0x500123, "font");
    blk_parse(0x300000);
    assert_int_equal(sanitize_block(40), K_OK);
    uint64_t avail = region_total(&L, F);
    kprintf_reset();
    assert_int_equal(bootmem_carve(&L, &mb, &kern), K_OK);
    expect_silent();
    EXPECT(E(0, 0x9f000, REGION_LOWMEM), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x200000, F), E(0x200000, 0x264000, REGION_KERNEL),
           E(0x264000, 0x26e000, REGION_BOOTSTRAP), E(0x26e000, 0x296000, REGION_KERNEL),
           E(0x296000, 0x300000, F), E(0x300000, 0x301000, REGION_BOOTINFO),
           E(0x301000, 0x400000, F), E(0x400000, 0x480000, REGION_MODULE), E(0x480000, 0x500000, F),
           E(0x500000, 0x501000, REGION_MODULE), E(0x501000, 0x7fe0000, F),
           E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
    assert_int_equal(region_total(&L, REGION_CMDLINE), 0);
    assert_int_equal(region_total(&L, F), avail - 0x9f000 - 600 * K - 0x1000 - 0x80000 - 0x1000);

    kprintf_reset();
    memmap_print(&L);
    expect_said("memmap: 16 ranges in memmap\n");
    expect_said("  base               end                      size  type\n");
    expect_said("  0x0000000000000000 0x000000000009f000    636 KiB  low-1MiB\n");
    expect_said("  0x0000000000400000 0x0000000000480000    512 KiB  module\n");
    expect_said("  0x00000000fffc0000 0x0000000100000000    256 KiB  firmware\n");
    expect_said("  available 125.7 MiB, kernel/boot 1.7 MiB, frame pool 0 B, DMA runs 0 B, "
                "firmware-reserved 452 KiB, ACPI 0 B, bad 0 B\n");
}

/*
 * A module partly in firmware memory and one in a hole:
 *   free [1M-127.875M)|fw [-128M)      module A [127.8125M-127.9375M)   module B [3G-3G+4K)
 * Expect K_OK, A's free part carved, and a "not all available RAM" line for each.
 */
static void test_carve_module_outside_ram(void **state)
{
    (void)state;
    blen = 8;
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_module(0x7fd0000, 0x7ff0000, "a");
    blk_module(0xc0000000, 0xc0001000, "b");
    blk_parse(0x300000);
    assert_int_equal(sanitize_block(40), K_OK);
    assert_int_equal(bootmem_carve(&L, &mb, NULL), K_OK);
    assert_int_equal(region_lookup(&L, 0x7fd0000)->tag, REGION_MODULE);
    assert_int_equal(region_lookup(&L, 0x7fe0000)->tag, FW);
    expect_said("memmap: module [0x7fd0000, 0x7ff0000) is not all available RAM (64 KiB in holes "
                "or firmware ranges)");
    expect_said("memmap: module [0xc0000000, 0xc0001000) is not all available RAM (4 KiB in");
}

/* Inverted kernel range in the carve-outs. Expect K_EINVAL and "is inverted". */
static void test_carve_boot_inverted(void **state)
{
    (void)state;
    const struct bootmem_config k = {.kernel = {3 * M, 2 * M}};
    ADD({0, 16 * M, AV});
    assert_int_equal(bootmem_carve(&L, NULL, &k), K_EINVAL);
    expect_said("memmap: kernel range [0x300000, 0x200000) is inverted");
}

/*
 * The list grew (into the highest free pages) before the carve-outs, and a module lies there:
 *   av [1M-2M) [3M-4M) ... [39M-40M) on a list of 8 growing below 64M; module = its storage
 * Expect bootmem_carve() to refuse with K_EINVAL: "overlaps the storage memmap grew into".
 */
static void test_carve_boot_meta_overlap(void **state)
{
    (void)state;
    struct memmap_entry in[20];
    for (int i = 0; i < 20; i++)
        in[i] = (struct memmap_entry){(uint64_t)(2 * i + 1) * M, 1 * M, AV};
    arena_create(64 * M);
    region_init(&L, "memmap", small, 8);
    region_set_grow_limit(&L, 64 * M);
    assert_int_equal(memmap_add_entries(&L, in, 20, 40), K_OK);
    assert_int_not_equal(L.storage, 0);
    blen = 8;
    blk_mmap(in, 1);
    blk_module((uint32_t)L.storage, (uint32_t)L.storage + 0x100, "victim");
    blk_parse(0x300000);
    assert_int_equal(bootmem_carve(&L, &mb, NULL), K_EINVAL);
    expect_said("overlaps the storage memmap grew into; carve before letting it grow");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_carve_boot),
        T(test_carve_module_outside_ram),
        T(test_carve_boot_inverted),
        T(test_carve_boot_meta_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
