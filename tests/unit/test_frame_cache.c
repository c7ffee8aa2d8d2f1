/* SPDX-License-Identifier: 0BSD */
/*
 * The per-CPU frame caches (src/mm/frame_cache.c), one thread standing for several CPUs by
 * switching host_cpu_set(): refill and spill at their marks, stats exact with frames parked in
 * other CPUs' caches, runs / reclaim / exhaustion reaching those frames through the kick, the
 * NMI that finds its CPU busy, and FRAME_CHECK / FRAME_POISON catching bad frees and writes
 * whichever CPU's cache holds the frame. The standard map is drawn in frame_test.h.
 */
#include "frame_test.h"

#include <arch/cpu_local.h>

#include "mm/frame_internal.h"

/* The kernel's NMI, on one thread: run the kicked CPU's handler as that CPU. */
static unsigned kicks;
static void kick_now(struct frame_pool *p, unsigned cpu)
{
    unsigned self = arch_cpu_index();
    kicks++;
    host_cpu_set(cpu);
    frame_cache_nmi(p, 0);
    host_cpu_set(self);
}

static uint32_t cached(unsigned cpu)
{
    return pool.caches[cpu].count;
}

/*
 * Standard map, one CPU. Expect: the first allocation takes a batch (FRAME_CACHE_BATCH, 255) from
 * the cursor, so 254 wait in the cache and count as stacked, not in use; frees fill the cache up
 * to its high mark (510), and the next free gives the oldest batch back to the stack, leaving
 * more than a batch.
 */
static void test_refill_and_spill_at_their_marks(void **state)
{
    (void)state;
    struct frame_stats s;
    std_pool(0);
    host_cpu_set(0);
    held[0] = frame_alloc(&pool);
    assert_int_equal(cached(0), FRAME_CACHE_BATCH - 1);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, (FRAME_CACHE_BATCH - 1) * PAGE_SIZE);
    assert_int_equal(s.unseeded, 60 * MiB - FRAME_CACHE_BATCH * PAGE_SIZE);
    check_stats(PAGE_SIZE);

    for (int i = 1; i < 2 * FRAME_CACHE_HIGH; i++)
        held[i] = frame_alloc(&pool);
    for (int i = 0; i < 2 * FRAME_CACHE_HIGH; i++) {
        frame_free(&pool, held[i]);
        assert_true(cached(0) <= FRAME_CACHE_HIGH);
    }
    check_stats(0);
    frame_get_stats(&pool, &s);
    assert_true(cached(0) > FRAME_CACHE_HIGH - FRAME_CACHE_BATCH); /* spills left a batch */
    assert_int_equal(s.stacked + s.unseeded, 60 * MiB);
    arena_destroy();
}

/*
 * Standard map, CPU 0 allocates 4 batches (1020 frames) and frees them. Expect: an allocation
 * counts as locked exactly when it finds the cache empty (a refill: about one per batch, more
 * where the cursor's chunks end), a free exactly when it finds the cache at its high mark (a
 * spill: the 511th and 766th frees); 510 left cached; CPU 1 counted nothing.
 */
static void test_hit_counters(void **state)
{
    (void)state;
    struct frame_cache_stats c;
    uint64_t refills = 0, spills = 0;
    std_pool(0);
    host_cpu_set(0);
    for (int i = 0; i < 4 * FRAME_CACHE_BATCH; i++) {
        refills += cached(0) == 0;
        held[i] = frame_alloc(&pool);
    }
    frame_cache_get_stats(&pool, 0, &c);
    assert_int_equal(c.allocs, 4 * FRAME_CACHE_BATCH);
    assert_int_equal(c.allocs_locked, refills);
    assert_in_range(refills, 4, 8);
    assert_int_equal(c.cached, cached(0));
    for (int i = 0; i < 4 * FRAME_CACHE_BATCH; i++) {
        spills += cached(0) == FRAME_CACHE_HIGH;
        frame_free(&pool, held[i]);
    }
    frame_cache_get_stats(&pool, 0, &c);
    assert_int_equal(c.frees, 4 * FRAME_CACHE_BATCH);
    assert_int_equal(c.frees_locked, spills);
    assert_in_range(spills, 2, 3);
    assert_int_equal(c.cached, cached(0));
    frame_cache_get_stats(&pool, 1, &c);
    assert_int_equal(c.allocs + c.frees + c.allocs_locked + c.frees_locked + c.cached, 0);
    arena_destroy();
}

