/* SPDX-License-Identifier: 0BSD */
/*
 * Whole 2 MiB areas (src/mm/frame_area.c, frame_area.h): the stack's operations count each 2 MiB
 * area's frames among the entries of stack nodes; an area whose 512 frames all become entries
 * leaves the stack at once for the whole list (its entries left in the nodes turn stale and are
 * dropped by whatever takes entries off), where frame_alloc_huge() takes it in O(1), no drain;
 * a 2 MiB frame given back waits there for the next one. The standard map is drawn in
 * frame_test.h.
 */
#include "frame_test.h"

#include <arch/cpu_local.h>
#include <frame64/frame_whereis.h>

#include "mm/frame_area.h"

#define AREA_FRAMES (FRAME_HUGE_SIZE / PAGE_SIZE)

static bool in_area(phys_addr_t pa, phys_addr_t area)
{
    return pa >= area && pa < area + FRAME_HUGE_SIZE;
}

/*
 * Pushes area's 512 frames straight onto the stack (no cache), so that all of them are entries
 * of nodes: before each frame that would become a node (the head full, or no head), a frame
 * taken from *node (counting up) goes first and becomes the node. Nodes are not counted: an area
 * holding one is not whole on the stack.
 */
static void stack_area(phys_addr_t area, phys_addr_t *node)
{
    for (uint64_t k = 0; k < AREA_FRAMES; k++) {
        if (!pool.top || pool.top->count == FRAME_BATCH_MAX) {
            stack_free(*node);
            *node += PAGE_SIZE;
        }
        stack_free(area + k * PAGE_SIZE);
    }
}

/*
 * Standard map (pool flags flags), every frame out, then each area A of areas[] in turn onto the
 * stack as entries (stack_area(), its two nodes A - 2M and A - 2M + 4K); the rest of
 * [A - 2M, A) and everything else stays out, in held[]. Return: how many frames held[] holds.
 */
static size_t areas_on_stack(unsigned flags, const phys_addr_t *areas, size_t nareas)
{
    std_pool(flags);
    size_t n = hold_all(), out = 0;
    for (size_t i = 0; i < n; i++) {
        bool keep = true;
        for (size_t k = 0; k < nareas; k++)
            keep &= !in_area(held[i], areas[k]) && !in_area(held[i], areas[k] - FRAME_HUGE_SIZE);
        if (keep)
            held[out++] = held[i];
    }
    for (size_t k = 0; k < nareas; k++) {
        phys_addr_t node = areas[k] - FRAME_HUGE_SIZE;
        stack_area(areas[k], &node);
        for (; node < areas[k]; node += PAGE_SIZE)
            held[out++] = node;
    }
    return out;
}

/* areas_on_stack() with A = [20M, 22M) alone (nodes 18M and 18M + 4K). */
static size_t one_area_on_stack(unsigned flags)
{
    static const phys_addr_t a[] = {20 * MiB};
    return areas_on_stack(flags, a, 1);
}

/*
 * Standard map, release pool, every frame out; then, straight onto the stack (no cache), the
 * frames of [22M, 24M) but 22M, the first two as nodes, every frame of A = [20M, 22M) as entries
 * (stack_area()), and those of [18M, 20M) but 18M:
 *
 *   18M        20M                   22M        24M
 *   | x ...... | A: 512 entries      | x n n .. |     x: kept (out), n: nodes
 *
 * Expect: A left the stack whole as its 512th frame came (the whole list, "a whole 2 MiB area"
 * for whereis, free in the stats); frame_alloc_huge() gives A with no drain and no change to the
 * region list (still REGION_FRAMES), in use in the stats, "part of a 2 MiB frame" for whereis;
 * A's 512 entries stay in the nodes but no single frame comes from A (the refills drop them);
 * given back, A waits on the whole list again and the next 2 MiB request gets A from there.
 */
