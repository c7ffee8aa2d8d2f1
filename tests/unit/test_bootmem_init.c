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
#include <frame64/phys.h>

#define NALT 1000 /* alternating entries */

static struct region_list BL;
static struct frame_pool POOL;
static struct memmap_entry map[NALT + 2];

/* The kernel at [2M, 3M): boot tables and stack, then text, rodata and data. */
static const struct bootmem_config cfg = {
    .kernel = {2 * M, 3 * M},
    .bootstrap = {{2 * M + 16 * K, 2 * M + 48 * K}},
    .phys_bits = 40,
    .nx = true,
    .huge_1g = true,
    .text = {2 * M + 64 * K, 2 * M + 256 * K},
    .rodata = {2 * M + 256 * K, 2 * M + 320 * K},
    .data = {2 * M + 320 * K, 3 * M},
    .global = true,
};
static phys_addr_t pml4;

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
    assert_int_equal(bootmem_init(&BL, &POOL, &mb, &cfg, &pml4, &failed), K_OK);
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
    assert_int_equal(region_lookup(&BL, 2 * M + 16 * K)->tag, REGION_BOOTSTRAP);
    assert_int_equal(region_lookup(&BL, 3 * M + 64 * K)->tag, REGION_BOOTINFO);
    assert_int_equal(region_lookup(&BL, 0)->tag, REGION_LOWMEM);

    /*
     * The kernel's own tables were loaded: the direct map covers RAM up to the highest available
     * entry (data: writable, NX, global), the image has its parts' permissions, and nothing of
     * the lower half is mapped.
     */
    uint64_t fl;
    assert_int_equal(arena_physmap_pml4(), pml4);
    assert_int_equal(region_lookup(&BL, pml4)->tag, REGION_PAGETABLE);
    assert_int_equal(arena_physmap_base(), DIRECT_MAP_BASE);
    assert_int_equal(arena_physmap_end(), 1015 * M + 1 * M); /* 1015M rounded up to 2M */
    assert_int_equal(BL.grow_limit, 1016 * M);
    assert_int_equal(pt_translate(pml4, DIRECT_MAP_BASE + 1014 * M + 8 * K, &fl, NULL),
                     1014 * M + 8 * K);
    assert_true((fl & PTE_WRITE) && (fl & PTE_NX) && (fl & PTE_GLOBAL));
    assert_int_equal(pt_translate(pml4, KERNEL_VMA + 2 * M + 64 * K, &fl, NULL), 2 * M + 64 * K);
    assert_true(!(fl & PTE_WRITE) && !(fl & PTE_NX));
    assert_int_equal(pt_translate(pml4, KERNEL_VMA + 2 * M + 256 * K, &fl, NULL), 2 * M + 256 * K);
    assert_true(!(fl & PTE_WRITE) && (fl & PTE_NX));
    assert_int_equal(pt_translate(pml4, KERNEL_VMA + 3 * M - 4 * K, &fl, NULL), 3 * M - 4 * K);
    assert_true((fl & PTE_WRITE) && (fl & PTE_NX));
    assert_int_equal(pt_translate(pml4, KERNEL_VMA + 2 * M, NULL, NULL), PHYS_NONE);
    assert_int_equal(pt_translate(pml4, 2 * M + 64 * K, NULL, NULL), PHYS_NONE);
    assert_int_equal(pt_translate(pml4, 0, NULL, NULL), PHYS_NONE);
    const uint64_t *top = phys_to_virt(pml4);
    for (int i = 0; i < 256; i++)
        assert_int_equal(top[i], 0);
    assert_true(top[DEVICE_MAP_BASE >> 39 & 511] & PTE_PRESENT);
    assert_true(top[KSTACK_AREA_BASE >> 39 & 511] & PTE_PRESENT);
    expect_said("direct map: physical [0, 0x3f800000) at 0xffff800000000000");
    expect_said("vm: kernel page tables at ");
    /* The boot information now points into the direct map (on the host: the same bytes). */
    assert_ptr_equal(mb.block, phys_to_virt(mb.phys));

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
    assert_int_equal(bootmem_init(&BL, &POOL, &mb, &cfg, &pml4, &failed), K_ENOMEM);
    assert_string_equal(failed, "the firmware memory map could not be read");
    expect_said("memmap: 1200 entries need a list of 60 KiB, and no free range below 0x4000000 "
                "clear of boot data holds it");
}

/*
 * The page the other CPUs start from: the highest low-memory page below 1 MiB, taken out of the
 * low-1MiB reservation as ap-start; the next call takes the one below; a list with no low memory
 * gives 0 and says so.
 *   QEMU's map: low-1MiB [0, 0x9f000) after the carve
 */
static void test_ap_page(void **state)
{
    (void)state;
    arena_create(256 * M);
    blen = 8;
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_parse(0x300000);
    assert_int_equal(bootmem_sanitize(&BL, &mb, &cfg), K_OK);
    assert_int_equal(bootmem_carve(&BL, &mb, &cfg), K_OK);
    assert_int_equal(bootmem_take_ap_page(&BL), 0x9e000);
    assert_int_equal(region_lookup(&BL, 0x9e000)->tag, REGION_APSTART);
    assert_int_equal(region_lookup(&BL, 0x9d000)->tag, REGION_LOWMEM);
    assert_int_equal(bootmem_take_ap_page(&BL), 0x9d000);
    region_init(&BL, "empty", NULL, 0);
    kprintf_reset();
    assert_int_equal(bootmem_take_ap_page(&BL), 0);
    expect_said("bootmem: no usable page below 1 MiB to start the other CPUs from");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_long_map_boots),
        T(test_short_map_static),
        T(test_long_map_without_room),
        T(test_ap_page),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
