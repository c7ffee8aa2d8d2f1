/* SPDX-License-Identifier: 0BSD */
/*
 * pt_map() over existing mappings: leaves overwritten, huge pages refused, and existing tables
 * used where a huge page would go.
 */
#include "pagetable_test.h"

/*
 *   virt 0x5000 [4K] -> 0x7000, then -> 0x9000 with NX
 *   virt [2M, 4M) -> 8M as one 2M page, then -> 10M
 * Expect: the second mapping wins (address and flags), no new table frame.
 */
static void test_remap_overwrites_leaf(void **state)
{
    (void)state;
    assert_int_equal(map(0x5000, 0x7000, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(map(2 * MiB, 8 * MiB, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    uint64_t frames = bump.count;
    assert_int_equal(map(0x5000, 0x9000, PAGE_SIZE, PTE_NX, PT_4K), K_OK);
    assert_int_equal(map(2 * MiB, 10 * MiB, 2 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(bump.count, frames);
    assert_int_equal(tr(0x5abc), 0x9abc);
    assert_int_equal(flags_at(0x5000), PTE_PRESENT | PTE_NX);
    assert_int_equal(tr(3 * MiB), 11 * MiB);
    assert_int_equal(flags_at(2 * MiB), PTE_PRESENT | PTE_HUGE);
}

/*
 *   [2M ====== 4M) one 2M page          [1G ============= 2G) one 1G page
 *       ^ 4K at 2M+4K                        ^ 2M at 1G+2M
 *   [0 ---- 2M ====== 4M) 4K-only map over [0, 4M)
 * Expect: K_EINVAL with a message, no frame used, the huge pages and [0, 2M) untouched.
 */
static void test_remap_over_huge_rejected(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB, 8 * MiB, 2 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(map(1 * GiB, 1 * GiB, 1 * GiB, 0, PT_1G), K_OK);
    uint64_t frames = bump.count;

    assert_int_equal(map(2 * MiB + PAGE_SIZE, 0x1000, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "inside a 2 MiB page at 200000"));
    assert_int_equal(map(1 * GiB + 2 * MiB, 0, 2 * MiB, 0, PT_2M), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "inside a 1 GiB page at 40000000"));
    assert_int_equal(map(0, 0, 4 * MiB, 0, PT_4K), K_EINVAL);

    assert_int_equal(bump.count, frames);
    assert_int_equal(tr(2 * MiB + PAGE_SIZE), 8 * MiB + PAGE_SIZE);
    assert_int_equal(page_size_at(2 * MiB), 2 * MiB);
    assert_int_equal(tr(1 * GiB + 2 * MiB), 1 * GiB + 2 * MiB);
    assert_int_equal(tr(0), PHYS_NONE);
}

/*
 *   virt 2M+4K [4K] mapped first (a PT now hangs under PD[1])
 *   then [2M, 4M) with 2M pages allowed
 *   then [0, 1G) with 1G|2M allowed: PDPT[0] already points to a PD
 *     [0 == 2M) 2M page | [2M -- 4M) 4K pages via the PT | [4M == ... 1G) 2M pages
 * Expect: existing tables are used with the next smaller page allowed, no frame is
 *         allocated, everything translates to the newest mapping.
 */
static void test_huge_over_table_goes_through(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB + PAGE_SIZE, 0x3000, PAGE_SIZE, 0, PT_4K), K_OK);
    uint64_t frames = bump.count;
    assert_int_equal(map(2 * MiB, 6 * MiB, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(bump.count, frames);
    assert_int_equal(page_size_at(2 * MiB), PAGE_SIZE);
    assert_int_equal(tr(2 * MiB + PAGE_SIZE), 6 * MiB + PAGE_SIZE);
    assert_int_equal(tr(4 * MiB - 1), 8 * MiB - 1);

    assert_int_equal(map(0, 1 * GiB, 1 * GiB, 0, PT_1G | PT_2M), K_OK);
    assert_int_equal(bump.count, frames);
    assert_int_equal(page_size_at(0), 2 * MiB);
    assert_int_equal(page_size_at(2 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(4 * MiB), 2 * MiB);
    assert_int_equal(tr(2 * MiB + PAGE_SIZE), 1 * GiB + 2 * MiB + PAGE_SIZE);
    assert_int_equal(tr(1 * GiB - 1), 2 * GiB - 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_remap_overwrites_leaf, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_remap_over_huge_rejected, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_huge_over_table_goes_through, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
