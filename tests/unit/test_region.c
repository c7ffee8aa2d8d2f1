/* SPDX-License-Identifier: 0BSD */
/*
 * The region list's painting (set, add, retag, reserve, remove), merging and splitting, clamping
 * at the top of the address space, all-or-nothing failure, growth into the list's own memory,
 * lookup, totals and the self-check. Runs and frees: test_region_alloc.c.
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

/* --------------------------------------------------- capacity, growth ---- */

/*
 * A full list of 4, growth off:
 *   |F 0-8K|KERN 8K-12K|F 12K-16K|FW 16K-20K|
 *   set [1K-2K) DMA (+2), add [32K-36K) (+1), free [9K-10K) (+2), alloc 4K at 0 (+1)
 * Expect K_ENOMEM / PHYS_NONE each time, the list unchanged, a message saying growth is off.
 * Then set [12K-16K) FW, which merges (-1): it works, |F 0-8K|KERN 8K-12K|FW 12K-20K|.
 */
static void test_full_without_growth(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&S, 0, 16 * K), K_OK);
    assert_int_equal(region_set(&S, 8 * K, 12 * K, KERN), K_OK);
    assert_int_equal(region_set(&S, 16 * K, 20 * K, FW), K_OK);
    assert_int_equal(S.count, 4);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 1 * K, 2 * K, DMA), K_ENOMEM);
    expect_unchanged(&s, &S);
    assert_non_null(strstr(kprintf_output(), "growth is off"));
    assert_int_equal(region_add(&S, 32 * K, 36 * K), K_ENOMEM);
    assert_int_equal(region_free(&S, 9 * K, 1 * K, KERN), K_ENOMEM);
    assert_int_equal(region_alloc(&S, &(struct region_request){.size = 4 * K, .tag = DMA}),
                     PHYS_NONE);
    expect_unchanged(&s, &S);
    assert_int_equal(region_set(&S, 12 * K, 16 * K, FW), K_OK);
    EXPECT(&S, E(0, 8 * K, F), E(8 * K, 12 * K, KERN), E(12 * K, 20 * K, FW));
}

/*
 * 64 MiB arena, a list of 4 growing below 64M:
 *   |LOW 0-1M|F 1M-2M|KERN 2M..+4K|F ..64M|     (full)   reserve [4M, 4M+4K) MOD (needs 6)
 * Expect growth to 16 entries (4 doubled until >= 6 + slack 8; 384 bytes: one page) on the
 * highest free page [64M-4K, 64M), tagged META, the static array left behind, contents kept.
 */