/*
 * Standard map; CPU 0 allocates 300 frames, CPU 1 frees the even ones, CPU 2 allocates 40.
 * Expect: in use is exactly what is held after each step, frames parked in caches 1 and 2
 * counting as free; a frame freed on another CPU than its own comes back out of that CPU.
 */
static void test_stats_exact_with_frames_parked(void **state)
{
    (void)state;
    std_pool(0);
    uint64_t out = 0;
    host_cpu_set(0);
    for (int i = 0; i < 300; i++, out++)
        held[i] = frame_alloc(&pool);
    check_stats(out * PAGE_SIZE);
    host_cpu_set(1);
    for (int i = 0; i < 300; i += 2, out--)
        frame_free(&pool, held[i]);
    check_stats(out * PAGE_SIZE);
    /* 150 frees: one spill on the way if they pass the high mark */
    assert_int_equal(cached(1), 150 > FRAME_CACHE_HIGH ? 150 - FRAME_CACHE_BATCH : 150);
    assert_int_equal(frame_alloc(&pool), held[298]); /* the last one CPU 1 freed */
    frame_free(&pool, held[298]);
    host_cpu_set(2);
    for (int i = 300; i < 340; i++, out++)
        held[i] = frame_alloc(&pool);
    check_stats(out * PAGE_SIZE);
    host_cpu_set(0);
    arena_destroy();
}

/*
 *   20M [64 frames: 32 freed on CPU 1, 32 on CPU 2] 20M+256K, everything else handed out
 * Expect: a 64-frame run on CPU 0 finds them (both caches kicked and handed over) and lies in
 * that window; without a kick the caches are not reached, and the run fails after the wait.
 * Everything freed, reclaim gives all 60 MiB back to the list.
 */
static void test_runs_and_reclaim_reach_parked_frames(void **state)
{
    (void)state;
    for (int kick = 1; kick >= 0; kick--) {
        std_pool(0);
        frame_set_kick(&pool, kick ? kick_now : NULL);
        host_cpu_set(0);
        size_t n = hold_all();
        assert_int_equal(n, STD_FREE_FRAMES);
        for (int i = 0; i < 64; i++) {
            host_cpu_set(1 + i % 2);
            frame_free(&pool, 20 * MiB + i * PAGE_SIZE);
        }
        host_cpu_set(0);
        kicks = 0;
        phys_addr_t run = frame_alloc_run(&pool, 64, 64 * PAGE_SIZE, 0, 0);
        if (!kick) {
            assert_int_equal(run, PHYS_NONE);
            arena_destroy();
            continue;
        }
        assert_int_equal(run, 20 * MiB);
        assert_int_equal(kicks, 2);
        frame_free_run(&pool, run, 64);
        for (size_t i = 0; i < n; i++)
            if (held[i] < 20 * MiB || held[i] >= 20 * MiB + 64 * PAGE_SIZE) {
                host_cpu_set(i % 3);
                frame_free(&pool, held[i]);
            }
        host_cpu_set(0);
        check_stats(0);
        frame_reclaim(&pool);
        struct frame_stats s;
        frame_get_stats(&pool, &s);
        assert_int_equal(s.unseeded, 60 * MiB);
        assert_int_equal(cached(1) + cached(2), 0);
        arena_destroy();
    }
}

/*
 * Standard map; CPU 1 holds freed frames in its cache. Expect: an allocation on CPU 0 that runs
 * out of memory gets them through the kick, so every free frame (15,360 less the one the
 * FRAME_CHECK bitmap takes) is handed out once, wherever it was parked.
 */
static void test_exhaustion_reaches_parked_frames(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK);
    frame_set_kick(&pool, kick_now);
    host_cpu_set(1);
    for (int i = 0; i < 100; i++)
        held[i] = frame_alloc(&pool);
    for (int i = 0; i < 100; i++)
        frame_free(&pool, held[i]);
    assert_true(cached(1) >= 100);
    host_cpu_set(0);
    size_t n = hold_all();
    assert_int_equal(n, STD_FREE_FRAMES - 1);
    assert_int_equal(cached(1), 0);
    check_stats(n * PAGE_SIZE);
    arena_destroy();
}

/*
 * Standard pool; CPU 1 allocates one frame (held[0]), so its cache holds the rest of a batch
 * (*n frames), and a collector has asked it for them. Runs as CPU 1. Return: CPU 1's cache.
 */
static struct frame_cache *cpu1_asked(uint32_t *n)
{
    std_pool(0);
    host_cpu_set(1);
    held[0] = frame_alloc(&pool);
    *n = cached(1);
    struct frame_cache *c = &pool.caches[1];
    __atomic_store_n(&c->asked, 1, __ATOMIC_RELEASE);
    return c;
}

