/* SPDX-License-Identifier: 0BSD */
/*
 * Runs after churn: the drain gives stacked frames back to the region list, merged, when a run
 * needs them (src/mm/frame_drain.c). The scenario on 1 GiB, the top frame that stays hot
 * or joins the run, and windows wider than one drain round. Failure cases (no room, corruption)
 * are in test_frame_drain_errors.c.
 */
#include "frame_test.h"

#include <mm/frame_internal.h>

#define ARENA_1G (1 * GiB)
#define MAX_1G   (ARENA_1G / PAGE_SIZE)

static phys_addr_t all[MAX_1G];
static struct region big_storage[8192];
static uint64_t rng;

static uint64_t rnd(void) /* splitmix64: every run churns the same way */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void shuffle(phys_addr_t *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = rnd() % i;
        phys_addr_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

/* The 1 GiB machine: [0, 1M) low, [1M, 3M) kernel, ACPI tables at the top. */
static void pool_1g(unsigned flags, struct region *storage_, size_t capacity, bool grow)
{
    static const struct range map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {1 * MiB, 3 * MiB, REGION_KERNEL},
        {3 * MiB, ARENA_1G - 256 * KiB, REGION_FREE},
        {ARENA_1G - 256 * KiB, ARENA_1G, REGION_ACPI_RECLAIM},
    };
    arena_create(ARENA_1G);
    region_init(&list, "test", storage_, capacity);
    if (grow)
        region_set_grow_limit(&list, ARENA_1G);
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        assert_int_equal(region_set(&list, map[i].base, map[i].end, map[i].tag), K_OK);
    assert_int_equal(frame_init(&pool, &list, flags), K_OK);
}

/*
 * Allocates every frame, then frees them in random order except one in 64 below 16 MiB and a
 * tenth of those above 512 MiB. Return: frames still held, in all[0..n).
 */
static size_t churn(void)
{
    size_t n = 0, kept = 0;
    phys_addr_t pa;
    while ((pa = frame_alloc(&pool)) != PHYS_NONE)
        all[n++] = pa;
    shuffle(all, n);
    for (size_t i = 0; i < n; i++) {
        pa = all[i];
        bool keep =
            pa < 16 * MiB ? (pa >> PAGE_SHIFT) % 64 == 0 : pa >= 512 * MiB && rnd() % 10 == 0;
        if (keep)
            all[kept++] = pa;
        else
            frame_free(&pool, pa);
    }
    return kept;
}

/*
 * The scenario: 1 GiB as drawn above, churned (see churn()), so all of [16M, 512M) and nine
 * tenths of [512M, 1G) are stacked, the low 16M is in the list with a held frame every 256 KiB.
 *   0 .. 16M: 63 free, 1 held, ...   16M ...... all free (stacked) ...... 512M .. 90% free .. 1G
 * Expect: a 4-frame run below 4 GiB comes from the base of a whole 2 MiB area of [16M, 512M),
 * though it would fit below 16M (ISA memory is spared): one area that left the stack whole
 * (src/mm/frame_area.c) goes to the region list, without a drain and without the merge of every
 * whole area; a 1 MiB run below 4 GiB then succeeds right after it, a 64 KiB ISA run succeeds below
 * 16M without crossing 64 KiB; the crumbs of [512M, 1G)
 * stay stacked (the drain took only what a 1 MiB run can use) and the list stays short; the frame
 * freed last is still on top of the stack; the counters add up at every step and, once
 * everything is freed, are what they were at the start (free, reserved, in use; the list never
 * had to grow: its 8,192 entries are static).
 */
