/* SPDX-License-Identifier: 0BSD */
/*
 * The region list's painting: region_add(), region_set(), region_remove(), region_reserve(),
 * region_retag() and region_free(); merging and splitting, bad arguments, and clamping at the top
 * of the address space.
 */
#include "region_test.h"

/* ---------------------------------------------------------------- add ---- */

/*
 *   |F 4K-8K|           |F 16K-20K|        add [4K-8K) then [16K-20K): apart
 * Expect two entries; neither merges across the hole.
 */
static void test_add_disjoint(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 4 * K, 8 * K), K_OK);
    assert_int_equal(region_add(&L, 16 * K, 20 * K), K_OK);
    EXPECT(&L, E(4 * K, 8 * K, F), E(16 * K, 20 * K, F));
}

/*
 *   |F 4K-8K|                 add [8K-12K), then [0-4K)
 *           [8K-12K)
 * Expect one free entry [0, 12K): touching free ranges merge on both sides.
 */
static void test_add_touching_merges(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 4 * K, 8 * K), K_OK);
    assert_int_equal(region_add(&L, 8 * K, 12 * K), K_OK);
    assert_int_equal(region_add(&L, 0, 4 * K), K_OK);
    EXPECT(&L, E(0, 12 * K, F));
}

/*
 *   |F 4K-12K|   |F 16K-20K|     add [8K-24K) overlaps one, contains the other
 *        [8K------------24K)
 * Expect [4K, 24K); then add [5K-6K) (contained): no change.
 */
static void test_add_overlapping_and_contained(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 4 * K, 12 * K), K_OK);
    assert_int_equal(region_add(&L, 16 * K, 20 * K), K_OK);
    assert_int_equal(region_add(&L, 8 * K, 24 * K), K_OK);
    EXPECT(&L, E(4 * K, 24 * K, F));
    assert_int_equal(region_add(&L, 5 * K, 6 * K), K_OK);
    EXPECT(&L, E(4 * K, 24 * K, F));
}

/*
 *   |F 1K-2K| |KERN 3K-4K|  |FW 6K-7K|     add [0-8K)
 * Expect holes become free, entries keep their tags:
 *   |F 0-3K|KERN 3K-4K|F 4K-6K|FW 6K-7K|F 7K-8K|
 */
static void test_add_keeps_existing_tags(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * K, 2 * K), K_OK);
    assert_int_equal(region_set(&L, 3 * K, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 6 * K, 7 * K, FW), K_OK);
    assert_int_equal(region_add(&L, 0, 8 * K), K_OK);
    EXPECT(&L, E(0, 3 * K, F), E(3 * K, 4 * K, KERN), E(4 * K, 6 * K, F), E(6 * K, 7 * K, FW),
           E(7 * K, 8 * K, F));
}

/*
 * A full list of 5 (no growth):
 *   |KERN 0-1|  |KERN 2-3|  |F 4-5|  |F 6-7|  |F 8-9|     add [0-9)  (units of 4K)
 * Filling hole 1-2 adds an entry, holes 5-6 and 7-8 each remove one: 5 -> 4 entries.
 * Expect success (the shrinking fills are done first, so the list never needs a 6th slot):
 *   |KERN 0-1|F 1-2|KERN 2-3|F 3-9|
 */
static void test_add_many_holes_in_full_list(void **state)
{
    (void)state;
    region_init(&S, "five", small, 5);
    assert_int_equal(region_set(&S, 0, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&S, 8 * K, 12 * K, KERN), K_OK);
    for (int i = 4; i <= 8; i += 2)
        assert_int_equal(region_add(&S, i * 4 * K, (i + 1) * 4 * K), K_OK);
    assert_int_equal(S.count, 5);
    assert_int_equal(region_add(&S, 0, 36 * K), K_OK);
    EXPECT(&S, E(0, 4 * K, KERN), E(4 * K, 8 * K, F), E(8 * K, 12 * K, KERN), E(12 * K, 36 * K, F));
}

/* -------------------------------------------------------- set / remove ---- */

/*
 *   |F 0-4K|KERN 4K-8K|F 8K-12K|      set [2K-10K) DMA
 *        [2K-----------10K)
 * Expect |F 0-2K|DMA 2K-10K|F 10K-12K|: the middle entry is swallowed, the others trimmed.
 */
