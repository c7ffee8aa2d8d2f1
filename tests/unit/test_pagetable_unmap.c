/* SPDX-License-Identifier: 0BSD */
/*
 * pt_unmap(): ranges of pages and holes unmapped, and unmaps that would split a huge page refused.
 */
#include "pagetable_test.h"

/*
 *   [0 === 2M === 4M === 6M) three 2M pages, [8M -- +16K) four 4K pages
 *   unmap [2M, 4M), then [8M+4K, +4K), then [6M, 1G) (mostly holes)
 * Expect: only those translate as unmapped, neighbours stay; no frame used by unmap.
 */
static void test_unmap(void **state)
{
    (void)state;
    assert_int_equal(map(0, 0, 6 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(map(8 * MiB, 8 * MiB, 4 * PAGE_SIZE, 0, PT_4K), K_OK);
    uint64_t frames = bump.count;
    assert_int_equal(pt_unmap(PML4, 2 * MiB, 2 * MiB), K_OK);
    assert_int_equal(tr(2 * MiB), PHYS_NONE);
    assert_int_equal(tr(4 * MiB - 1), PHYS_NONE);
    assert_int_equal(tr(2 * MiB - 1), 2 * MiB - 1);
    assert_int_equal(tr(4 * MiB), 4 * MiB);

    assert_int_equal(pt_unmap(PML4, 8 * MiB + PAGE_SIZE, PAGE_SIZE), K_OK);
    assert_int_equal(tr(8 * MiB + PAGE_SIZE), PHYS_NONE);
    assert_int_equal(tr(8 * MiB), 8 * MiB);
    assert_int_equal(tr(8 * MiB + 2 * PAGE_SIZE), 8 * MiB + 2 * PAGE_SIZE);

    assert_int_equal(pt_unmap(PML4, 6 * MiB, 1 * GiB), K_OK);
    assert_int_equal(tr(8 * MiB), PHYS_NONE);
    assert_int_equal(tr(4 * MiB), 4 * MiB);
    assert_int_equal(pt_unmap(PML4, 512 * GiB, 4 * MiB), K_OK); /* nothing there at all */
    assert_int_equal(bump.count, frames);
}

/*
 *   [0 === 2M === 4M) two 2M pages; [1G ====== 2G) one 1G page
 *   unmap [0, 3M) and [1G, 1G+2M)
 * Expect: K_EINVAL (would split), nothing unmapped, not even the whole first 2M page.
 */
static void test_unmap_split_rejected(void **state)
{
    (void)state;
    assert_int_equal(map(0, 0, 4 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(map(1 * GiB, 0, 1 * GiB, 0, PT_1G), K_OK);
    assert_int_equal(pt_unmap(PML4, 0, 3 * MiB), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "only part of the 2 MiB page at 200000"));
    assert_int_equal(pt_unmap(PML4, 1 * GiB, 2 * MiB), K_EINVAL);
    assert_int_equal(pt_unmap(PML4, 1 * GiB + 2 * MiB, 1 * GiB - 2 * MiB), K_EINVAL);
    assert_int_equal(tr(0), 0);
    assert_int_equal(tr(3 * MiB), 3 * MiB);
    assert_int_equal(tr(1 * GiB + 4 * MiB), 4 * MiB);
    assert_int_equal(pt_unmap(PML4, 1 * GiB, 1 * GiB), K_OK);
    assert_int_equal(tr(1 * GiB), PHYS_NONE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unmap, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_split_rejected, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