static void test_huge_taken_whole_off_the_stack(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all(), out = 0;
    for (size_t i = 0; i < n; i++)
        if (held[i] < 18 * MiB || held[i] >= 24 * MiB || held[i] == 18 * MiB || held[i] == 22 * MiB)
            held[out++] = held[i];
    phys_addr_t node = 22 * MiB + PAGE_SIZE;
    stack_area(20 * MiB, &node);
    for (phys_addr_t pa = node; pa < 24 * MiB; pa += PAGE_SIZE)
        stack_free(pa);
    for (phys_addr_t pa = 18 * MiB + PAGE_SIZE; pa < 20 * MiB; pa += PAGE_SIZE)
        stack_free(pa);
    assert_int_equal(*frame_area_slot(&pool, 20 * MiB),
                     FRAME_AREA_TAKEN | FRAME_AREA_WHOLE | AREA_FRAMES);
    assert_true((*frame_area_slot(&pool, 18 * MiB) & FRAME_AREA_N) < AREA_FRAMES);
    assert_int_equal(pool.whole, 20 * MiB);
    assert_int_equal(pool.areas_whole, 1);
    assert_int_equal(frame_whereis(&pool, 21 * MiB), FRAME_WHERE_WHOLE);
    check_stats(out * PAGE_SIZE);
    uint64_t entries = list.count;

    phys_addr_t a = frame_alloc_huge(&pool);
    assert_int_equal(a, 20 * MiB);
    assert_int_equal(pool.drains, 0);
    assert_int_equal(list.count, entries);
    assert_int_equal(tag_at(a), REGION_FRAMES);
    assert_int_equal(frame_whereis(&pool, a + 5 * PAGE_SIZE), FRAME_WHERE_HUGE);
    assert_string_equal(frame_where_name(FRAME_WHERE_HUGE), "handed out as part of a 2 MiB frame");
    check_stats(out * PAGE_SIZE + FRAME_HUGE_SIZE);

    /* The stale entries: every single frame left comes from the neighbours, none from A. */
    size_t got = 0; /* the stack's own pops */
    for (phys_addr_t pa; (pa = stack_alloc()) != PHYS_NONE; got++)
        assert_false(in_area(pa, a));
    assert_int_equal(got, 2 * (AREA_FRAMES - 1));
    assert_int_equal(frame_alloc_huge(&pool), PHYS_NONE);         /* no other whole area */
    assert_int_equal(*frame_area_slot(&pool, a), FRAME_AREA_OUT); /* no stale entry left */

    frame_free_huge(&pool, a);
    assert_int_equal(frame_whereis(&pool, a + FRAME_HUGE_SIZE - 1), FRAME_WHERE_WHOLE);
    assert_non_null(strstr(frame_where_name(FRAME_WHERE_WHOLE), "whole 2 MiB area"));
    check_stats((out + got) * PAGE_SIZE);
    assert_int_equal(frame_alloc_huge(&pool), a);
    assert_int_equal(pool.areas_whole, 1); /* given back, not off the stack again */
    frame_free_huge(&pool, a);
    arena_destroy();
}

/*
 * 256 MiB: [1M, 2M) low, [2M, 4M) kernel, [4M, 256M) free. Every frame out, then the 119 areas
 * of [16M, 254M) pushed onto the stack as entries, their nodes taken from N = [254M, 256M), and
 * the rest of N after them (so N, all free, holds nodes: not whole on the stack).
 *
 *   16M                                          254M   256M
 *   | 119 areas, all entries                     | N: nodes + entries |
 *
 * Expect: the 119 areas left the stack for the whole list as they became whole, N too but it
 * waits for its nodes; 119 2 MiB frames from the whole list with no drain; the 120th is N,
 * through a drain (which drops its nodes) and the region list. Every frame of [16M, 256M) back, the
 * stats add up (the 13 MiB below 16M stay out).
 */
