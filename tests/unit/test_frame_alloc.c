/* SPDX-License-Identifier: 0BSD */
/*
 * frame_init(), frame_alloc() and frame_free() for single frames: lazy seeding, top-down order,
 * LIFO reuse, low frames going back to the region list, exhaustion, and the batched stack against
 * the linked one. The standard map is drawn in frame_test.h.
 */
#include "frame_test.h"

/* Deterministic xorshift so the sequences below repeat exactly. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* Runs 20000 random alloc/free steps, checking stats after each; writes frames handed out. */
static void random_walk(unsigned flags, bool stack, phys_addr_t *log, size_t *nlog)
{
    std_pool(flags);
    rng_state = 0x9e3779b97f4a7c15ull;
    size_t nheld = 0;
    *nlog = 0;
    for (int step = 0; step < 20000; step++) {
        if (nheld && rng() % 100 < 45) {
            size_t i = rng() % nheld;
            if (stack)
                stack_free(held[i]);
            else
                frame_free(&pool, held[i]);
            held[i] = held[--nheld];
        } else {
            phys_addr_t pa = stack ? stack_alloc() : frame_alloc(&pool);
            assert_int_not_equal(pa, PHYS_NONE);
            held[nheld++] = log[(*nlog)++] = pa;
        }
        if (step % 97 == 0)
            check_stats(nheld * PAGE_SIZE);
    }
    check_stats(nheld * PAGE_SIZE);
}

/*
 *   0 ............ 3G [fw 3G..4G] 4G ............................................ 1T
 *   |low| free        |  firmware |                 free                          |
 * Expect: frame_init touches no page of the terabyte; 1000 allocations from the cursor touch
 * only the page of 2 MiB-area counts for [1020G, 1T), which the first chunk's lowest frame,
 * 1T - 2M, becomes (so the 512th frame is 1T - 2M - 4K); 511 frees touch only the one frame
 * that became the head batch (itself + 510 entries), the 512th becomes a second head;
 * allocating them back touches nothing new. With
 * FRAME_CHECK only the bitmap's pages are touched. (Whole-arena scans take a second each, so
 * the steps in between look at the top 8 MiB, where the work happens.)
 */
static void test_lazy_seeding(void **state)
{
    (void)state;
    static const struct range map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {1 * MiB, 3 * GiB, REGION_FREE},
        {3 * GiB, 4 * GiB, REGION_FIRMWARE},
        {4 * GiB, 1 * TiB, REGION_FREE},
    };
    make_map(1 * TiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    /* The stack's own touch pattern, without a cache in front (test_frame_cache.c has that). */
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    assert_int_equal(arena_resident(0, 1 * TiB), 0);

    const phys_addr_t top = 1 * TiB - 8 * MiB;
    for (int i = 0; i < 1000; i++)
        held[i] = stack_alloc();
    assert_int_equal(held[0], 1 * TiB - PAGE_SIZE);
    assert_int_equal(held[510], 1 * TiB - 2 * MiB + PAGE_SIZE);
    assert_int_equal(held[511], 1 * TiB - 2 * MiB - PAGE_SIZE);
    assert_int_equal(held[999], 1 * TiB - 1001 * PAGE_SIZE);
    assert_int_equal(tag_at(1 * TiB - 2 * MiB), REGION_META);
    assert_int_equal(arena_resident(top, 1 * TiB), 1);
    assert_int_equal(arena_resident(1 * TiB - 2 * MiB, 1 * TiB - 2 * MiB + PAGE_SIZE), 1);
    check_stats(1000 * PAGE_SIZE);

    for (int i = 0; i < 511; i++)
        stack_free(held[i]);
    assert_int_equal(arena_resident(top, 1 * TiB), 2);
    assert_int_equal(arena_resident(held[0], held[0] + PAGE_SIZE), 1);
    stack_free(held[511]);
    assert_int_equal(arena_resident(top, 1 * TiB), 3);
    assert_int_equal(arena_resident(held[511], held[511] + PAGE_SIZE), 1);
    for (int i = 0; i < 512; i++)
        assert_int_not_equal(stack_alloc(), PHYS_NONE);
    assert_int_equal(arena_resident(0, 1 * TiB), 3);
    check_stats(1000 * PAGE_SIZE);

    /* FRAME_CHECK zeroes its bitmap (1 bit per frame: 32 MiB here) and nothing else. */
    make_map(1 * TiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    const struct region *bitmap = NULL, *r;
    region_for_each(&list, r)
    {
        if (r->tag == REGION_META)
            bitmap = r; /* the list has no storage of its own here: the bitmap is the only one */
    }
    assert_non_null(bitmap);
    assert_int_equal(bitmap->end - bitmap->base, 32 * MiB);
    assert_int_equal(arena_resident(0, 1 * TiB), 32 * MiB / PAGE_SIZE);
    assert_int_equal(arena_resident(bitmap->base, bitmap->end), 32 * MiB / PAGE_SIZE);
    arena_destroy();
}

/*
 * Standard map. Expect: frames come back in reverse order of their frees, across batch
 * boundaries too (600 frees > one batch of 510), with and without checks.
 */
static void test_lifo(void **state)
{
    (void)state;
    static const unsigned variants[] = {0, FRAME_CHECK, FRAME_CHECK | FRAME_POISON};
    for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
        std_pool(variants[v]);
        for (int i = 0; i < 600; i++)
            held[i] = frame_alloc(&pool);
        /* free in a scrambled order, then expect exactly the reverse of it */
        phys_addr_t order[600];
        for (int i = 0; i < 600; i++)
            order[i] = held[(i * 7) % 600];
        for (int i = 0; i < 600; i++)
            frame_free(&pool, order[i]);
        check_stats(0);
        for (int i = 599; i >= 0; i--)
            assert_int_equal(frame_alloc(&pool), order[i]);
        check_stats(600 * PAGE_SIZE);
    }
}