static void test_growth_moves_storage(void **state)
{
    (void)state;
    arena_create(64 * M);
    region_set_grow_limit(&S, 64 * M + 123);
    assert_int_equal(S.grow_limit, 64 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    assert_int_equal(region_reserve(&S, 2 * M, 2 * M + 4 * K, KERN), K_OK);
    assert_int_equal(S.count, 4);
    assert_ptr_equal(S.regions, small);
    /* 4 entries + 2 needed = 6, plus slack 8 = 14: doubled twice to 16. */
    assert_int_equal(region_reserve(&S, 4 * M, 4 * M + 4 * K, MOD), K_OK);
    assert_int_equal(S.storage, 64 * M - 4 * K);
    assert_int_equal(S.capacity, 16);
    assert_ptr_equal(S.regions, phys_to_virt(64 * M - 4 * K));
    EXPECT(&S, E(0, 1 * M, REGION_LOWMEM), E(1 * M, 2 * M, F), E(2 * M, 2 * M + 4 * K, KERN),
           E(2 * M + 4 * K, 4 * M, F), E(4 * M, 4 * M + 4 * K, MOD),
           E(4 * M + 4 * K, 64 * M - 4 * K, F), E(64 * M - 4 * K, 64 * M, META));
    assert_int_equal(region_total(&S, META), 4 * K);
}

/*
 * A list of 4 growing below 64M, reserving 4K pieces at 2M, 2M+64K, ... until it has grown twice:
 *   |F 1M ...|KERN|F|KERN|F ... |META 64M-4K..64M|      (16 entries, full)
 *   |F 1M ...|KERN|F|KERN|F ... |META 64M-8K..64M-4K|F 64M-4K..64M|
 * Expect the second storage on the highest free page, [64M-8K, 64M-4K), the old page given back
 * as a lone free entry (the new META page below it keeps it from merging), every piece kept.
 */
static void test_growth_gives_old_storage_back(void **state)
{
    (void)state;
    arena_create(64 * M);
    region_set_grow_limit(&S, 64 * M);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    int n = 0;
    while (S.storage == 0 || S.storage == 64 * M - 4 * K) {
        phys_addr_t old = S.storage;
        size_t cap = S.capacity;
        phys_addr_t pa = 2 * M + (phys_addr_t)n * 64 * K;
        assert_int_equal(region_reserve(&S, pa, pa + 4 * K, KERN), K_OK);
        assert_true(region_check(&S));
        n++;
        if (old && S.storage != old) {
            assert_true(S.capacity >= 2 * cap);
            break;
        }
        assert_true(n < 100);
    }
    assert_int_equal(S.storage, 64 * M - 8 * K);
    assert_int_equal(region_lookup(&S, 64 * M - 8 * K)->tag, META);
    const struct region *old = region_lookup(&S, 64 * M - 4 * K);
    assert_int_equal(old->tag, F);
    assert_int_equal(old->base, 64 * M - 4 * K);
    assert_int_equal(old->end, 64 * M);
    assert_int_equal(region_total(&S, META), 4 * K);
    assert_int_equal(region_total(&S, KERN), (uint64_t)n * 4 * K);
    for (int i = 0; i < n; i++)
        assert_int_equal(region_lookup(&S, 2 * M + (phys_addr_t)i * 64 * K)->tag, KERN);
}

/*
 * A full list of 2, growing below 64M:  |LOW 0-1M|F 1M-64M|
 *   reserve [62M-64M) KERN: the top is exactly what is being reserved
 * Expect the storage placed below the range, at [62M-4K, 62M), never inside it.
 */
static void test_growth_avoids_the_range_being_changed(void **state)
{
    (void)state;
    two_slots_growing(64 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    assert_int_equal(region_reserve(&S, 62 * M, 64 * M, KERN), K_OK);
    assert_int_equal(S.storage, 62 * M - 4 * K);
    EXPECT(&S, E(0, 1 * M, REGION_LOWMEM), E(1 * M, 62 * M - 4 * K, F),
           E(62 * M - 4 * K, 62 * M, META), E(62 * M, 64 * M, KERN));
}

/*
 * A full list of 2 with growth on but no free memory:  |LOW 0-1M|FW 1M-2M|
 *   set [4M-5M) free (needs a third slot)
 * Expect K_ENOMEM, the list unchanged, a message naming the list. Then with free memory only
 * above the limit (|F 8M-9M| and limit 4M) or only inside the range being changed: the same.
 */
static void test_growth_failure_leaves_list_unchanged(void **state)
{
    (void)state;
    struct snapshot s;
    two_slots_growing(16 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_set(&S, 1 * M, 2 * M, FW), K_OK);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, F), K_ENOMEM);
    expect_unchanged(&s, &S);
    assert_non_null(strstr(kprintf_output(), "two"));
    assert_non_null(strstr(kprintf_output(), "to grow into"));

    /*   |LOW 0-2M|F 8M-9M|  limit 4M: the only free memory is above the limit. */
    assert_int_equal(region_set(&S, 1 * M, 2 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 8 * M, 9 * M), K_OK);
    region_set_grow_limit(&S, 4 * M);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, FW), K_ENOMEM);
    expect_unchanged(&s, &S);

    /*
     *   |LOW 0-2M|F 8M-9M|  limit 16M, set [8M+1K, 9M-1K) FW: what stays free outside the
     *   range (1K at each end) is less than the page growth needs.
     */
    region_set_grow_limit(&S, 16 * M);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 8 * M + 1 * K, 9 * M - 1 * K, FW), K_ENOMEM);
    expect_unchanged(&s, &S);
}