static void test_many_whole_areas(void **state)
{
    (void)state;
    static const struct range map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {1 * MiB, 2 * MiB, REGION_FREE},
        {2 * MiB, 4 * MiB, REGION_KERNEL},
        {4 * MiB, 256 * MiB, REGION_FREE},
    };
    make_map(256 * MiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    while (stack_alloc() != PHYS_NONE)
        ;
    phys_addr_t node = 254 * MiB;
    for (phys_addr_t a = 16 * MiB; a < 254 * MiB; a += FRAME_HUGE_SIZE)
        stack_area(a, &node);
    for (; node < 256 * MiB; node += PAGE_SIZE)
        stack_free(node);
    assert_int_equal(pool.areas_whole, 120); /* N too, but it waits for its nodes */
    assert_int_equal(pool.whole_frames, 120 * AREA_FRAMES);
    static phys_addr_t huge[128];
    size_t h = 0;
    while (h < 119 && (huge[h] = frame_alloc_huge(&pool)) != PHYS_NONE) {
        assert_true(IS_ALIGNED(huge[h], FRAME_HUGE_SIZE) && huge[h] >= 16 * MiB &&
                    huge[h] < 254 * MiB);
        for (size_t k = 0; k < h; k++)
            assert_int_not_equal(huge[k], huge[h]);
        h++;
    }
    assert_int_equal(h, 119);
    assert_int_equal(pool.whole, PHYS_NONE);
    assert_int_equal(pool.drains, 0);
    assert_int_equal(huge[h++] = frame_alloc_huge(&pool), 254 * MiB);
    assert_true(pool.drains > 0);
    check_stats(120 * FRAME_HUGE_SIZE + 13 * MiB);
    for (size_t k = 0; k < h; k++)
        frame_free_huge(&pool, huge[k]);
    check_stats(13 * MiB);
    arena_destroy();
}

/*
 * Standard map, frames handed out down to 20M (the cursor is then empty), then A = [20M, 22M)
 * freed straight onto the stack in address order: 20M becomes a node (the stack was empty), the
 * next 510 its entries, and 22M - 4K a second node:
 *
 *   stack:  [22M-4K: no entries] -> [20M: 20M+4K ... 22M-8K] -> (bottom)
 *
 * Expect: A whole but waiting (not on the whole list: nodes of the stack lie in it), free in the
 * stats, "a whole 2 MiB area" for whereis. The next single frame drops both nodes and A's entries
 * (stale) and comes from the cursor (20M - 4K, a fresh chunk); A is on the whole list then, and
 * the next 2 MiB request takes it with no drain.
 */
static void test_area_waits_for_its_nodes(void **state)
{
    (void)state;
    std_pool(0);
    size_t out = 0;
    while ((held[out++] = stack_alloc()) != 20 * MiB)
        ;
    for (phys_addr_t pa = 20 * MiB; pa < 22 * MiB; pa += PAGE_SIZE)
        stack_free(pa);
    out -= AREA_FRAMES;
    assert_int_equal(pool.head, 22 * MiB - PAGE_SIZE);
    assert_int_equal(pool.areas_whole, 1);
    assert_int_equal(pool.whole, PHYS_NONE);
    assert_int_equal(*frame_area_slot(&pool, 20 * MiB),
                     FRAME_AREA_TAKEN | 2 * FRAME_AREA_NODE | AREA_FRAMES);
    assert_int_equal(frame_whereis(&pool, 22 * MiB - PAGE_SIZE), FRAME_WHERE_WHOLE);
    check_stats(out * PAGE_SIZE);

    assert_int_equal(stack_alloc(), 20 * MiB - PAGE_SIZE);
    assert_int_equal(pool.whole, 20 * MiB);
    assert_int_equal(*frame_area_slot(&pool, 20 * MiB), FRAME_AREA_WHOLE);
    check_stats((out + 1) * PAGE_SIZE);
    assert_int_equal(frame_alloc_huge(&pool), 20 * MiB);
    assert_int_equal(pool.drains, 0);
    check_stats((out + 1) * PAGE_SIZE + FRAME_HUGE_SIZE);
    arena_destroy();
}

