/* SPDX-License-Identifier: 0BSD */
/*
 * frame_alloc_run() and frame_free_run(): runs among singles with their placement limits, a run
 * drained from the stack, the idle pool giving its stack back in one retag, and invalid init
 * flags and run requests (the drain itself: test_frame_drain.c). The
 * standard map is drawn in frame_test.h.
 */
#include "frame_test.h"

static phys_addr_t highest_free_end(void)
{
    for (size_t i = list.count; i-- > 0;)
        if (list.regions[i].tag == REGION_FREE)
            return list.regions[i].end;
    return 0;
}

/*
 * Standard map. Singles and runs interleaved, with churn that frees every other single:
 *   runs with max 16M land below 16M, runs with max 32M land in [16M, 32M), unconstrained
 *   runs at the top; a 64 KiB-boundary run does not cross one.
 * Expect: no run overlaps a held single, every run lies where its policy says, and after the
 * churn a 1 MiB run below 16M still succeeds (freed low singles went back to the list).
 */
static void test_runs_with_singles(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK);
    phys_addr_t runs[64];
    uint64_t run_frames[64];
    int nruns = 0, nheld = 0;
    uint64_t held_bytes = 0;

    for (int round = 0; round < 8; round++) {
        for (int i = 0; i < 1000; i++)
            held[nheld++] = frame_alloc(&pool);
        held_bytes += 1000 * PAGE_SIZE;
        for (int i = nheld - 1000; i < nheld; i += 2) {
            frame_free(&pool, held[i]);
            held[i] = PHYS_NONE;
            held_bytes -= PAGE_SIZE;
        }
        phys_addr_t top = highest_free_end();
        phys_addr_t r16 = frame_alloc_run(&pool, 16, 64 * KiB, 16 * MiB, 0);
        phys_addr_t r32 = frame_alloc_run(&pool, 8, 0, 32 * MiB, 0);
        phys_addr_t rtop = frame_alloc_run(&pool, 3, 0, 0, 0);
        phys_addr_t risa = frame_alloc_run(&pool, 10, 0, 16 * MiB, 64 * KiB);
        assert_true(r16 != PHYS_NONE && r16 + 16 * PAGE_SIZE <= 16 * MiB);
        assert_true(IS_ALIGNED(r16, 64 * KiB));
        assert_true(r32 != PHYS_NONE && r32 >= 16 * MiB && r32 + 8 * PAGE_SIZE <= 32 * MiB);
        assert_int_equal(rtop + 3 * PAGE_SIZE, top);
        assert_true(risa != PHYS_NONE &&
                    risa / (64 * KiB) == (risa + 10 * PAGE_SIZE - 1) / (64 * KiB));
        runs[nruns] = r16, run_frames[nruns++] = 16;
        runs[nruns] = r32, run_frames[nruns++] = 8;
        runs[nruns] = rtop, run_frames[nruns++] = 3;
        runs[nruns] = risa, run_frames[nruns++] = 10;
        held_bytes += (16 + 8 + 3 + 10) * PAGE_SIZE;
        check_stats(held_bytes);
    }
    for (int j = 0; j < nruns; j++)
        for (int i = 0; i < nheld; i++)
            if (held[i] != PHYS_NONE)
                assert_false(held[i] >= runs[j] && held[i] < runs[j] + run_frames[j] * PAGE_SIZE);
    /* Take all remaining frames; the low ones freed by the churn go to the list. */
    for (int i = 0; i < nheld; i++)
        if (held[i] != PHYS_NONE)
            frame_free(&pool, held[i]);
    phys_addr_t pa;
    nheld = 0;
    while ((pa = frame_alloc(&pool)) != PHYS_NONE)
        held[nheld++] = pa;
    for (int i = 0; i < nheld; i++)
        if (held[i] < 16 * MiB)
            frame_free(&pool, held[i]);
    phys_addr_t big = frame_alloc_run(&pool, 256, 0, 16 * MiB, 0);
    assert_int_not_equal(big, PHYS_NONE);
    assert_true(big + 1 * MiB <= 16 * MiB);
    frame_free_run(&pool, big, 256);
    for (int j = 0; j < nruns; j++)
        frame_free_run(&pool, runs[j], run_frames[j]);
    assert_int_equal(region_total(&list, REGION_DMA), 0);
}

