/* SPDX-License-Identifier: 0BSD */
/*
 * pt_tables_needed() against the frames pt_map() really takes: the direct map and hand-counted
 * cases across table boundaries; and the level each table is asked for by.
 */
#include "pagetable_test.h"

/*
 *   virt 0xffff800000000000 [9G) -> phys [0, 9G)
 *     with 2 MiB pages: PDPT + 9 PDs = 10 frames
 *     with 1 GiB pages: PDPT only (in a fresh PML4)
 * Expect: those counts, equal to pt_tables_needed, and PML4[256] holds the map.
 */
static void test_direct_map(void **state)
{
    (void)state;
    assert_int_equal(pt_tables_needed(DIRECT_MAP, 9 * GiB, PT_2M), 10);
    assert_int_equal(map(DIRECT_MAP, 0, 9 * GiB, PTE_WRITE | PTE_NX, PT_2M), K_OK);
    assert_int_equal(bump.count, 10);
    assert_int_equal(tr(DIRECT_MAP + 5 * GiB + 123), 5 * GiB + 123);
    assert_int_equal(tr(DIRECT_MAP + 9 * GiB - 1), 9 * GiB - 1);
    assert_int_equal(tr(DIRECT_MAP + 9 * GiB), PHYS_NONE);
    assert_true(pml4_entry(256) & PTE_PRESENT);

    memset(phys_to_virt(PML4), 0, PAGE_SIZE);
    bump.count = 0;
    assert_int_equal(pt_tables_needed(DIRECT_MAP, 9 * GiB, PT_2M | PT_1G), 1);
    assert_int_equal(map(DIRECT_MAP, 0, 9 * GiB, PTE_WRITE | PTE_NX, PT_2M | PT_1G), K_OK);
    assert_int_equal(bump.count, 1);
    assert_int_equal(page_size_at(DIRECT_MAP + 8 * GiB), 1 * GiB);
    assert_int_equal(tr(DIRECT_MAP + 8 * GiB + 77), 8 * GiB + 77);
}

/*
 * Table-frame counts in an empty PML4, pt_map() against pt_tables_needed() and a hand count:
 *   [0, 1G) at 2M                    PDPT + PD                      = 2
 *   [512G-2M, 512G+2M) at 2M         2 PDPTs + 2 PDs                = 4
 *   [1G-4K, 2G+4K) at 1G|2M          PDPT + 2 PDs + 2 PTs           = 5
 *   [1G-2M, 2G+2M) at 1G only        PDPT + 2 PDs + 2 PTs           = 5
 *   [4K, 8K) in the upper half       PDPT + PD + PT                 = 3
 * Expect: all three agree for every case.
 */
static void test_table_counts(void **state)
{
    (void)state;
    static const struct {
        uint64_t virt, size;
        unsigned sizes;
        uint64_t frames;
    } cases[] = {
        {0, 1 * GiB, PT_2M, 2},
        {512 * GiB - 2 * MiB, 4 * MiB, PT_2M, 4},
        {1 * GiB - PAGE_SIZE, 1 * GiB + 2 * PAGE_SIZE, PT_1G | PT_2M, 5},
        {1 * GiB - 2 * MiB, 1 * GiB + 4 * MiB, PT_1G, 5},
        {DIRECT_MAP + PAGE_SIZE, PAGE_SIZE, PT_2M, 3},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        memset(phys_to_virt(PML4), 0, PAGE_SIZE);
        bump.count = 0;
        assert_int_equal(
            map(cases[i].virt, cases[i].virt & 0xffffffffffffull, cases[i].size, 0, cases[i].sizes),
            K_OK);
        assert_int_equal(bump.count, cases[i].frames);
        assert_int_equal(pt_tables_needed(cases[i].virt, cases[i].size, cases[i].sizes),
                         cases[i].frames);
    }
    assert_int_equal(pt_tables_needed(0, 0, PT_2M), 0);
}

/* The levels the allocator was asked for, in order. */
static struct {
    int level[8];
    unsigned n;
} asked;

static phys_addr_t level_alloc(void *ctx, int level)
{
    assert_true(asked.n < ARRAY_SIZE(asked.level));
    asked.level[asked.n++] = level;
    return bump_alloc(ctx, level);
}

/*
 *   empty PML4; a 4 KiB page at 4M (pt_map); a 2 MiB page at 1G (its PDPT exists);
 *   pt_link_pdpt at DIRECT_MAP, twice; pt_link_pdpt at 0 (its PDPT exists)
 * Expect: the allocator is asked for a PDPT, a PD and a PT (levels 2, 1, 0, top down), then a
 * PD (1), then a PDPT (2), then nothing more; each table is linked at the level it was asked for.
 */
static void test_levels_asked(void **state)
{
    (void)state;
    memset(&asked, 0, sizeof(asked));
    assert_int_equal(pt_map(PML4, 4 * MiB, 0x123000, PAGE_SIZE, 0, PT_4K, level_alloc, &bump),
                     K_OK);
    assert_int_equal(pt_map(PML4, 1 * GiB, 2 * MiB, 2 * MiB, 0, PT_2M, level_alloc, &bump), K_OK);
    assert_int_equal(page_size_at(1 * GiB), 2 * MiB);
    assert_int_equal(pt_link_pdpt(PML4, DIRECT_MAP, level_alloc, &bump), K_OK);
    assert_int_equal(pt_link_pdpt(PML4, DIRECT_MAP, level_alloc, &bump), K_OK);
    assert_int_equal(pt_link_pdpt(PML4, 0, level_alloc, &bump), K_OK);
    static const int expect[] = {PT_LEVEL_PDPT, PT_LEVEL_PD, PT_LEVEL_PT, PT_LEVEL_PD,
                                 PT_LEVEL_PDPT};
    assert_int_equal(asked.n, ARRAY_SIZE(expect));
    assert_memory_equal(asked.level, expect, sizeof(expect));
    assert_true(pml4_entry(256) & PTE_PRESENT);
    assert_int_equal(bump.count, ARRAY_SIZE(expect));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_direct_map, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_table_counts, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_levels_asked, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