/*
 * Standard map, every frame out, all of [16M, 40M) but 30M freed onto the stack in address order
 * (a node every 511 frames, so every area holds one): the 11 areas without 30M are whole but wait
 * for their nodes. A 2 MiB request finds nothing on the whole list or in the region list and
 * drains.
 * Expect: the drain drops the stale frames, nodes too (no "freed twice" panic), and the waiting
 * areas go, whole, to the region list, where the request finds one (a run, REGION_DMA); no area
 * keeps a count or a flag; given back, the stats add up; frame_settle() then leaves nothing
 * stacked or whole.
 */
static void test_drain_drops_stale_frames(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all(), out = 0;
    for (size_t i = 0; i < n; i++)
        if (held[i] < 16 * MiB || held[i] >= 40 * MiB || held[i] == 30 * MiB)
            held[out++] = held[i];
    for (phys_addr_t pa = 16 * MiB; pa < 40 * MiB; pa += PAGE_SIZE)
        if (pa != 30 * MiB)
            stack_free(pa);
    assert_int_equal(pool.areas_whole, 11);
    assert_int_equal(pool.whole, PHYS_NONE);
    check_stats(out * PAGE_SIZE);
    phys_addr_t a = frame_alloc_huge(&pool);
    assert_true(a >= 16 * MiB && a < 40 * MiB && !in_area(30 * MiB, a));
    assert_true(pool.drains > 0);
    assert_int_equal(tag_at(a), REGION_DMA);
    for (phys_addr_t b = 16 * MiB; b < 40 * MiB; b += FRAME_HUGE_SIZE)
        assert_int_equal(*frame_area_slot(&pool, b) & ~(FRAME_AREA_N | FRAME_AREA_NODES), 0);
    check_stats(out * PAGE_SIZE + FRAME_HUGE_SIZE);
    frame_free_huge(&pool, a);
    assert_int_equal(tag_at(a), REGION_FREE);
    check_stats(out * PAGE_SIZE);
    frame_settle(&pool); /* every free frame into the list, none stays whole */
    assert_int_equal(pool.whole_frames, 0);
    assert_int_equal(frame_stack_count(&pool), 0);
    check_stats(out * PAGE_SIZE);
    arena_destroy();
}

/*
 * Standard map, every frame out, A = [20M, 22M) freed onto the stack as entries (stack_area(),
 * its two nodes 18M and 18M + 4K), taken as a 2 MiB frame and given back (whole list); everything
 * else stays out.
 * Expect: a 1 MiB run with nothing else free comes from A (the whole list goes to the region
 * list first, no drain needed); freed, a 2 MiB request takes A from the list (as a run), and
 * given back, A is free in the list: single frames then come from the two nodes and A.
 */
static void test_whole_list_feeds_runs_and_singles(void **state)
{
    (void)state;
    size_t out = one_area_on_stack(0);
    phys_addr_t a = frame_alloc_huge(&pool);
    assert_int_equal(a, 20 * MiB);
    frame_free_huge(&pool, a);
    phys_addr_t run = frame_alloc_run(&pool, 256, 0, 0, 0);
    assert_true(in_area(run, a));
    assert_int_equal(pool.drains, 0);
    assert_int_equal(tag_at(run), REGION_DMA);
    frame_free_run(&pool, run, 256);
    check_stats(out * PAGE_SIZE);

    /* A back on the whole list, from the list this time: the run path's 2 MiB frame. */
    phys_addr_t b = frame_alloc_huge(&pool);
    assert_int_equal(b, a);
    assert_int_equal(tag_at(b), REGION_DMA);
    frame_free_huge(&pool, b);
    assert_int_equal(tag_at(b), REGION_FREE);
    size_t got = 0;
    for (phys_addr_t pa; (pa = frame_alloc(&pool)) != PHYS_NONE; got++)
        assert_true(in_area(pa, a) || pa == 18 * MiB || pa == 18 * MiB + PAGE_SIZE);
    assert_int_equal(got, AREA_FRAMES + 2);
    check_stats((out + got) * PAGE_SIZE);

    arena_destroy();
}