static void test_churn_1g_runs_succeed(void **state)
{
    (void)state;
    rng = 1;
    pool_1g(0, big_storage, ARRAY_SIZE(big_storage), false);
    struct frame_stats s0, s;
    frame_get_stats(&pool, &s0);
    size_t kept = churn();
    check_stats(kept * PAGE_SIZE);
    phys_addr_t last_freed = pool.top->frames[pool.top->count - 1];

    /* 4 frames fit below 16M too, but ISA memory is spared: whole areas above it first */
    uint64_t entries = list.count;
    phys_addr_t small = frame_alloc_run(&pool, 4, 0, 4 * GiB, 0);
    assert_true(small >= 20 * MiB && small < 512 * MiB && IS_ALIGNED(small, FRAME_HUGE_SIZE));
    assert_int_equal(pool.drains, 0);
    assert_true(list.count <= entries + 3); /* one area split off, the run split off it */
    phys_addr_t r32 = frame_alloc_run(&pool, 1 * MiB / PAGE_SIZE, 0, 4 * GiB, 0);
    assert_int_equal(r32, small + 4 * PAGE_SIZE);
    frame_free_run(&pool, small, 4);
    check_stats((kept + 256) * PAGE_SIZE);
    frame_get_stats(&pool, &s);
    assert_true(s.stacked > 400 * MiB);
    assert_true(list.count < 400);
    phys_addr_t top = frame_alloc(&pool); /* what stayed stacked is what singles come from */
    assert_true(top >= 512 * MiB || top == last_freed);
    frame_free(&pool, top);

    phys_addr_t isa = frame_alloc_run(&pool, 16, 0, 16 * MiB, 64 * KiB);
    assert_true(isa != PHYS_NONE && isa + 64 * KiB <= 16 * MiB);
    assert_int_equal(isa / (64 * KiB), (isa + 64 * KiB - 1) / (64 * KiB));
    check_stats((kept + 256 + 16) * PAGE_SIZE);

    frame_free_run(&pool, r32, 256);
    frame_free_run(&pool, isa, 16);
    for (size_t i = 0; i < kept; i++)
        frame_free(&pool, all[i]);
    frame_get_stats(&pool,
                    &s); /* free frames may now be stacked or in the list: their sum counts */
    assert_int_equal(s.total, s0.total);
    assert_int_equal(s.reserved, s0.reserved);
    assert_int_equal(s.in_use, 0);
    assert_int_equal(s.stacked + s.unseeded, s0.stacked + s0.unseeded);
    arena_destroy();
}

/*
 * The same with FRAME_CHECK, on the 256-entry list that may grow into free memory as the
 * kernel's does (random frees below 16M fragment it; once it cannot grow, low frames that need a
 * slot are stacked, and the drain gives them back). Expect: both runs succeed; after everything
 * is freed in use is 0 again and the only change is the list's own storage, if it grew, counted
 * as reserved: free + reserved are what they were.
 */
static void test_churn_1g_checked_list_grows(void **state)
{
    (void)state;
    rng = 2;
    pool_1g(FRAME_CHECK, storage, REGION_STATIC_CAPACITY, true);
    struct frame_stats s0, s;
    frame_get_stats(&pool, &s0);
    size_t kept = churn();
    phys_addr_t r32 = frame_alloc_run(&pool, 1 * MiB / PAGE_SIZE, 0, 4 * GiB, 0);
    phys_addr_t isa = frame_alloc_run(&pool, 16, 0, 16 * MiB, 64 * KiB);
    assert_true(r32 != PHYS_NONE && r32 + 1 * MiB <= 4 * GiB && isa != PHYS_NONE);
    check_stats((kept + 256 + 16) * PAGE_SIZE);
    frame_free_run(&pool, r32, 256);
    frame_free_run(&pool, isa, 16);
    for (size_t i = 0; i < kept; i++)
        frame_free(&pool, all[i]);
    frame_get_stats(&pool, &s);
    uint64_t meta = list.storage ? ALIGN_UP(list.capacity * sizeof(struct region), PAGE_SIZE) : 0;
    assert_int_equal(s.in_use, 0);
    assert_int_equal(s.total, s0.total);
    assert_int_equal(s.reserved, s0.reserved + meta);
    assert_int_equal(s.stacked + s.unseeded + meta, s0.stacked + s0.unseeded);
    arena_destroy();
}

/*
 * Standard map, every frame out; then [20M, 40M) freed, the frame at 30M last, so it is the top
 * of the stack, the one a drain uses for its directory:
 *   16M [held] 20M [stacked ........ 30M (top) ........ stacked] 40M [fw] 41M [held] ...
 * Expect: a 20 MiB run below 40M needs it too: the ranges either side of it go back, it joins
 * them, and the run is [20M, 40M) after one round; the stats add up throughout. Then a lone
 * frame freed last, at 50M (neighbours held), with [20M, 40M) stacked again: a 2 MiB run is
 * drained from [20M, 40M) and the lone frame, of no use to it, is still the top of the stack.
 */
