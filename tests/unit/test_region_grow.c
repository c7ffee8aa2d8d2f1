/* SPDX-License-Identifier: 0BSD */
/*
 * The region list's capacity and growth: a full list without growth, growth into the list's own
 * free memory (region_set_grow_limit()), all-or-nothing failure, the storage's protection, and
 * storage the caller places (region_adopt_storage(), region_remap()).
 */
#include "region_test.h"

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
    assert_int_equal(ralloc(&S, &(struct region_request){.size = 4 * K, .tag = DMA}), PHYS_NONE);
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

/*
 * Storage the caller placed in free memory before the list described it (as the kernel does for
 * a long firmware map):   |F 0-16M|   list started on phys [8M, 8M+4K)
 * Expect region_adopt_storage() to tag it META and own it (the next growth gives it back); a
 * second adoption, a pointer that is not phys_to_virt(pa), or storage not free: K_EINVAL.
 */
static void test_adopt_storage(void **state)
{
    (void)state;
    arena_create(16 * M);
    region_init(&S, "adopted", phys_to_virt(8 * M), PAGE_SIZE / sizeof(struct region));
    assert_int_equal(region_adopt_storage(&S, 8 * M), K_EINVAL); /* not free: a hole */
    assert_int_equal(region_add(&S, 0, 16 * M), K_OK);
    assert_int_equal(region_adopt_storage(&S, 4 * M), K_EINVAL); /* not where the list lives */
    assert_int_equal(region_adopt_storage(&S, 8 * M), K_OK);
    EXPECT(&S, E(0, 8 * M, F), E(8 * M, 8 * M + 4 * K, META), E(8 * M + 4 * K, 16 * M, F));
    assert_int_equal(S.storage, 8 * M);
    assert_int_equal(region_adopt_storage(&S, 8 * M), K_EINVAL); /* already owned */
    assert_true(region_check(&S));
    /* Owned storage is protected and given back by the next growth. */
    assert_int_equal(region_set(&S, 8 * M, 9 * M, KERN), K_EINVAL);
    region_set_grow_limit(&S, 16 * M);
    for (phys_addr_t pa = 0; S.storage == 8 * M; pa += 8 * K)
        assert_int_equal(region_set(&S, pa, pa + 4 * K, KERN), K_OK);
    assert_int_equal(region_lookup(&S, 8 * M)->tag, F);
    assert_true(region_check(&S));
}

/*
 * region_remap() after phys_to_virt() changed: a list on storage it owns follows it, a list on
 * static storage does not move. (On the host the translation never changes, so the pointer must
 * come back the same; the kernel's change of mapping is exercised by every boot.)
 */
static void test_remap(void **state)
{
    (void)state;
    two_slots_growing(16 * M);
    struct region *static_storage = S.regions;
    region_remap(&S);
    assert_ptr_equal(S.regions, static_storage);
    assert_int_equal(region_add(&S, 1 * M, 16 * M), K_OK);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, KERN), K_OK);
    assert_int_not_equal(S.storage, 0);
    S.regions = NULL; /* as if the old mapping were gone */
    region_remap(&S);
    assert_ptr_equal(S.regions, phys_to_virt(S.storage));
    assert_true(region_check(&S));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, arena_teardown)
        T(test_full_without_growth),
        T(test_adopt_storage),
        T(test_remap),
        T(test_growth_moves_storage),
        T(test_growth_gives_old_storage_back),
        T(test_growth_avoids_the_range_being_changed),
        T(test_growth_failure_leaves_list_unchanged),
        T(test_storage_is_protected),
        T(test_empty_capacity_cannot_grow),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