/*
 * Growth from a list whose storage was taken by an earlier growth, and the storage protection:
 *   ...|META x..x+4K|...     set/remove/retag/free over the storage page
 * Expect K_EINVAL for each, the list unchanged; set META over it (no change) is fine.
 */
static void test_storage_is_protected(void **state)
{
    (void)state;
    struct snapshot s;
    two_slots_growing(16 * M);
    assert_int_equal(region_add(&S, 1 * M, 16 * M), K_OK);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, KERN), K_OK);
    phys_addr_t st = S.storage;
    assert_int_equal(st, 16 * M - 4 * K);
    snap(&s, &S);
    assert_int_equal(region_set(&S, st - 4 * K, st + 1, F), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "own storage"));
    assert_int_equal(region_remove(&S, 0, 16 * M), K_EINVAL);
    assert_int_equal(region_retag(&S, 0, 16 * M, META, DMA), K_EINVAL);
    assert_int_equal(region_free(&S, st, 4 * K, META), K_EINVAL);
    expect_unchanged(&s, &S);
    assert_int_equal(region_set(&S, st, st + 4 * K, META), K_OK);
    assert_int_equal(region_retag(&S, 0, 16 * M, KERN, DMA), K_OK);
    assert_int_equal(region_lookup(&S, 4 * M)->tag, DMA);
}

/*
 * A list of 0 entries cannot grow: growth takes its storage from the list's own free ranges.
 * Expect K_ENOMEM for the first add.
 */
static void test_empty_capacity_cannot_grow(void **state)
{
    (void)state;
    arena_create(1 * M);
    region_init(&S, "none", NULL, 0);
    region_set_grow_limit(&S, 1 * M);
    assert_int_equal(region_add(&S, 0, 1 * M), K_ENOMEM);
    EXPECT_EMPTY(&S);
}

/* ------------------------------------------------------------- lookup ---- */

/*
 *   hole |KERN 4K-8K| hole |F 12K-16K| hole
 * Expect lookup at base and end-1 to find the entry, at end and in holes NULL.
 */
static void test_lookup_edges(void **state)
{
    (void)state;
    assert_null(region_lookup(&L, 0));
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_add(&L, 12 * K, 16 * K), K_OK);
    assert_null(region_lookup(&L, 0));
    assert_null(region_lookup(&L, 4 * K - 1));
    assert_ptr_equal(region_lookup(&L, 4 * K), &L.regions[0]);
    assert_ptr_equal(region_lookup(&L, 8 * K - 1), &L.regions[0]);
    assert_null(region_lookup(&L, 8 * K));
    assert_null(region_lookup(&L, 12 * K - 1));
    assert_ptr_equal(region_lookup(&L, 12 * K), &L.regions[1]);
    assert_ptr_equal(region_lookup(&L, 16 * K - 1), &L.regions[1]);
    assert_null(region_lookup(&L, 16 * K));
    assert_null(region_lookup(&L, TOP));
}

/*
 *   200 entries, alternating |F|KERN| pages, probed at every page edge
 * Expect lookup agrees with a linear scan everywhere (the binary search has no off-by-one).
 */
static void test_lookup_many(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 200 * 4 * K), K_OK);
    for (int i = 1; i < 200; i += 2)
        assert_int_equal(region_set(&L, i * 4 * K, (i + 1) * 4 * K, KERN), K_OK);
    assert_int_equal(L.count, 200);
    for (phys_addr_t pa = 0; pa <= 201 * 4 * K; pa += 2 * K) {
        const struct region *r = region_lookup(&L, pa);
        if (pa >= 200 * 4 * K) {
            assert_null(r);
            continue;
        }
        assert_non_null(r);
        assert_true(r->base <= pa && pa < r->end);
        assert_int_equal(r->tag, (pa / (4 * K)) % 2 ? KERN : F);
    }
}

/* ---------------------------------------------------- totals and names ---- */

