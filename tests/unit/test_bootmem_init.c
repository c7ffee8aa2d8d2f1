/* SPDX-License-Identifier: 0BSD */
/*
 * bootmem_init() and bootmem_sanitize() as the kernel runs them (the static boot list of
 * REGION_STATIC_CAPACITY entries, no growth until the direct map exists, the direct map built
 * into a PML4 in the arena): short maps stay in the static list, long ones get a list of their
 * own placed clear of firmware ranges and boot data, and a map with no such place is refused.
 */
#include "bootmem_test.h"

#include <frame64/layout.h>
#include <frame64/pagetable.h>

#define NALT 1000 /* alternating entries */

static struct region_list BL;
static struct frame_pool POOL;
static struct memmap_entry map[NALT + 2];

/* The kernel at [2M, 3M) with its boot tables and stack inside; its PML4 is the image's page 64. */
static const struct bootmem_config cfg = {
    .kernel = {2 * M, 3 * M},
    .bootstrap = {{2 * M + 256 * K, 2 * M + 288 * K}},
    .phys_bits = 40,
    .nx = true,
    .huge_1g = true,
    .pml4 = 2 * M + 256 * K,
};

/*
 * The map the boot tests build with GRUB's cutmem, 1,002 entries:
 *   av[0-640K) av[1M-16M) then from 16M, 1M each: av res av res ... (1,000 alternating)
 *   block at 3M+64K, one module in the top half of the highest available entry:
 *   av[1014M-1015M) with the module at [1014.5M, 1015M)
 */
static void build_long_map(void)
{
    size_t n = 0;
    map[n++] = (struct memmap_entry){0, 640 * K, AV};
    map[n++] = (struct memmap_entry){1 * M, 15 * M, AV};
    for (int i = 0; i < NALT; i++)
        map[n++] = (struct memmap_entry){16 * M + (uint64_t)i * M, 1 * M, i % 2 ? RES : AV};
    blen = 8;
    blk_tag(MB2_TAG_CMDLINE, "ktest", 6);
    blk_mmap(map, n);
    blk_module(1014 * M + 512 * K, 1015 * M, "top");
    blk_parse(3 * M + 64 * K);
}

/*
 * The long map through the whole bring-up on the kernel's configuration.
 * Expect K_OK; a list of its own (more entries than the static 256), tagged meta, inside
 * av[1014M, 1014.5M) below the module; every available page RAM and every reserved page
 * firmware; the boot data carved; the direct map built and switched to; a working frame pool
 * whose counters add up.
 */
static void test_long_map_boots(void **state)
{
    (void)state;
    arena_create(1040 * M);
    build_long_map();
    const char *failed = NULL;
    assert_int_equal(bootmem_init(&BL, &POOL, &mb, &cfg, &failed), K_OK);
    assert_null(failed);
    expect_said("memmap: 1002 entries from the multiboot2 memory map, 40-bit physical addresses");
    assert_true(region_check(&BL));
    assert_true(BL.count > REGION_STATIC_CAPACITY);
    assert_true(BL.capacity >= memmap_list_bound(NALT + 2, 0));
    assert_true(BL.storage >= 1014 * M && BL.storage < 1014 * M + 512 * K);
    const struct region *r = region_lookup(&BL, BL.storage);
    assert_int_equal(r->tag, REGION_META);
    assert_true(r->end <= 1014 * M + 512 * K);
    for (int i = 0; i < NALT; i++) {
        phys_addr_t pa = 16 * M + (uint64_t)i * M + 4 * K;
        uint32_t tag = region_lookup(&BL, pa)->tag;
        if (i % 2)
            assert_int_equal(tag, FW);
        else
            assert_true(tag == F || region_tag_owned(tag));
    }
    assert_int_equal(region_lookup(&BL, 1014 * M + 512 * K)->tag, REGION_MODULE);
    assert_int_equal(region_lookup(&BL, 2 * M)->tag, REGION_KERNEL);
    assert_int_equal(region_lookup(&BL, 2 * M + 256 * K)->tag, REGION_BOOTSTRAP);
    assert_int_equal(region_lookup(&BL, 3 * M + 64 * K)->tag, REGION_BOOTINFO);
    assert_int_equal(region_lookup(&BL, 0)->tag, REGION_LOWMEM);

    /* The direct map covers RAM up to the highest available entry, and phys_to_virt() moved. */
    assert_int_equal(arena_physmap_base(), DIRECT_MAP_BASE);
    assert_int_equal(arena_physmap_end(), 1015 * M + 1 * M); /* 1015M rounded up to 2M */
    assert_int_equal(BL.grow_limit, 1016 * M);
    assert_int_equal(pt_translate(cfg.pml4, DIRECT_MAP_BASE + 1014 * M + 8 * K, NULL, NULL),
                     1014 * M + 8 * K);
    expect_said("direct map: physical [0, 0x3f800000) at 0xffff800000000000");

    struct frame_stats st;
    phys_addr_t a = frame_alloc(&POOL);
    assert_int_not_equal(a, PHYS_NONE);
    frame_get_stats(&POOL, &st);
    assert_int_equal(st.total, st.stacked + st.unseeded + st.reserved + st.in_use);
    assert_int_equal(st.in_use, PAGE_SIZE);
    frame_free(&POOL, a);
}

/*
 * A short map stays in the static list: QEMU's 6 entries. Expect storage 0 (not adopted), the
 * list on the kernel's static array, and the same sanitized ranges as before the carve.
 */
static void test_short_map_static(void **state)
{
    (void)state;
    arena_create(256 * M);
    blen = 8;
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_parse(0x300000);
    assert_int_equal(bootmem_sanitize(&BL, &mb, &cfg), K_OK);
    assert_int_equal(BL.storage, 0);
    assert_int_equal(BL.capacity, REGION_STATIC_CAPACITY);
    assert_int_equal(BL.count, 6);
}

/*
 * No place for a long list: 600 available pages, each alone between reserved pages:
 *   av[1M, 1M+4K) res[1M+4K, 1M+8K) av[1M+8K, ...) ...
 * The list needs several contiguous pages and every free range is one page. Expect K_ENOMEM
 * with a sentence saying how big a list the map needs, and bootmem_init() naming the step.
 */
static void test_long_map_without_room(void **state)
{
    (void)state;
    static struct memmap_entry m[1200];
    for (int i = 0; i < 1200; i++)
        m[i] = (struct memmap_entry){1 * M + (uint64_t)i * 4 * K, 4 * K, i % 2 ? RES : AV};
    arena_create(64 * M);
    blen = 8;
    blk_mmap(m, ARRAY_SIZE(m));
    blk_parse(0x300000);
    const char *failed = NULL;
    assert_int_equal(bootmem_init(&BL, &POOL, &mb, &cfg, &failed), K_ENOMEM);
    assert_string_equal(failed, "the firmware memory map could not be read");
    expect_said("memmap: 1200 entries need a list of 60 KiB, and no free range below 0x4000000 "
                "clear of boot data holds it");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_long_map_boots),
        T(test_short_map_static),
        T(test_long_map_without_room),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