static void test_top_frame_joins_the_run(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all();
    for (phys_addr_t pa = 20 * MiB; pa < 40 * MiB; pa += PAGE_SIZE)
        if (pa != 30 * MiB)
            frame_free(&pool, pa);
    frame_free(&pool, 30 * MiB);
    check_stats((n - 20 * MiB / PAGE_SIZE) * PAGE_SIZE);
    phys_addr_t run = frame_alloc_run(&pool, 20 * MiB / PAGE_SIZE, 0, 40 * MiB, 0);
    assert_int_equal(run, 20 * MiB);
    assert_int_equal(pool.drains, 1);
    check_stats(n * PAGE_SIZE);
    frame_free_run(&pool, run, 20 * MiB / PAGE_SIZE);

    static phys_addr_t again[20 * MiB / PAGE_SIZE];
    size_t k = 0;
    while (k < ARRAY_SIZE(again) && (again[k] = frame_alloc(&pool)) != PHYS_NONE)
        k++;
    assert_int_equal(k, ARRAY_SIZE(again)); /* [20M, 40M) is held again */
    for (size_t i = 0; i < k; i++)
        frame_free(&pool, again[i]);
    frame_free(&pool, 50 * MiB);
    run = frame_alloc_run(&pool, 2 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_true(run >= 20 * MiB && run + 2 * MiB <= 40 * MiB);
    assert_int_equal(frame_alloc(&pool), 50 * MiB);
    frame_free(&pool, 50 * MiB);
    frame_free_run(&pool, run, 2 * MiB / PAGE_SIZE);
    for (size_t i = 0; i < n; i++)
        if ((held[i] < 20 * MiB || held[i] >= 40 * MiB) && held[i] != 50 * MiB)
            frame_free(&pool, held[i]);
    check_stats(0);
    arena_destroy();
}

/*
 * Standard map, every frame out, [20M, 21M) freed. Ceilings that end inside the frame at 20M or
 * at 21M: the frame they cut cannot be part of the run.
 * Expect: one frame below 20M + 100 fails (nothing stacked lies wholly below it) and no frame is
 * lost; 256 frames below 21M + 100 are [20M, 21M); the stats add up.
 */
static void test_ceiling_inside_a_frame(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all();
    for (phys_addr_t pa = 20 * MiB; pa < 21 * MiB; pa += PAGE_SIZE)
        frame_free(&pool, pa);
    size_t out = n - 256;
    assert_int_equal(frame_alloc_run(&pool, 1, 0, 20 * MiB + 100, 0), PHYS_NONE);
    check_stats(out * PAGE_SIZE);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked + s.unseeded, 256 * PAGE_SIZE);
    assert_int_equal(frame_alloc_run(&pool, 256, 0, 21 * MiB + 100, 0), 20 * MiB);
    check_stats(n * PAGE_SIZE);
    arena_destroy();
}

/*
 * Wider than one drain round (64 GiB): a 70 GiB arena with free RAM at [4G, 4G + 4M) and
 * [67G, 69G), everything out, then all freed but 4G + 3M and 67G + 1M. The first frame seeded in
 * each 4 GiB became its page of 2 MiB-area counts (m): 4G + 2M, 68G - 2M, 69G - 2M.
 *   4G [stacked|m| held | stacked] 4G+4M .. 67G [stacked|held|stacked .. m| 68G .. |m|stacked] 69G
 * A run of 1 GiB - 4 KiB below 70G: the first round's slice is [4G, 68G), whose top piece
 * [68G - 2M + 4K, 68G) is not that long but touches the slice's edge; the second round drains
 * [68G, 69G). Expect: the run is [68G - 2M + 4K, 69G - 2M) after two rounds (without the edge
 * rule neither piece alone would be taken, and [67G + 1M + 4K, 68G - 2M) is too short); the
 * stats add up; everything freed, all is back.
 */