/*
 * Standard map, every frame out, A = [20M, 22M) onto the stack as entries (nodes 18M and
 * 18M + 4K), taken and given back (whole list). Expect: single frames come from the two nodes
 * (A's stale entries dropped on the way), then, with the stack and the cursor empty, from A
 * through the cursor; the whole list is empty afterwards; frame_reclaim() once everything is
 * back gives every byte.
 */
static void test_cursor_breaks_a_whole_area_last(void **state)
{
    (void)state;
    size_t out = one_area_on_stack(0);
    phys_addr_t a = frame_alloc_huge(&pool);
    frame_free_huge(&pool, a);
    assert_int_equal(pool.whole, a);
    size_t got = 0;
    phys_addr_t pa;
    while ((pa = stack_alloc()) != PHYS_NONE) {
        assert_true(got < 2 ? pa == 18 * MiB + (1 - got) * PAGE_SIZE : in_area(pa, a));
        held[out + got++] = pa;
    }
    assert_int_equal(got, 2 + AREA_FRAMES);
    assert_int_equal(pool.whole, PHYS_NONE);
    check_stats((out + got) * PAGE_SIZE);
    for (size_t i = 0; i < out + got; i++)
        frame_free(&pool, held[i]);
    /* all of it but the 13 MiB below 16 MiB, which went back to the list as they were freed */
    assert_int_equal(frame_reclaim(&pool), STD_FREE_FRAMES * PAGE_SIZE - 13 * MiB);
    check_stats(0);
    arena_destroy();
}

/*
 * Standard map, every frame out; L = [4M, 5M) freed (below 16 MiB: back to the region list, free),
 * then A = [20M, 22M) onto the stack as entries (nodes 18M and 18M + 4K), taken and given back:
 *
 *   4M     5M          18M    20M        22M
 *   | L free |  ...out...  | n n  | A whole  |  ...out...
 *
 * Expect: single frames come from the two nodes, then from A through the cursor (a whole area),
 * and only then from L: ISA memory is for runs that need it, so it is seeded last (before, the
 * cursor took L first, and random frees there fragmented the list until it grew its storage).
 */
static void test_cursor_takes_isa_memory_after_whole_areas(void **state)
{
    (void)state;
    size_t n = one_area_on_stack(0), out = 0;
    for (size_t i = 0; i < n; i++)
        if (held[i] >= 4 * MiB && held[i] < 5 * MiB)
            stack_free(held[i]); /* below 16 MiB: back to the region list, not the stack */
        else
            held[out++] = held[i];
    assert_int_equal(tag_at(4 * MiB), REGION_FREE);
    phys_addr_t a = frame_alloc_huge(&pool);
    frame_free_huge(&pool, a);
    size_t got = 0;
    for (phys_addr_t pa; (pa = stack_alloc()) != PHYS_NONE; got++) {
        if (got < 2)
            assert_int_equal(pa, 18 * MiB + (1 - got) * PAGE_SIZE);
        else if (got < 2 + AREA_FRAMES)
            assert_true(in_area(pa, a));
        else
            assert_true(pa >= 4 * MiB && pa < 5 * MiB);
        held[out + got] = pa;
    }
    assert_int_equal(got, 2 + AREA_FRAMES + MiB / PAGE_SIZE);
    check_stats((out + got) * PAGE_SIZE);
    arena_destroy();
}