/*
 * Standard map. Expect: the first frame is the top one (64M - 4K), the cursor carves
 * [62M, 64M) as REGION_FRAMES and leaves the rest free; every following frame is lower than the
 * one before, down to 1M (low memory last), 15360 frames in all; then PHYS_NONE.
 */
static void test_top_down_seeding(void **state)
{
    (void)state;
    std_pool(0);
    phys_addr_t pa = frame_alloc(&pool);
    assert_int_equal(pa, 64 * MiB - PAGE_SIZE);
    const struct region *r = region_lookup(&list, 63 * MiB);
    assert_int_equal(r->tag, REGION_FRAMES);
    assert_int_equal(r->base, 62 * MiB);
    assert_int_equal(tag_at(62 * MiB - PAGE_SIZE), REGION_FREE);

    uint64_t n = 1;
    phys_addr_t prev = pa, next;
    while ((next = frame_alloc(&pool)) != PHYS_NONE) {
        assert_true(next < prev);
        assert_true(tag_at(next) == REGION_FRAMES);
        prev = next;
        n++;
    }
    assert_int_equal(n, STD_FREE_FRAMES);
    assert_int_equal(prev, 1 * MiB);
    check_stats(STD_FREE_FRAMES * PAGE_SIZE);
}

/*
 * Standard map, everything allocated. Free 5M and 5M+4K (below 16M), then 16M and 20M.
 *   ... FRAMES | FREE [5M, 5M+8K) | FRAMES ...           16M, 20M: stacked, still FRAMES
 * Expect: the low frames reappear as one merged FREE range and count as unseeded; the others
 * are stacked; allocation takes the stacked ones first (LIFO), then the low ones again.
 */
static void test_low_frames_return_to_list(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK);
    while (frame_alloc(&pool) != PHYS_NONE)
        ;
    frame_free(&pool, 5 * MiB);
    frame_free(&pool, 5 * MiB + PAGE_SIZE);
    const struct region *r = region_lookup(&list, 5 * MiB);
    assert_int_equal(r->tag, REGION_FREE);
    assert_int_equal(r->base, 5 * MiB);
    assert_int_equal(r->end, 5 * MiB + 2 * PAGE_SIZE);
    frame_free(&pool, 16 * MiB);
    frame_free(&pool, 20 * MiB);
    assert_int_equal(tag_at(16 * MiB), REGION_FRAMES);
    assert_int_equal(tag_at(16 * MiB - PAGE_SIZE), REGION_FRAMES);

    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, 2 * PAGE_SIZE);
    assert_int_equal(s.unseeded, 2 * PAGE_SIZE);
    check_stats((STD_FREE_FRAMES - 1 - 4) * PAGE_SIZE); /* one frame went to the bitmap */

    assert_int_equal(frame_alloc(&pool), 20 * MiB);
    assert_int_equal(frame_alloc(&pool), 16 * MiB);
    assert_int_equal(frame_alloc(&pool), 5 * MiB + PAGE_SIZE); /* the cursor walks down again */
    assert_int_equal(frame_alloc(&pool), 5 * MiB);
    assert_int_equal(frame_alloc(&pool), PHYS_NONE);
}

/*
 * A list that cannot grow, exactly full (5 entries) once the FRAME_CHECK bitmap is carved:
 *   0    1M         8M  9M                   24M-4K 24M
 *   |low |  free    |krn|       free          |meta|        capacity 5 entries
 * Expect: the cursor takes whole free ranges (a 2 MiB split needs a slot it cannot have); a
 * frame freed at 5M cannot go back to the list (K_ENOMEM) so it is stacked instead, stays
 * REGION_FRAMES, and is the next frame allocated.
 */
static void test_low_free_falls_back_to_stack(void **state)
{
    (void)state;
    static const struct range map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {1 * MiB, 8 * MiB, REGION_FREE},
        {8 * MiB, 9 * MiB, REGION_KERNEL},
        {9 * MiB, 24 * MiB, REGION_FREE},
    };
    make_map(24 * MiB, map, ARRAY_SIZE(map), 5);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    assert_int_equal(list.count, 5);
    assert_int_equal(frame_alloc(&pool), 24 * MiB - 2 * PAGE_SIZE);
    assert_int_equal(region_lookup(&list, 10 * MiB)->base, 9 * MiB); /* whole range carved */
    while (frame_alloc(&pool) != PHYS_NONE)
        ;
    assert_int_equal(list.count, 5);
    frame_free(&pool, 5 * MiB);
    assert_int_equal(tag_at(5 * MiB), REGION_FRAMES);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, PAGE_SIZE);
    check_stats(22 * MiB - 2 * PAGE_SIZE);
    assert_int_equal(frame_alloc(&pool), 5 * MiB);
}

