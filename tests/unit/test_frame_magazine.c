/* SPDX-License-Identifier: 0BSD */
/*
 * Magazines (src/mm/frame_cache.c, src/mm/frame_stack.h): a full cache's spill goes onto the
 * stack as one node it filled before taking the lock, and an empty cache's refill takes the
 * stack's head node off whole, in the order single pops would have handed its frames out. The
 * standard map is drawn in frame_test.h.
 */
#include "frame_test.h"

#include <arch/cpu_local.h>

#include "mm/frame_internal.h"

/*
 * Standard map, release pool. CPU 0 takes 2 * FRAME_CACHE_HIGH frames and frees them, so its
 * cache spills:
 *
 *   cache 0: [f0 f1 ... f254 | f255 ... f509]  + one more free
 *             `-- node --'      stays cached
 *
 * Expect: the spill adds exactly one node to the stack, f0, holding f1..f254 (FRAME_CACHE_BATCH
 * frames in all). Then CPU 1, whose cache is empty, allocates: it takes that node whole (the
 * stack shrinks by FRAME_CACHE_BATCH, the head moves to the node below), hands out f254 first,
 * f1 after 253 more, and the node f0 last, as single pops of the stack would have.
 */
static void test_spill_and_refill_move_one_node(void **state)
{
    (void)state;
    std_pool(0);
    host_cpu_set(0);
    size_t n = 2 * FRAME_CACHE_HIGH;
    for (size_t i = 0; i < n; i++)
        held[i] = frame_alloc(&pool);
    frame_cache_drain(&pool); /* what the refills left over, so the frees start on an empty cache */
    uint64_t before = frame_stack_count(&pool);
    for (size_t i = 0; i <= FRAME_CACHE_HIGH; i++) /* the last of these spills */
        frame_free(&pool, held[i]);
    assert_int_equal(frame_stack_count(&pool), before + FRAME_CACHE_BATCH);
    assert_int_equal(pool.head, held[0]);
    assert_int_equal(pool.top->count, FRAME_CACHE_BATCH - 1);
    for (size_t k = 0; k < FRAME_CACHE_BATCH - 1; k++)
        assert_int_equal(pool.top->frames[k], held[1 + k]);
    phys_addr_t below = pool.top->next;

    host_cpu_set(1);
    phys_addr_t got = frame_alloc(&pool);
    assert_int_equal(got, held[FRAME_CACHE_BATCH - 1]);
    assert_int_equal(pool.caches[1].count, FRAME_CACHE_BATCH - 1);
    assert_int_equal(frame_stack_count(&pool), before);
    assert_int_equal(pool.head, below);
    for (size_t k = FRAME_CACHE_BATCH - 1; k-- > 0;)
        assert_int_equal(frame_alloc(&pool), held[k]);
    assert_int_equal(pool.caches[1].count, 0);

    /* Everything back: the stats add up, nothing was lost on the way. */
    for (size_t k = 0; k < FRAME_CACHE_BATCH; k++)
        frame_free(&pool, held[k]);
    host_cpu_set(0);
    for (size_t i = FRAME_CACHE_HIGH + 1; i < n; i++)
        frame_free(&pool, held[i]);
    check_stats(0);
    host_cpu_set(0);
    arena_destroy();
}

/*
 * Standard map, release pool; the shared stack gets 600 frames by single pushes
 * (frame_pool_free()), so its head node holds more than a cache can take:
 *
 *   stack: node A [510 entries]  <- head after 511 pushes, then node B [88 entries]
 *
 * Expect: a refill takes B whole (89 frames). The next refill meets A, too large for the cache,
 * and takes only its top FRAME_CACHE_BATCH entries, leaving A at the head with the rest. Every
 * frame comes out once, the newest first, and the stats add up at every step.
 */
static void test_refill_from_a_node_too_large(void **state)
{
    (void)state;
    std_pool(0);
    pool.area_dir[0] = NULL; /* the stack's shape alone: [62M, 64M) would leave it whole */
    host_cpu_set(0);
    for (size_t i = 0; i < 600; i++)
        held[i] = frame_pool_alloc(&pool);
    for (size_t i = 0; i < 600; i++)
        frame_pool_free(&pool, held[i]);
    assert_int_equal(frame_stack_count(&pool), 600);
    phys_addr_t a = held[0];
    assert_int_equal(frame_stack_head_frames(&pool), 89);

    host_cpu_set(1);
    for (size_t i = 600; i-- > 511;) /* B: its entries, newest first, then the node itself */
        assert_int_equal(frame_alloc(&pool), held[i]);
    assert_int_equal(pool.caches[1].count, 0);
    assert_int_equal(pool.head, a);
    assert_int_equal(frame_alloc(&pool), held[510]);
    assert_int_equal(pool.caches[1].count, FRAME_CACHE_BATCH - 1);
    assert_int_equal(pool.head, a);
    assert_int_equal(pool.top->count, FRAME_BATCH_MAX - FRAME_CACHE_BATCH);
    check_stats(PAGE_SIZE * 90);
    for (size_t i = 510; i-- > 511 - FRAME_CACHE_BATCH;)
        if (i != 510)
            assert_int_equal(frame_alloc(&pool), held[i]);
    check_stats(PAGE_SIZE * (89 + FRAME_CACHE_BATCH));
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spill_and_refill_move_one_node),
        cmocka_unit_test(test_refill_from_a_node_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