/*
 * An NMI that arrives while its CPU is changing its cache (busy) leaves the cache alone, and the
 * CPU hands it over as soon as it is done (its next frame call's end here).
 */
static void test_busy_cpu_hands_over_when_done(void **state)
{
    (void)state;
    uint32_t n;
    struct frame_cache *c = cpu1_asked(&n);
    c->busy = 1;
    assert_true(frame_cache_nmi(&pool, 0));
    assert_true(frame_cache_nmi(&pool, (uintptr_t)&frame_alloc + 1)); /* in a fast path: left be */
    assert_int_equal(c->asked, 1);
    assert_int_equal(cached(1), n);
    c->busy = 0;
    frame_free(&pool, held[0]); /* into the cache, then the hand-over at its end */
    assert_int_equal(c->asked, 0);
    assert_int_equal(c->handed, n + 1);
    assert_int_equal(cached(1), 0);
    check_stats(0);
    host_cpu_set(0);
    assert_false(frame_cache_nmi(&pool, 0)); /* nobody asked CPU 0 */
    frame_settle(&pool);
    assert_int_equal(c->handed, 0);
    check_stats(0);
    arena_destroy();
}

/*
 * CPU 1 holds frames and is asked, not busy. Expect: an NMI whose RIP lies inside frame_free()
 * (the frame_fast section) leaves the cache alone; one from frame_cache_drain() (outside it)
 * hands it over.
 */
static void test_nmi_rip_in_fast_path_leaves_cache(void **state)
{
    (void)state;
    uint32_t n;
    struct frame_cache *c = cpu1_asked(&n);
    assert_true(frame_cache_nmi(&pool, (uintptr_t)&frame_free + 4));
    assert_int_equal(c->asked, 1);
    assert_int_equal(cached(1), n);
    assert_true(frame_cache_nmi(&pool, (uintptr_t)&frame_cache_drain + 4));
    assert_int_equal(c->asked, 0);
    assert_int_equal(c->handed, n);
    frame_free(&pool, held[0]);
    host_cpu_set(0);
    frame_settle(&pool);
    check_stats(0);
    arena_destroy();
}

/*
 * A kick that never reaches its CPU (CPU 1 holds 255 cached frames, its NMI is lost every time),
 * the patience shortened to 2^14 spins. Expect: a run that needs every frame panics naming CPU 1
 * instead of failing while frames sit cached; the same run with a kick that works succeeds.
 */
static unsigned lost_kicks;
static void kick_lost(struct frame_pool *p, unsigned cpu)
{
    (void)p;
    (void)cpu;
    lost_kicks++;
}

static void test_cpu_that_never_answers_panics(void **state)
{
    (void)state;
    for (int works = 0; works <= 1; works++) {
        std_pool(0);
        pool.patience = 1u << 14;
        frame_set_kick(&pool, works ? kick_now : kick_lost);
        host_cpu_set(0);
        assert_int_equal(hold_all(), STD_FREE_FRAMES);
        host_cpu_set(1);
        for (int i = 0; i < 64; i++)
            frame_free(&pool, held[i]);
        host_cpu_set(0);
        lost_kicks = 0;
        if (!works) {
            expect_panic(frame_alloc_run(&pool, 64, 0, 0, 0));
            assert_non_null(strstr(panic_message(), "CPU 1 has not handed over"));
            assert_int_equal(lost_kicks, 1 + (1u << 14) / (1u << 12) - 1);
        } else {
            phys_addr_t run = frame_alloc_run(&pool, 64, 0, 0, 0);
            assert_int_not_equal(run, PHYS_NONE);
        }
        arena_destroy();
    }
}

/*
 * FRAME_CHECK: a frame allocated on CPU 0 and freed on CPU 1 sits in CPU 1's cache; freeing it
 * again on CPU 2 panics as a double free, as does freeing a frame CPU 0's cache holds but never
 * handed out. FRAME_POISON: a write to a frame parked in CPU 1's cache is caught when CPU 1 hands
 * it out again; frames moving cache -> stack -> cache on many CPUs raise no false alarm.
 */
