/* SPDX-License-Identifier: 0BSD */
/*
 * frame_alloc_huge() and frame_free_huge() (src/mm/frame_run.c): a 2 MiB frame, aligned, with
 * the guarantee of runs (it fails only when no free aligned 2 MiB area exists, wherever the pool
 * keeps its frames). The standard map is drawn in frame_test.h; its 2 MiB areas:
 *
 *   0   2M  4M  ...  16M ... 20M 22M ... 30M 32M ... 40M 42M ... 62M 64M
 *   |low|krn|  areas  | ISA |    |A |      |B |      |fw |  areas  |top|
 */
#include "frame_test.h"

/*
 * Standard map, fresh release pool (a FRAME_CHECK pool's bitmap would take the top page).
 * Expect: the highest area, [62M, 64M), tagged as a run and counted in use; given back, the
 * stats return to nothing out.
 */
static void test_huge_from_a_fresh_pool(void **state)
{
    (void)state;
    std_pool(0);
    phys_addr_t pa = frame_alloc_huge(&pool);
    assert_int_equal(pa, 62 * MiB);
    assert_int_equal(tag_at(pa), REGION_DMA);
    assert_int_equal(tag_at(pa + FRAME_HUGE_SIZE - 1), REGION_DMA);
    check_stats(FRAME_HUGE_SIZE);
    frame_free_huge(&pool, pa);
    check_stats(0);
    arena_destroy();
}

/*
 * Standard map, every frame taken, then every frame freed but one in each 2 MiB area -- except
 * in A = [20M, 22M), freed whole. Everything freed sits on the stack and in the cache.
 * Expect: the one whole area, A (the drain finds it); then none (PHYS_NONE, nothing stalled);
 * once B = [30M, 32M)'s kept frame is freed too, B.
 */
static void test_huge_after_churn_finds_the_whole_area(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all(), out = 0;
    phys_addr_t kept_b = PHYS_NONE;
    bool area_has_kept[32] = {false};
    for (size_t i = 0; i < n; i++) {
        phys_addr_t pa = held[i];
        size_t area = pa / FRAME_HUGE_SIZE;
        if (pa >= 20 * MiB && pa < 22 * MiB) {
            frame_free(&pool, pa);
        } else if (!area_has_kept[area]) {
            area_has_kept[area] = true;
            held[out++] = pa;
            if (area == 15)
                kept_b = pa;
        } else {
            frame_free(&pool, pa);
        }
    }
    check_stats(out * PAGE_SIZE);
    assert_int_equal(frame_alloc_huge(&pool), 20 * MiB);
    assert_int_equal(frame_alloc_huge(&pool), PHYS_NONE);
    assert_int_equal(pool.run_stalls, 0);
    frame_free(&pool, kept_b);
    assert_int_equal(frame_alloc_huge(&pool), 30 * MiB);
    check_stats((out - 1) * PAGE_SIZE + 2 * FRAME_HUGE_SIZE);
    arena_destroy();
}

/*
 * Standard map, FRAME_CHECK. A 2 MiB frame freed at a 1 MiB offset (half of two areas, which
 * frame_free_run() alone would take if both halves were runs). Expect: a panic naming it.
 */
static void test_misaligned_huge_free_panics(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK);
    phys_addr_t a = frame_alloc_huge(&pool), b = frame_alloc_huge(&pool);
    assert_int_equal(a - b, FRAME_HUGE_SIZE);
    expect_panic(frame_free_huge(&pool, b + 1 * MiB));
    assert_non_null(strstr(panic_message(), "not 2 MiB aligned"));
    check_stats(2 * FRAME_HUGE_SIZE);
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_huge_from_a_fresh_pool),
        cmocka_unit_test(test_huge_after_churn_finds_the_whole_area),
        cmocka_unit_test(test_misaligned_huge_free_panics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