static void test_window_wider_than_a_round(void **state)
{
    (void)state;
    static const struct range map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {4 * GiB, 4 * GiB + 4 * MiB, REGION_FREE},
        {67 * GiB, 69 * GiB, REGION_FREE},
    };
    make_map(70 * GiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    static phys_addr_t wide[(4 * MiB + 2 * GiB) / PAGE_SIZE + 1];
    size_t n = 0;
    while ((wide[n] = frame_alloc(&pool)) != PHYS_NONE)
        n++;
    /* 4G, 67G and 68G each gave a frame to the page of 2 MiB-area counts of their 4 GiB */
    assert_int_equal(n, ARRAY_SIZE(wide) - 1 - 3);
    for (size_t i = 0; i < n; i++)
        if (wide[i] != 4 * GiB + 3 * MiB && wide[i] != 67 * GiB + 1 * MiB)
            frame_free(&pool, wide[i]);
    check_stats(2 * PAGE_SIZE);
    assert_int_equal(tag_at(68 * GiB - 2 * MiB), REGION_META);
    uint64_t frames = 1 * GiB / PAGE_SIZE - 1;
    phys_addr_t run = frame_alloc_run(&pool, frames, 0, 70 * GiB, 0);
    assert_int_equal(run, 68 * GiB - 2 * MiB + PAGE_SIZE);
    assert_int_equal(pool.drains, 2);
    check_stats(2 * PAGE_SIZE + frames * PAGE_SIZE);
    frame_free_run(&pool, run, frames);
    frame_free(&pool, 4 * GiB + 3 * MiB);
    frame_free(&pool, 67 * GiB + 1 * MiB);
    check_stats(0);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked + s.unseeded, n * PAGE_SIZE);
    arena_destroy();
}

/*
 * Standard map, every frame out, then [20M, 40M) freed but every 64th frame, and every other
 * frame of [41M, 43M) (lone crumbs, freed last: they fill the top batches), under each debug
 * debug variant (FRAME_CHECK, with and without FRAME_POISON). A 32-frame run drains the stack;
 * the crumbs, and whatever batch or bitmap frame is among them, are stacked again.
 * Expect: every frame left stacked still passes the poison check when it is handed out again
 * (the drain re-poisons the frames it wrote in), each comes back once, and freeing everything
 * brings the stats back to 0.
 */
static bool freed_in_test(phys_addr_t pa)
{
    if (pa >= 20 * MiB && pa < 40 * MiB)
        return (pa / PAGE_SIZE) % 64 != 0;
    return pa >= 41 * MiB && pa < 43 * MiB && (pa / PAGE_SIZE) % 2 == 0;
}

static void test_debug_variants_after_a_drain(void **state)
{
    (void)state;
    static const unsigned variants[] = {FRAME_CHECK, FRAME_CHECK | FRAME_POISON};
    for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
        std_pool(variants[v]);
        size_t n = hold_all(), freed = 0;
        for (phys_addr_t pa = 20 * MiB; pa < 43 * MiB; pa += PAGE_SIZE)
            if (freed_in_test(pa)) {
                frame_free(&pool, pa);
                freed++;
            }
        phys_addr_t run = frame_alloc_run(&pool, 32, 0, 0, 0);
        assert_true(run >= 20 * MiB && run < 40 * MiB);
        struct frame_stats s;
        frame_get_stats(&pool, &s);
        assert_true(s.stacked >= 256 * PAGE_SIZE); /* the crumbs */
        size_t again = 0;
        while ((all[again] = frame_alloc(&pool)) != PHYS_NONE)
            again++;
        assert_int_equal(again, freed - 32);
        for (size_t i = 0; i < again; i++)
            frame_free(&pool, all[i]);
        frame_free_run(&pool, run, 32);
        for (size_t i = 0; i < n; i++)
            if (!freed_in_test(held[i]))
                frame_free(&pool, held[i]);
        check_stats(0);
        arena_destroy();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_churn_1g_runs_succeed),
        cmocka_unit_test(test_churn_1g_checked_list_grows),
        cmocka_unit_test(test_top_frame_joins_the_run),
        cmocka_unit_test(test_ceiling_inside_a_frame),
        cmocka_unit_test(test_window_wider_than_a_round),
        cmocka_unit_test(test_debug_variants_after_a_drain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