/*
 * Standard map, every frame out; A = [20M, 22M), then B = [60M, 62M) onto the stack as entries
 * (nodes from 18M and 58M), so B heads the whole list:
 *
 *   18M     20M     22M          40M          58M     60M     62M
 *   | n n .. | A     | ...out... |  ceiling   | n n .. | B     | ...out...
 *
 * Expect: a 1 MiB run below 40M comes from A's base (B passed over: above the ceiling), with no
 * drain, the seed cursor and B untouched; a 64 KiB run aligned to 2 MiB within 64 KiB
 * boundaries, no ceiling, then comes from B (A's rest is not 2 MiB aligned); a ceiling that no
 * whole area can be under (17M: they lie above 16M) finds none without looking; the runs go back
 * to the list, and the stats add up throughout.
 */
static void test_small_run_takes_one_whole_area(void **state)
{
    (void)state;
    static const phys_addr_t ab[] = {20 * MiB, 60 * MiB};
    size_t out = areas_on_stack(0, ab, 2);
    assert_int_equal(pool.whole, 60 * MiB);
    phys_addr_t seed = pool.seed_next;
    check_stats(out * PAGE_SIZE);

    phys_addr_t r = frame_alloc_run(&pool, MiB / PAGE_SIZE, 0, 40 * MiB, 0);
    assert_int_equal(r, 20 * MiB);
    assert_int_equal(pool.drains, 0);
    assert_int_equal(pool.seed_next, seed);
    assert_int_equal(pool.whole, 60 * MiB);
    assert_int_equal(tag_at(21 * MiB), REGION_FREE); /* the area's rest */
    check_stats(out * PAGE_SIZE + MiB);

    phys_addr_t q = frame_alloc_run(&pool, 16, FRAME_HUGE_SIZE, 0, 64 * KiB);
    assert_int_equal(q, 60 * MiB);
    assert_int_equal(pool.whole, PHYS_NONE);
    assert_int_equal(pool.drains, 0);
    assert_false(frame_area_one_to_list(&pool, 17 * MiB, MiB));
    check_stats(out * PAGE_SIZE + MiB + 64 * KiB);

    frame_free_run(&pool, r, MiB / PAGE_SIZE);
    frame_free_run(&pool, q, 16);
    check_stats(out * PAGE_SIZE);
    arena_destroy();
}

/*
 * FRAME_NO_AREAS (the stack alone, for comparisons): standard map, every frame out, then
 * A = [20M, 22M) onto the stack as entries (nodes 18M and 18M + 4K), as in the tests above.
 * Expect: no counts are kept (no slot for A), A stays on the stack, so a 2 MiB frame needs a
 * drain, which finds A; given back, it is a run's and goes to the region list. (The flag leaves
 * the per-CPU caches' fast paths on: only the debug flags turn them off.)
 */
static void test_no_areas_flag(void **state)
{
    (void)state;
    size_t out = one_area_on_stack(FRAME_NO_AREAS);
    assert_null(frame_area_slot(&pool, 20 * MiB));
    assert_int_equal(pool.whole, PHYS_NONE);
    assert_int_equal(pool.areas_whole, 0);
    check_stats(out * PAGE_SIZE);

    phys_addr_t a = frame_alloc_huge(&pool);
    assert_int_equal(a, 20 * MiB);
    assert_int_equal(pool.drains, 1);
    check_stats(out * PAGE_SIZE + FRAME_HUGE_SIZE);
    frame_free_huge(&pool, a); /* a run's: back to the list, not to a whole list */
    assert_int_equal(pool.whole, PHYS_NONE);
    assert_int_equal(tag_at(a), REGION_FREE);
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_huge_taken_whole_off_the_stack),
        cmocka_unit_test(test_many_whole_areas),
        cmocka_unit_test(test_area_waits_for_its_nodes),
        cmocka_unit_test(test_drain_drops_stale_frames),
        cmocka_unit_test(test_whole_list_feeds_runs_and_singles),
        cmocka_unit_test(test_cursor_breaks_a_whole_area_last),
        cmocka_unit_test(test_cursor_takes_isa_memory_after_whole_areas),
        cmocka_unit_test(test_small_run_takes_one_whole_area),
        cmocka_unit_test(test_no_areas_flag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