static void test_checks_on_every_cpu(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK | FRAME_POISON);
    host_cpu_set(0);
    phys_addr_t a = frame_alloc(&pool);
    host_cpu_set(1);
    frame_free(&pool, a);
    host_cpu_set(2);
    expect_panic(frame_free(&pool, a));
    assert_non_null(strstr(panic_message(), "double free"));
    host_cpu_set(0);
    phys_addr_t next = pool.caches[0].frames[cached(0) - 1] & ~(phys_addr_t)(PAGE_SIZE - 1);
    expect_panic(frame_free(&pool, next));
    assert_non_null(strstr(panic_message(), "double free"));

    host_cpu_set(1);
    ((volatile char *)phys_to_virt(a))[100] = 1;
    expect_panic(frame_alloc(&pool));
    assert_non_null(strstr(panic_message(), "written after it was freed"));

    std_pool(FRAME_CHECK | FRAME_POISON);
    frame_set_kick(&pool, kick_now);
    for (int round = 0; round < 4; round++) {
        for (int i = 0; i < 1000; i++) {
            host_cpu_set((unsigned)(i + round) % 4);
            held[i] = frame_alloc(&pool);
            assert_int_not_equal(held[i], PHYS_NONE);
        }
        for (int i = 0; i < 1000; i++) {
            host_cpu_set((unsigned)(i * 7 + round) % 4);
            frame_free(&pool, held[i]);
        }
        host_cpu_set(round % 4);
        assert_int_not_equal(frame_alloc_run(&pool, 16, 0, 0, 0), PHYS_NONE);
    }
    check_stats(4 * 16 * PAGE_SIZE);
    host_cpu_set(0);
    arena_destroy();
}

/*
 * FRAME_CHECK | FRAME_POISON with caches: frames go stack -> cache -> stack through spills and
 * drains, twice, then the stack's next slot is overwritten with a misaligned value. Expect: no
 * false alarm on the way; the refill that meets the bad slot panics naming it; a cache entry
 * overwritten with a frame still handed out panics when the cache hands it out.
 */
static void test_corruption_caught_through_caches(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK | FRAME_POISON);
    host_cpu_set(0);
    for (uint64_t i = 0; i < 2 * FRAME_CACHE_HIGH; i++)
        held[i] = frame_alloc(&pool); /* poison of cursor, slot and head frames verified */
    for (uint64_t i = 0; i < 2 * FRAME_CACHE_HIGH; i++)
        frame_free(&pool, held[i]); /* spills on the way */
    frame_cache_drain(&pool);
    assert_int_equal(cached(0), 0);
    for (uint64_t i = 0; i < 2 * FRAME_CACHE_HIGH; i++)
        held[i] = frame_alloc(&pool); /* back out of the stack, through the cache */
    for (uint64_t i = 0; i < 2 * FRAME_CACHE_HIGH; i++)
        frame_free(&pool, held[i]);
    frame_cache_drain(&pool);
    struct frame_batch *batch = pool.top;
    assert_true(batch->count > 0);
    batch->frames[batch->count - 1] = 0x1234567; /* the next frame a refill pops */
    expect_panic(frame_alloc(&pool));
    assert_non_null(strstr(panic_message(), "0x1234567"));
    assert_non_null(strstr(panic_message(), "misaligned"));

    std_pool(FRAME_CHECK);
    phys_addr_t out = frame_alloc(&pool);
    pool.caches[0].frames[cached(0) - 1] = out;
    expect_panic(frame_alloc(&pool));
    assert_non_null(strstr(panic_message(), "already in use"));
    arena_destroy();
}

/*
 * CPU 1 holds frames; asked, its NMI hands them over (handed = n) before a hand-over its own code
 * had already decided on runs (the NMI came in that call's prologue, before the busy mark).
 * Expect: the late hand-over changes nothing -- handed still n, no frame lost.
 */
static void test_late_hand_over_changes_nothing(void **state)
{
    (void)state;
    uint32_t n;
    struct frame_cache *c = cpu1_asked(&n);
    assert_true(frame_cache_nmi(&pool, 0));
    assert_int_equal(c->handed, n);
    frame_cache_hand_over_marked(c);
    assert_int_equal(c->handed, n);
    assert_int_equal(c->busy, 0);
    frame_free(&pool, held[0]);
    check_stats(0);
    host_cpu_set(0);
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refill_and_spill_at_their_marks),
        cmocka_unit_test(test_hit_counters),
        cmocka_unit_test(test_stats_exact_with_frames_parked),
        cmocka_unit_test(test_runs_and_reclaim_reach_parked_frames),
        cmocka_unit_test(test_exhaustion_reaches_parked_frames),
        cmocka_unit_test(test_busy_cpu_hands_over_when_done),
        cmocka_unit_test(test_nmi_rip_in_fast_path_leaves_cache),
        cmocka_unit_test(test_cpu_that_never_answers_panics),
        cmocka_unit_test(test_checks_on_every_cpu),
        cmocka_unit_test(test_corruption_caught_through_caches),
        cmocka_unit_test(test_late_hand_over_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