/*
 * Standard map, every frame out, 5M freed (into the list), then the list made exactly full with
 * growth off:   4M [frames] 5M [free 4K] 5M+4K [frames ...] 16M
 * Expect: a free at 7M needs a slot: stacked, and the pool remembers the list is full
 * (list_full); a free at 8M is then stacked without asking the list (nothing printed); frees at
 * 5M+4K and 5M-4K join the free frame and go back to the list all the same (no slot needed); a
 * free of the kernel at 3M still panics; freeing a run forgets list_full, so the next low free
 * asks again (and is told again).
 */
static void test_full_list_stacks_low_frees_quietly(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all();
    frame_free(&pool, 5 * MiB);
    assert_int_equal(tag_at(5 * MiB), REGION_FREE);
    list.capacity = list.count;
    kprintf_reset();
    frame_free(&pool, 7 * MiB);
    assert_int_equal(tag_at(7 * MiB), REGION_FRAMES);
    assert_true(pool.list_full);
    assert_non_null(strstr(kprintf_output(), "growth is off"));
    kprintf_reset();
    frame_free(&pool, 8 * MiB);
    assert_int_equal(tag_at(8 * MiB), REGION_FRAMES);
    assert_string_equal(kprintf_output(), "");
    frame_free(&pool, 5 * MiB + PAGE_SIZE);
    frame_free(&pool, 5 * MiB - PAGE_SIZE);
    const struct region *r = region_lookup(&list, 5 * MiB);
    assert_true(r->tag == REGION_FREE && r->base == 5 * MiB - PAGE_SIZE &&
                r->end == 5 * MiB + 2 * PAGE_SIZE);
    expect_panic(frame_free(&pool, 3 * MiB));
    check_stats((n - 5) * PAGE_SIZE);

    /* The three free frames at 5M; an ISA ceiling, so that the list serves it without a drain. */
    phys_addr_t run = frame_alloc_run(&pool, 3, 0, 16 * MiB, 0);
    assert_int_equal(run, 5 * MiB - PAGE_SIZE);
    assert_true(pool.list_full);
    frame_free_run(&pool, run, 3);
    assert_false(pool.list_full);
    kprintf_reset();
    frame_free(&pool, 9 * MiB);
    assert_non_null(strstr(kprintf_output(), "growth is off"));
    arena_destroy();
}

/*
 * Standard map. Expect: after 15360 frames every allocation (single or run) returns
 * PHYS_NONE; freeing two frames makes exactly those two available again (LIFO), then none.
 */
static void test_exhaustion(void **state)
{
    (void)state;
    std_pool(0);
    uint64_t n = hold_all();
    assert_int_equal(n, STD_FREE_FRAMES);
    assert_int_equal(frame_alloc(&pool), PHYS_NONE);
    assert_int_equal(frame_alloc_zeroed(&pool), PHYS_NONE);
    assert_int_equal(frame_alloc_run(&pool, 1, 0, 0, 0), PHYS_NONE);
    check_stats(n * PAGE_SIZE);
    frame_free(&pool, held[100]);
    frame_free(&pool, held[200]);
    assert_int_equal(frame_alloc(&pool), held[200]);
    assert_int_equal(frame_alloc(&pool), held[100]);
    assert_int_equal(frame_alloc(&pool), PHYS_NONE);
    check_stats(n * PAGE_SIZE);
}

/*
 * Standard map, 20000 random steps (55% alloc, 45% free of a random held frame), through the
 * per-CPU cache and on the stack itself. Expect: the stats add up after every step checked, and
 * with FRAME_POISON each path hands out the very same frames in the same order as with
 * FRAME_CHECK alone (both carve the same bitmap): poisoning observes, it never changes a decision.
 */
static void test_poison_changes_no_decision(void **state)
{
    (void)state;
    static phys_addr_t log_plain[20000], log_checked[20000];
    for (int stack = 0; stack <= 1; stack++) {
        size_t np, nc;
        random_walk(FRAME_CHECK, stack, log_plain, &np);
        random_walk(FRAME_CHECK | FRAME_POISON, stack, log_checked, &nc);
        assert_int_equal(np, nc);
        assert_true(np > 10000);
        assert_memory_equal(log_plain, log_checked, np * sizeof(log_plain[0]));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_seeding),
        cmocka_unit_test(test_lifo),
        cmocka_unit_test(test_top_down_seeding),
        cmocka_unit_test(test_low_frames_return_to_list),
        cmocka_unit_test(test_low_free_falls_back_to_stack),
        cmocka_unit_test(test_full_list_stacks_low_frees_quietly),
        cmocka_unit_test(test_exhaustion),
        cmocka_unit_test(test_poison_changes_no_decision),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
