/* SPDX-License-Identifier: 0BSD */
/*
 * The drain when things go wrong: a region list that cannot hold the result (the drain stops,
 * every frame stays stacked, the run fails and says so), and a free stack that disagrees with
 * itself or with the list (a panic naming the frame). The standard map is drawn in frame_test.h.
 */
#include "frame_test.h"

static phys_addr_t back[STD_FREE_FRAMES + 1];

static int cmp_pa(const void *a, const void *b)
{
    phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;
    return (x > y) - (x < y);
}

/*
 * Standard map, every frame out; then all of [20M, 30M) freed, and every other frame of
 * [30M, 40M): a one-frame request wants every stacked frame back, 1,280 lone frames at two list
 * entries each, and the list (tight: room for exactly the entries it has) must grow.
 *   16M [held] 20M [stacked ........] 30M [s h s h s h ... s h] 40M [fw] [held ...] 64M
 * Expect, with growth off: the run fails, run_stalls counts it, the stats are unchanged (nothing
 * left the stack, nothing was lost) and the frames still stacked are exactly those freed. With
 * growth allowed: the same request succeeds, the list having moved into the memory just drained
 * (it is tagged meta inside [20M, 40M)); everything freed again, the stats add up.
 */
static void test_no_room_stops_the_drain_cleanly(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all(), nfree = 0;
    for (phys_addr_t pa = 20 * MiB; pa < 40 * MiB; pa += PAGE_SIZE)
        if (pa < 30 * MiB || (pa / PAGE_SIZE) % 2 == 0) {
            frame_free(&pool, pa);
            back[nfree++] = pa;
        }
    list.capacity = list.count; /* tight, and growth is off */
    struct frame_stats before, after;
    frame_get_stats(&pool, &before);
    kprintf_reset();
    assert_int_equal(frame_alloc_run(&pool, 1, 0, 0, 0), PHYS_NONE);
    assert_int_equal(pool.run_stalls, 1);
    /* the drain's message, or the whole areas' when they could not join the list first */
    assert_true(strstr(kprintf_output(), "stay stacked") || strstr(kprintf_output(), "stay whole"));
    frame_get_stats(&pool, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    check_stats((n - nfree) * PAGE_SIZE);

    /* Every frame freed is still there, once: take them all back (the stack first). */
    static phys_addr_t got[STD_FREE_FRAMES + 1];
    size_t k = 0;
    while (k < nfree && (got[k] = frame_alloc(&pool)) != PHYS_NONE)
        k++;
    assert_int_equal(k, nfree);
    assert_int_equal(frame_alloc(&pool), PHYS_NONE);
    qsort(got, k, sizeof(got[0]), cmp_pa);
    assert_memory_equal(got, back, k * sizeof(got[0]));
    for (size_t i = 0; i < k; i++)
        frame_free(&pool, got[i]);

    region_set_grow_limit(&list, 64 * MiB);
    phys_addr_t run = frame_alloc_run(&pool, 1, 0, 0, 0);
    assert_true(run >= 20 * MiB && run < 40 * MiB);
    assert_int_equal(pool.run_stalls, 1);
    assert_true(list.storage >= 20 * MiB && list.storage < 40 * MiB);
    assert_int_equal(tag_at(list.storage), REGION_META);
    check_stats((n - nfree + 1) * PAGE_SIZE);
    frame_free_run(&pool, run, 1);
    for (size_t i = 0; i < n; i++)
        if (held[i] < 20 * MiB || held[i] >= 40 * MiB ||
            (held[i] >= 30 * MiB && (held[i] / PAGE_SIZE) % 2 == 1))
            frame_free(&pool, held[i]);
    check_stats(0);
    arena_destroy();
}

/*
 * As above, but the list may grow only below 2 MiB, where nothing is free; and a list with room
 * but a stacked frame whose list entry was made a kernel range behind the pool's back.
 * Expect: the first run fails cleanly (stall counted, stats unchanged); the second panics naming
 * the frame (the stack and the list disagree).
 */
static void test_growth_limit_and_a_list_that_disagrees(void **state)
{
    (void)state;
    std_pool(0);
    hold_all();
    for (phys_addr_t pa = 30 * MiB; pa < 40 * MiB; pa += 2 * PAGE_SIZE)
        frame_free(&pool, pa);
    list.capacity = list.count;
    region_set_grow_limit(&list, 2 * MiB);
    struct frame_stats before, after;
    frame_get_stats(&pool, &before);
    assert_int_equal(frame_alloc_run(&pool, 1, 0, 0, 0), PHYS_NONE);
    frame_get_stats(&pool, &after);
    assert_memory_equal(&before, &after, sizeof(before));
    assert_int_equal(pool.run_stalls, 1);

    list.capacity = REGION_STATIC_CAPACITY;
    assert_int_equal(region_set(&list, 34 * MiB, 34 * MiB + PAGE_SIZE, REGION_KERNEL), K_OK);
    expect_panic(frame_alloc_run(&pool, 1, 0, 0, 0));
    assert_non_null(strstr(panic_message(), "0x2200000"));
    assert_non_null(strstr(panic_message(), "region list"));
    arena_destroy();
}

/*
 * A release pool (no FRAME_CHECK) does not notice a double free of 30M, so the frame is stacked
 * twice; and a stack whose head batch was overwritten with a misaligned number.
 * Expect: the next drain notices both and panics naming the frame.
 */
static void test_drain_notices_a_corrupted_stack(void **state)
{
    (void)state;
    std_pool(0);
    hold_all();
    stack_free(30 * MiB);
    stack_free(31 * MiB);
    stack_free(30 * MiB);
    expect_panic(frame_alloc_run(&pool, 2, 0, 0, 0));
    assert_non_null(strstr(panic_message(), "0x1e00000 twice"));

    std_pool(0);
    hold_all();
    for (int i = 0; i < 4; i++)
        stack_free(30 * MiB + i * PAGE_SIZE);
    pool.top->frames[1] = 30 * MiB + 8; /* the head node's second entry */
    expect_panic(frame_alloc_run(&pool, 2, 0, 0, 0));
    assert_non_null(strstr(panic_message(), "0x1e00008"));
    assert_non_null(strstr(panic_message(), "not a frame of the pool"));
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_room_stops_the_drain_cleanly),
        cmocka_unit_test(test_growth_limit_and_a_list_that_disagrees),
        cmocka_unit_test(test_drain_notices_a_corrupted_stack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