static void test_set_overrides(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 12 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(4 * K, 8 * K, KERN), E(8 * K, 12 * K, F));
    assert_int_equal(region_set(&L, 2 * K, 10 * K, DMA), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(2 * K, 10 * K, DMA), E(10 * K, 12 * K, F));
}

/*
 *   |F 0-4K|KERN 4K-8K|F 8K-12K|      set [4K-8K) free
 * Expect one entry |F 0-12K|: painting the same tag as both neighbours merges all three.
 */
static void test_set_merges_both_neighbours(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 12 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, F), K_OK);
    EXPECT(&L, E(0, 12 * K, F));
}

/*
 *   |KERN 0-4K|  hole  |FW 8K-12K|      set [4K-8K) MOD (fills the hole exactly)
 * Expect three touching entries with different tags, not merged; set [1K-2K) KERN: no change.
 */
static void test_set_touching_other_tags(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 8 * K, 12 * K, FW), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, MOD), K_OK);
    EXPECT(&L, E(0, 4 * K, KERN), E(4 * K, 8 * K, MOD), E(8 * K, 12 * K, FW));
    assert_int_equal(region_set(&L, 1 * K, 2 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, KERN), E(4 * K, 8 * K, MOD), E(8 * K, 12 * K, FW));
}

/*
 *   |F 0-16K|                 set [4K-8K) KERN in the middle: one entry becomes three
 * Expect |F 0-4K|KERN 4K-8K|F 8K-16K|.
 */
static void test_set_splits(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 16 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(4 * K, 8 * K, KERN), E(8 * K, 16 * K, F));
}

/*
 *   |F 0-16K|   remove [4K-8K) (split), [16K-20K) (hole: no-op), [0-1K) (edge)
 * Expect |F 1K-4K|  |F 8K-16K|; then remove [0-64K) (containing everything): empty.
 */
static void test_remove(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 16 * K), K_OK);
    assert_int_equal(region_remove(&L, 4 * K, 8 * K), K_OK);
    assert_int_equal(region_remove(&L, 16 * K, 20 * K), K_OK);
    assert_int_equal(region_remove(&L, 0, 1 * K), K_OK);
    EXPECT(&L, E(1 * K, 4 * K, F), E(8 * K, 16 * K, F));
    assert_int_equal(region_remove(&L, 0, 64 * K), K_OK);
    EXPECT_EMPTY(&L);
}

/*
 *   |F 0-4K|KERN 4K-8K|F 8K-12K|      remove [2K-10K) across three entries
 * Expect |F 0-2K|   |F 10K-12K|.
 */
static void test_remove_across_entries(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 12 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_remove(&L, 2 * K, 10 * K), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(10 * K, 12 * K, F));
}

/* ------------------------------------------------------ retag / reserve ---- */

/*
 *   |F 0-4K|FW 4K-6K|F 6K-10K|  hole  |F 12K-16K|   reserve [2K-14K) MOD
 *      [2K--------------------------------14K)
 * Expect only the free parts change; the firmware entry and the hole stay:
 *   |F 0-2K|MOD 2K-4K|FW 4K-6K|MOD 6K-10K|  |MOD 12K-14K|F 14K-16K|
 */
static void test_reserve_only_free(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 10 * K), K_OK);
    assert_int_equal(region_add(&L, 12 * K, 16 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 6 * K, FW), K_OK);
    assert_int_equal(region_reserve(&L, 2 * K, 14 * K, MOD), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(2 * K, 4 * K, MOD), E(4 * K, 6 * K, FW), E(6 * K, 10 * K, MOD),
           E(12 * K, 14 * K, MOD), E(14 * K, 16 * K, F));
}

/*
 *   |KERN 0-4K|F 4K-16K|      reserve [4K-8K) KERN: touches the kernel entry
 * Expect |KERN 0-8K|F 8K-16K|.
 */
static void test_reserve_merges(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 16 * K), K_OK);
    assert_int_equal(region_set(&L, 0, 4 * K, KERN), K_OK);
    assert_int_equal(region_reserve(&L, 4 * K, 8 * K, KERN), K_OK);
    EXPECT(&L, E(0, 8 * K, KERN), E(8 * K, 16 * K, F));
}

/*
 *   |F 0-2K|KERN 2K-4K|F 4K-6K|KERN 6K-8K|F 8K-10K|   retag [0-10K) KERN -> free
 * Expect one entry |F 0-10K|. Then retag free -> free (from == to): no change.
 */