/*
 *   0 [low] 1M [free] 2M [kernel] 4M [free ........ 40M] [fw] 41M [free ........ 64M]
 * All frames handed out, then all freed but the first (64M - 4K): those below 16M go back to the
 * list, the rest sit on the stack, so the list has no free range of 16 MiB.
 * Expect: a 16 MiB run without a ceiling still succeeds, drained from the stack, as high as the
 * whole 2 MiB areas and the drained ranges allow: [46M, 62M) (the rest of [62M, 64M), next to
 * the held frame, is a crumb the first drain pass leaves stacked: when it ran, the areas below
 * it still waited for the stack's nodes in them, frame_area.c); the stats add up. Once that frame
 * is freed too the pool is idle: frame_reclaim() gives stack and cursor back in one retag, [41M,
 * 64M) is one free range again and a 16 MiB run comes from its top; seeding starts afresh.
 */
static void test_runs_drain_the_stack_then_idle_reclaim(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all();
    assert_int_equal(n, STD_FREE_FRAMES);
    assert_int_equal(held[0], 64 * MiB - PAGE_SIZE);
    for (size_t i = 1; i < n; i++)
        frame_free(&pool, held[i]);
    assert_int_equal(frame_reclaim(&pool), 0); /* one frame is out */

    phys_addr_t run = frame_alloc_run(&pool, 16 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_int_equal(run, 46 * MiB);
    assert_int_equal(pool.drains, 1);
    check_stats(16 * MiB + PAGE_SIZE);
    frame_free_run(&pool, run, 16 * MiB / PAGE_SIZE);
    frame_free(&pool, held[0]);
    check_stats(0);

    assert_true(frame_reclaim(&pool) > 0);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, 0);
    const struct region *top = region_lookup(&list, 63 * MiB);
    assert_true(top->tag == REGION_FREE && top->base == 41 * MiB && top->end == 64 * MiB);
    run = frame_alloc_run(&pool, 16 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_int_equal(run, 48 * MiB);
    check_stats(16 * MiB);
    frame_free_run(&pool, run, 16 * MiB / PAGE_SIZE);
    check_stats(0);
    assert_int_equal(frame_alloc(&pool), 64 * MiB - PAGE_SIZE); /* seeding starts afresh */
}

/* Bytes the list holds free below FRAME_ISA_LIMIT: what ISA DMA can still get. */
static uint64_t isa_free(void)
{
    uint64_t bytes = 0;
    for (size_t i = 0; i < list.count; i++)
        if (list.regions[i].tag == REGION_FREE && list.regions[i].base < FRAME_ISA_LIMIT)
            bytes += MIN(list.regions[i].end, FRAME_ISA_LIMIT) - list.regions[i].base;
    return bytes;
}

/*
 * Issue 16's monitor session, scaled down: every frame taken, all freed but the first (the kernel
 * keeps some, so the pool is not idle). Frames below 16M went back to the list, the rest is
 * stacked:
 *
 *   0 [low] 1M [free] 2M [kernel] 4M [free 16M)[stacked ........ 40M] [fw] 41M [stacked .. 64M-4K]
 *
 * Expect: runs without a ceiling come from at or above 16M, from whole 2 MiB areas and drained
 * ranges, top-down: 4M at [58M, 62M), then 8M at [50M, 58M) ([62M, 64M - 4K) stays a stacked
 * crumb, as in the test above); the 13 MiB free below 16M is untouched.
 * A 25M run fits nowhere above 16M (24M and 11M-4K are free there), so ISA memory serves as the
 * last resort: the highest fit, [15M, 40M), across the limit.
 */
static void test_runs_without_ceiling_spare_isa(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all();
    for (size_t i = 1; i < n; i++)
        frame_free(&pool, held[i]);
    assert_int_equal(isa_free(), 13 * MiB);

    phys_addr_t r4 = frame_alloc_run(&pool, 4 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_int_equal(r4, 58 * MiB);
    phys_addr_t r8 = frame_alloc_run(&pool, 8 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_int_equal(r8, 50 * MiB);
    assert_int_equal(isa_free(), 13 * MiB);
    check_stats(12 * MiB + PAGE_SIZE);

    phys_addr_t r25 = frame_alloc_run(&pool, 25 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_int_equal(r25, 15 * MiB);
    assert_int_equal(isa_free(), 12 * MiB);
    check_stats(37 * MiB + PAGE_SIZE);
    frame_free_run(&pool, r25, 25 * MiB / PAGE_SIZE);
    frame_free_run(&pool, r8, 8 * MiB / PAGE_SIZE);
    frame_free_run(&pool, r4, 4 * MiB / PAGE_SIZE);
    frame_free(&pool, held[0]);
    check_stats(0);
    assert_int_equal(pool.run_stalls, 0);
}

/*
 * frame_settle() with one frame out: every other frame (stacked ones, the cursor's) goes back to
 * the list, crumbs too; a run and its free then leave the list exactly as it was. Idle, it is
 * frame_reclaim(); with nothing stacked, it gives back nothing.
 *   std map, all frames taken, all but held[0] freed
 */
static void test_settle(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all();
    for (size_t i = 1; i < n; i += 2) /* every other frame: many crumbs */
        frame_free(&pool, held[i]);
    for (size_t i = 2; i < n; i += 2)
        frame_free(&pool, held[i]);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    uint64_t stacked = s.stacked;
    assert_true(stacked > 0);
    assert_int_equal(frame_settle(&pool), stacked);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, 0);
    check_stats(PAGE_SIZE);
    size_t count = list.count;
    struct region copy[REGION_STATIC_CAPACITY];
    memcpy(copy, list.regions, count * sizeof(struct region));
    phys_addr_t run = frame_alloc_run(&pool, 4, 0, 0, 0);
    assert_int_not_equal(run, PHYS_NONE);
    frame_free_run(&pool, run, 4);
    assert_int_equal(list.count, count);
    assert_memory_equal(copy, list.regions, count * sizeof(struct region));
    assert_int_equal(frame_settle(&pool), 0); /* nothing stacked */
    frame_free(&pool, held[0]);
    assert_true(frame_settle(&pool) > 0); /* idle: the whole pool, as frame_reclaim() */
    check_stats(0);
}

/*
 * Bad arguments. Expect: unknown flags -> K_EINVAL; a FRAME_CHECK bitmap of 8 pages (1 GiB of
 * addresses) with only 4-page free ranges -> K_ENOMEM; invalid run requests, and runs larger
 * than their boundary or than the room below their ceiling -> PHYS_NONE at once (no drain).
 *   1M [16K]   512M [16K]   1G-16K [16K] 1G        (everything else a hole)
 */
static void test_init_and_request_errors(void **state)
{
    (void)state;
    static const struct range map[] = {
        {1 * MiB, 1 * MiB + 16 * KiB, REGION_FREE},
        {512 * MiB, 512 * MiB + 16 * KiB, REGION_FREE},
        {1 * GiB - 16 * KiB, 1 * GiB, REGION_FREE},
    };
    make_map(1 * GiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, 1u << 7), K_EINVAL);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_ENOMEM);
    assert_int_equal(region_total(&list, REGION_FREE), 48 * KiB); /* nothing taken */
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    assert_int_equal(frame_alloc_run(&pool, 0, 0, 0, 0), PHYS_NONE);
    assert_int_equal(frame_alloc_run(&pool, 1, 3 * PAGE_SIZE, 0, 0), PHYS_NONE);
    assert_int_equal(frame_alloc_run(&pool, 1, 0, 0, 12345), PHYS_NONE);
    assert_int_equal(frame_alloc_run(&pool, 17, 0, 0, 64 * KiB), PHYS_NONE);       /* > boundary */
    assert_int_equal(frame_alloc_run(&pool, 2, 0, PAGE_SIZE + 100, 0), PHYS_NONE); /* > ceiling */
    assert_int_equal(pool.drains, 0); /* all refused before any search */
    assert_int_equal(frame_alloc_run(&pool, 5, 0, 0, 0), PHYS_NONE); /* no 5-frame run */
    assert_int_equal(frame_alloc_run(&pool, 4, 0, 0, 0), 1 * GiB - 16 * KiB);
    /* 8 singles left, from the top range down */
    assert_int_equal(frame_alloc(&pool), 512 * MiB + 12 * KiB);
    arena_destroy();
}

/*
 * Standard map, every frame taken, then every other one above 16 MiB freed (below, each would
 * cost the region list two entries of its 256): no two free frames touch anywhere, so no 2-frame
 * run can be made.
 *
 *   ... | out | free | out | free | out | ...     held[0] out, held[1] free, held[2] out, ...
 *
 * Expect: the first 2-frame request below 32 MiB drains and fails; asked again, and asked for
 * anything no easier (longer, more aligned, lower ceiling, smaller boundary), it fails without a
 * drain (pool.drains unchanged, fast_fails counts it). A request that is easier in one way (no
 * ceiling) is not known to fail: it drains. Once held[2] is freed (into a CPU's cache), the
 * same 2-frame request must look again and find [held[3], held[1] + 4K).
 */
static void test_run_that_cannot_be_made_fails_fast(void **state)
{
    (void)state;
    std_pool(0);
    size_t n = hold_all(), out = n;
    for (size_t i = 1; i < n && held[i] >= 16 * MiB; i += 2, out--)
        frame_free(&pool, held[i]);
    assert_int_equal(frame_alloc_run(&pool, 2, 0, 32 * MiB, 0), PHYS_NONE);
    uint64_t drains = pool.drains;
    assert_true(drains > 0);
    assert_int_equal(pool.fast_fails, 0);
    assert_int_equal(frame_alloc_run(&pool, 2, 0, 32 * MiB, 0), PHYS_NONE);
    assert_int_equal(frame_alloc_run(&pool, 4, 16 * KiB, 16 * MiB, 64 * KiB), PHYS_NONE);
    assert_int_equal(pool.drains, drains);
    assert_int_equal(pool.fast_fails, 2);

    assert_int_equal(frame_alloc_run(&pool, 2, 0, 0, 0), PHYS_NONE); /* easier: looks again */
    assert_int_equal(pool.fast_fails, 2);
    assert_true(pool.drains > drains);

    frame_free(&pool, held[2]);
    assert_true(held[1] - held[2] == PAGE_SIZE && held[2] - held[3] == PAGE_SIZE);
    phys_addr_t run = frame_alloc_run(&pool, 2, 0, 0, 0);
    assert_true(run == held[3] || run == held[2]);
    assert_int_equal(pool.fast_fails, 2);
    frame_free_run(&pool, run, 2);
    check_stats((out - 1) * PAGE_SIZE);
    assert_int_equal(pool.run_stalls, 0);
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_settle, arena_teardown),
        cmocka_unit_test(test_runs_with_singles),
        cmocka_unit_test(test_runs_drain_the_stack_then_idle_reclaim),
        cmocka_unit_test(test_runs_without_ceiling_spare_isa),
        cmocka_unit_test(test_init_and_request_errors),
        cmocka_unit_test(test_run_that_cannot_be_made_fails_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