/*
 *   |F 0-4K|KERN 4K-12K|F 12K-14K|  |MOD 20K-21K|
 * Expect totals free 6K, kernel 8K, module 1K, dma 0.
 */
static void test_total(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 14 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 12 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 20 * K, 21 * K, MOD), K_OK);
    assert_int_equal(region_total(&L, F), 6 * K);
    assert_int_equal(region_total(&L, KERN), 8 * K);
    assert_int_equal(region_total(&L, MOD), 1 * K);
    assert_int_equal(region_total(&L, DMA), 0);
    int n = 0;
    const struct region *r;
    region_for_each(&L, r) n++;
    assert_int_equal(n, 4);
}

/* Every tag has its own short lowercase name; a bad tag reads "?". */
static void test_tag_names(void **state)
{
    (void)state;
    static const char *const want[REGION_TAG_COUNT] = {
        "free",     "acpi-reclaim", "acpi-nvs",   "bad",       "firmware",
        "low-1MiB", "kernel",       "bootstrap",  "boot-info", "cmdline",
        "module",   "meta",         "page-table", "dma",       "frames"};
    for (uint32_t t = 0; t < REGION_TAG_COUNT; t++)
        assert_string_equal(region_tag_name(t), want[t]);
    assert_string_equal(region_tag_name(REGION_TAG_COUNT), "?");
    assert_string_equal(region_tag_name(REGION_HOLE), "?");
}

/* -------------------------------------------------------- self-check ---- */

/*
 * Hand-broken lists: each breaks one invariant.
 * Expect region_check() false (with a message) for each, true for the sound one.
 */
static void test_check_detects_corruption(void **state)
{
    (void)state;
    struct region r[3];
    struct region_list l;
    region_init(&l, "bad", r, 3);
    l.count = 2;
#define TRY(a, b, ok)                                                                              \
    do {                                                                                           \
        r[0] = (struct region)a;                                                                   \
        r[1] = (struct region)b;                                                                   \
        assert_int_equal(region_check(&l), ok);                                                    \
    } while (0)
    TRY(E(0, 4 * K, F), E(4 * K, 8 * K, KERN), true);
    TRY(E(0, 4 * K, F), E(4 * K, 8 * K, F), false);      /* touching, same tag */
    TRY(E(0, 4 * K, F), E(2 * K, 8 * K, KERN), false);   /* overlapping */
    TRY(E(8 * K, 12 * K, F), E(0, 4 * K, KERN), false);  /* unsorted */
    TRY(E(0, 4 * K, F), E(8 * K, 8 * K, KERN), false);   /* empty */
    TRY(E(4 * K, 0, F), E(8 * K, 12 * K, KERN), false);  /* inverted */
    TRY(E(0, 4 * K, 77), E(8 * K, 12 * K, KERN), false); /* bad tag */
    assert_non_null(strstr(kprintf_output(), "bad tag"));
    TRY(E(0, 4 * K, F), E(4 * K, 8 * K, KERN), true);
    l.count = 4;
    assert_false(region_check(&l)); /* count > capacity */

    /* Storage taken from the list but not tagged META. */
    arena_create(1 * M);
    l.count = 2;
    l.storage = 4 * K;
    l.regions = phys_to_virt(4 * K);
    l.regions[0] = (struct region)E(0, 4 * K, F);
    l.regions[1] = (struct region)E(4 * K, 8 * K, META);
    assert_true(region_check(&l));
    l.regions[1].tag = KERN;
    assert_false(region_check(&l));
    l.regions[1] = (struct region)E(4 * K, 6 * K, META); /* too short */
    assert_false(region_check(&l));
#undef TRY
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
        T(test_full_without_growth),
        T(test_growth_moves_storage),
        T(test_growth_gives_old_storage_back),
        T(test_growth_avoids_the_range_being_changed),
        T(test_growth_failure_leaves_list_unchanged),
        T(test_storage_is_protected),
        T(test_empty_capacity_cannot_grow),
        T(test_lookup_edges),
        T(test_lookup_many),
        T(test_total),
        T(test_tag_names),
        T(test_check_detects_corruption),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