static void test_retag_merges_all(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 10 * K), K_OK);
    assert_int_equal(region_set(&L, 2 * K, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 6 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_retag(&L, 0, 10 * K, KERN, F), K_OK);
    EXPECT(&L, E(0, 10 * K, F));
    assert_int_equal(region_retag(&L, 0, 10 * K, F, F), K_OK);
    EXPECT(&L, E(0, 10 * K, F));
}

/*
 *   |F 0-8K|     retag [2K-4K) MOD -> DMA (nothing carries MOD)
 * Expect no change.
 */
static void test_retag_nothing_to_change(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 8 * K), K_OK);
    assert_int_equal(region_retag(&L, 2 * K, 4 * K, MOD, DMA), K_OK);
    EXPECT(&L, E(0, 8 * K, F));
}

/* ------------------------------------------------- arguments, clamping ---- */

/*
 *   |F 0-8K|     empty/inverted ranges and bad tags
 * Expect K_EINVAL every time and the list unchanged.
 */
static void test_bad_arguments(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 0, 8 * K), K_OK);
    snap(&s, &L);
    assert_int_equal(region_set(&L, 4 * K, 4 * K, KERN), K_EINVAL);
    assert_int_equal(region_set(&L, 5 * K, 4 * K, KERN), K_EINVAL);
    assert_int_equal(region_add(&L, TOP, TOP), K_EINVAL);
    assert_int_equal(region_remove(&L, 8 * K, 0), K_EINVAL);
    assert_int_equal(region_set(&L, 0, 4 * K, REGION_TAG_COUNT), K_EINVAL);
    assert_int_equal(region_set(&L, 0, 4 * K, REGION_HOLE), K_EINVAL);
    assert_int_equal(region_retag(&L, 0, 4 * K, REGION_TAG_COUNT, KERN), K_EINVAL);
    assert_int_equal(region_retag(&L, 0, 4 * K, F, REGION_TAG_COUNT), K_EINVAL);
    assert_int_equal(region_reserve(&L, 0, 4 * K, 99), K_EINVAL);
    assert_int_equal(region_free(&L, 0, 0, KERN), K_EINVAL);
    assert_int_equal(region_free(&L, TOP, 1, KERN), K_EINVAL);
    assert_int_equal(region_free(&L, 0, 4 * K, REGION_TAG_COUNT), K_EINVAL);
    expect_unchanged(&s, &L);
}

/*
 *                 |F TOP-8K .. TOP|    (TOP = 2^64 - 1; the last byte can never be in a range)
 *   free(TOP-8K, 16K) as KERN after set [TOP-8K, TOP) KERN: base + size overflows
 * Expect the end clamped to TOP: the whole top entry becomes free, nothing wraps to 0.
 */
static void test_clamp_at_top(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 4 * K), K_OK);
    assert_int_equal(region_add(&L, TOP - 8 * K, TOP), K_OK);
    assert_int_equal(region_set(&L, TOP - 8 * K, TOP, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(TOP - 8 * K, TOP, KERN));
    assert_int_equal(region_free(&L, TOP - 8 * K, 16 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(TOP - 8 * K, TOP, F));
    assert_ptr_equal(region_lookup(&L, TOP - 1), &L.regions[1]);
    assert_null(region_lookup(&L, TOP));
    assert_int_equal(region_total(&L, F), 12 * K);
}

/*
 *   |F 0-4K|  ...  |F TOP-64K .. TOP|     set [2K, TOP) FW
 * Expect |F 0-2K|FW 2K-TOP|: one paint covers the whole top of the address space.
 */
static void test_set_to_top(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 4 * K), K_OK);
    assert_int_equal(region_add(&L, TOP - 64 * K, TOP), K_OK);
    assert_int_equal(region_set(&L, 2 * K, TOP, FW), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(2 * K, TOP, FW));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, arena_teardown)
        T(test_add_disjoint),
        T(test_add_touching_merges),
        T(test_add_overlapping_and_contained),
        T(test_add_keeps_existing_tags),
        T(test_add_many_holes_in_full_list),
        T(test_set_overrides),
        T(test_set_merges_both_neighbours),
        T(test_set_touching_other_tags),
        T(test_set_splits),
        T(test_remove),
        T(test_remove_across_entries),
        T(test_reserve_only_free),
        T(test_reserve_merges),
        T(test_retag_merges_all),
        T(test_retag_nothing_to_change),
        T(test_bad_arguments),
        T(test_clamp_at_top),
        T(test_set_to_top),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
