/* SPDX-License-Identifier: 0BSD */
/*
 * The page-frame manager (src/mm/frame.c) on the sparse test arena: lazy seeding, LIFO order,
 * the low-memory policy, runs, exhaustion, invalid frees, poisoning, stats, and the batched
 * stack against the linked one. Most tests use this 64 MiB map:
 *
 *   0    1M   2M       4M                             40M  41M              64M
 *   |low |free| kernel |            free               | fw |      free       |
 *
 * 60 MiB free (1 + 36 + 23), 4 MiB reserved.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/phys.h>

#include "arena.h"
#include "host_support.h"

struct range {
    phys_addr_t base, end;
    uint32_t tag;
};

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;

static const struct range std_map[] = {
    {0, 1 * MiB, REGION_LOWMEM},           {1 * MiB, 2 * MiB, REGION_FREE},
    {2 * MiB, 4 * MiB, REGION_KERNEL},     {4 * MiB, 40 * MiB, REGION_FREE},
    {40 * MiB, 41 * MiB, REGION_FIRMWARE}, {41 * MiB, 64 * MiB, REGION_FREE},
};
#define STD_FREE_FRAMES (60 * MiB / PAGE_SIZE)

static void make_map(uint64_t arena, const struct range *r, size_t n, size_t capacity)
{
    arena_create(arena);
    region_init(&list, "test", storage, capacity);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(region_set(&list, r[i].base, r[i].end, r[i].tag), K_OK);
}

static void std_pool(unsigned flags)
{
    make_map(64 * MiB, std_map, ARRAY_SIZE(std_map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, flags), K_OK);
}

static uint32_t tag_at(phys_addr_t pa)
{
    const struct region *r = region_lookup(&list, pa);
    return r ? r->tag : 0xffffffffu;
}

/* Stats must add up and in_use must match what the test holds. */
static void check_stats(uint64_t held_bytes)
{
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.total, s.stacked + s.unseeded + s.reserved + s.in_use);
    assert_int_equal(s.in_use, held_bytes);
}

/* Asserts the last panic message names pa (as 0x...) and contains what. */
static void assert_panic_names(phys_addr_t pa, const char *what)
{
    char addr[32];
    snprintf(addr, sizeof(addr), "0x%lx", (unsigned long)pa);
    if (!strstr(panic_message(), addr) || !strstr(panic_message(), what))
        fail_msg("panic \"%s\" does not name %s and \"%s\"", panic_message(), addr, what);
}

static phys_addr_t held[STD_FREE_FRAMES + 1];

/*
 *   0 ............ 3G [fw 3G..4G] 4G ............................................ 1T
 *   |low| free        |  firmware |                 free                          |
 * Expect: frame_init touches no page of the terabyte; 1000 allocations from the cursor touch
 * none either; 511 frees touch only the one frame that became the head batch (itself + 510
 * entries), the 512th becomes a second head; allocating them back touches nothing new. With
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
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    assert_int_equal(arena_resident(0, 1 * TiB), 0);

    const phys_addr_t top = 1 * TiB - 8 * MiB;
    for (int i = 0; i < 1000; i++)
        held[i] = frame_alloc(&pool);
    assert_int_equal(held[0], 1 * TiB - PAGE_SIZE);
    assert_int_equal(held[999], 1 * TiB - 1000 * PAGE_SIZE);
    assert_int_equal(arena_resident(top, 1 * TiB), 0);
    check_stats(1000 * PAGE_SIZE);

    for (int i = 0; i < 511; i++)
        frame_free(&pool, held[i]);
    assert_int_equal(arena_resident(top, 1 * TiB), 1);
    assert_int_equal(arena_resident(held[0], held[0] + PAGE_SIZE), 1);
    frame_free(&pool, held[511]);
    assert_int_equal(arena_resident(top, 1 * TiB), 2);
    assert_int_equal(arena_resident(held[511], held[511] + PAGE_SIZE), 1);
    for (int i = 0; i < 512; i++)
        assert_int_not_equal(frame_alloc(&pool), PHYS_NONE);
    assert_int_equal(arena_resident(0, 1 * TiB), 2);
    check_stats(1000 * PAGE_SIZE);

    /* FRAME_CHECK zeroes its bitmap (1 bit per frame: 32 MiB here) and nothing else. */
    make_map(1 * TiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    assert_int_equal(pool.inuse_bytes, 32 * MiB);
    assert_int_equal(tag_at(pool.inuse_pa), REGION_META);
    assert_int_equal(arena_resident(0, 1 * TiB), 32 * MiB / PAGE_SIZE);
    assert_int_equal(arena_resident(pool.inuse_pa, pool.inuse_pa + 32 * MiB), 32 * MiB / PAGE_SIZE);
    arena_destroy();
}

/*
 * Standard map. Expect: frames come back in reverse order of their frees, across batch
 * boundaries too (600 frees > one batch of 510), in both the batched and the linked stack.
 */
static void test_lifo(void **state)
{
    (void)state;
    static const unsigned variants[] = {0, FRAME_LINKED, FRAME_CHECK | FRAME_POISON};
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
 * Standard map. Expect: after 15360 frames every allocation (single or run) returns
 * PHYS_NONE; freeing two frames makes exactly those two available again (LIFO), then none.
 */
static void test_exhaustion(void **state)
{
    (void)state;
    std_pool(0);
    uint64_t n = 0;
    while ((held[n] = frame_alloc(&pool)) != PHYS_NONE)
        n++;
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
 * Standard map with FRAME_CHECK; one frame allocated (64M - 4K), one freed again (64M - 8K),
 * a run at the top. Expect each invalid free to panic naming its address and what is wrong:
 * misaligned, outside RAM, the kernel, the firmware hole, low memory, a double free, a frame
 * the cursor never handed out, a frame still free in the list, a run frame, PHYS_NONE.
 */
static void test_invalid_frees_panic(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK);
    phys_addr_t a = frame_alloc(&pool), b = frame_alloc(&pool);
    frame_free(&pool, b);
    phys_addr_t run = frame_alloc_run(&pool, 4, 0, 0, 0);
    check_stats(PAGE_SIZE + 4 * PAGE_SIZE);
    struct {
        phys_addr_t pa;
        const char *what;
    } bad[] = {
        {a + 1, "misaligned"},
        {64 * MiB, "outside RAM"},
        {1 * TiB, "outside RAM"},
        {3 * MiB, "kernel"},
        {40 * MiB + 8 * KiB, "reserved range [0x2800000, 0x2900000)"},
        {512 * KiB, "reserved range [0x0, 0x100000)"},
        {b, "double free"},
        {b - PAGE_SIZE, "never allocated"},
        {30 * MiB, "free in the region list"},
        {run + PAGE_SIZE, "frame_free_run"},
        {PHYS_NONE, "PHYS_NONE"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        expect_panic(frame_free(&pool, bad[i].pa));
        assert_panic_names(bad[i].pa, bad[i].what);
    }
    /* Nothing changed: the pool still works and adds up. */
    check_stats(PAGE_SIZE + 4 * PAGE_SIZE);
    frame_free(&pool, a);
    expect_panic(frame_free(&pool, a));
    assert_panic_names(a, "double free");
    expect_panic(frame_free_run(&pool, 30 * MiB, 2));
    assert_panic_names(30 * MiB, "not a run");
    frame_free_run(&pool, run, 4);
    check_stats(0);
}

/*
 * Standard map without FRAME_CHECK. Expect: the cheap checks still panic (misaligned, outside
 * RAM), a low frame that the list says is not ours panics (the check comes free there), and a
 * bad run free is reported with a message instead of a panic.
 */
static void test_release_checks(void **state)
{
    (void)state;
    std_pool(0);
    phys_addr_t a = frame_alloc(&pool);
    expect_panic(frame_free(&pool, a + 8));
    assert_panic_names(a + 8, "misaligned");
    expect_panic(frame_free(&pool, 64 * MiB));
    assert_panic_names(64 * MiB, "outside RAM");
    expect_panic(frame_free(&pool, 3 * MiB));
    assert_panic_names(3 * MiB, "kernel");
    expect_panic(frame_free(&pool, 8 * MiB));
    assert_panic_names(8 * MiB, "free in the region list");
    kprintf_reset();
    frame_free_run(&pool, 8 * MiB, 2);
    assert_non_null(strstr(kprintf_output(), "frame_free_run(0x800000, 2 frames): not a run"));
    assert_int_equal(tag_at(8 * MiB), REGION_FREE);
    check_stats(PAGE_SIZE);

    /*
     *   0    1M                16M
     *   |low |     free         |     the cursor's first chunk is [14M, 16M), below the limit
     * Expect: freeing a frame of that chunk the cursor has not handed out yet panics (the
     * region list alone would take it back as free while the cursor still holds it).
     */
    static const struct range low_map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {1 * MiB, 16 * MiB, REGION_FREE},
    };
    make_map(16 * MiB, low_map, ARRAY_SIZE(low_map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    assert_int_equal(frame_alloc(&pool), 16 * MiB - PAGE_SIZE);
    expect_panic(frame_free(&pool, 14 * MiB));
    assert_panic_names(14 * MiB, "never allocated");
    assert_int_equal(tag_at(14 * MiB), REGION_FRAMES);
    check_stats(PAGE_SIZE);
}

/*
 * Standard map with FRAME_POISON | FRAME_CHECK. Frames a..c freed, then written to:
 *   a: a slot of the head batch, written at offset 100  -> caught when a is reallocated
 *   head batch frame, written at offset 2000             -> caught when the head is handed out
 * Expect: panics naming the frame and the offset; clean frames pass; alloc_zeroed is zeroed.
 */
static void test_poison(void **state)
{
    (void)state;
    std_pool(FRAME_POISON | FRAME_CHECK);
    phys_addr_t h = frame_alloc(&pool), a = frame_alloc(&pool), c = frame_alloc(&pool);
    frame_free(&pool, h); /* becomes the head batch */
    frame_free(&pool, c);
    frame_free(&pool, a);
    uint8_t *va = phys_to_virt(a);
    assert_int_equal(va[0], FRAME_POISON_BYTE);
    assert_int_equal(va[PAGE_SIZE - 1], FRAME_POISON_BYTE);
    va[100] = 0;
    expect_panic(frame_alloc(&pool));
    assert_panic_names(a, "offset 100");
    assert_int_equal(frame_alloc(&pool), c); /* clean */

    ((uint8_t *)phys_to_virt(h))[2000] = 0x11;
    expect_panic(frame_alloc(&pool));
    assert_panic_names(h, "offset 2000");

    /* The linked stack: the frame is its own head, checked past its link. */
    std_pool(FRAME_POISON | FRAME_CHECK | FRAME_LINKED);
    h = frame_alloc(&pool);
    frame_free(&pool, h);
    ((uint8_t *)phys_to_virt(h))[4095] = 0x12;
    expect_panic(frame_alloc(&pool));
    assert_panic_names(h, "offset 4095");

    std_pool(FRAME_POISON);
    for (int i = 0; i < 20; i++)
        held[i] = frame_alloc(&pool);
    for (int i = 0; i < 20; i++)
        frame_free(&pool, held[i]);
    /* a batch frame whose slots were used and emptied is handed out clean (re-poisoned) */
    for (int i = 0; i < 20; i++)
        assert_int_not_equal(frame_alloc(&pool), PHYS_NONE);
    frame_free(&pool, held[5]);
    phys_addr_t z = frame_alloc_zeroed(&pool);
    assert_int_equal(z, held[5]);
    for (uint64_t i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(((uint8_t *)phys_to_virt(z))[i], 0);
}

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
static void random_walk(unsigned flags, phys_addr_t *log, size_t *nlog)
{
    std_pool(flags);
    rng_state = 0x9e3779b97f4a7c15ull;
    size_t nheld = 0;
    *nlog = 0;
    for (int step = 0; step < 20000; step++) {
        if (nheld && rng() % 100 < 45) {
            size_t i = rng() % nheld;
            frame_free(&pool, held[i]);
            held[i] = held[--nheld];
        } else {
            phys_addr_t pa = frame_alloc(&pool);
            assert_int_not_equal(pa, PHYS_NONE);
            held[nheld++] = log[(*nlog)++] = pa;
        }
        if (step % 97 == 0)
            check_stats(nheld * PAGE_SIZE);
    }
    check_stats(nheld * PAGE_SIZE);
}

/*
 * Standard map, 20000 random steps (55% alloc, 45% free of a random held frame).
 * Expect: the stats add up after every step checked, and the batched and the linked stack hand
 * out the very same frames in the same order (both are LIFO), so the same multiset.
 */
static void test_batched_and_linked_agree(void **state)
{
    (void)state;
    static phys_addr_t log_b[20000], log_l[20000];
    static const unsigned pairs[][2] = {{0, FRAME_LINKED},
                                        {FRAME_CHECK | FRAME_POISON, FRAME_CHECK | FRAME_LINKED}};
    for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
        size_t nb, nl;
        random_walk(pairs[i][0], log_b, &nb);
        random_walk(pairs[i][1], log_l, &nl);
        assert_int_equal(nb, nl);
        assert_true(nb > 10000);
        assert_memory_equal(log_b, log_l, nb * sizeof(log_b[0]));
    }
}

/*
 * Standard map. Expect: stats at init are exact (60 MiB unseeded, 3 MiB reserved: low 1 MiB and
 * the kernel; the 1 MiB firmware range at 40 MiB is not RAM and counts nowhere, so the total is
 * 63 MiB), follow each kind of step, count the FRAME_CHECK bitmap as reserved, print as one line.
 */
static void test_stats(void **state)
{
    (void)state;
    struct frame_stats s;
    std_pool(0);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.total, 63 * MiB);
    assert_int_equal(s.unseeded, 60 * MiB);
    assert_int_equal(s.reserved, 3 * MiB);
    assert_int_equal(s.stacked + s.in_use, 0);
    phys_addr_t a = frame_alloc(&pool);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.unseeded, 60 * MiB - PAGE_SIZE); /* the carved chunk still counts */
    frame_free(&pool, a);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, PAGE_SIZE);
    phys_addr_t run = frame_alloc_run(&pool, 256, 0, 0, 0);
    check_stats(1 * MiB);
    kprintf_reset();
    frame_print_stats(&pool);
    assert_string_equal(kprintf_output(), "frames: 63 MiB total, 59 MiB free (4 KiB stacked, "
                                          "58.9 MiB unseeded), 3 MiB reserved, 1 MiB in use\n");
    frame_free_run(&pool, run, 256);
    check_stats(0);

    std_pool(FRAME_CHECK); /* 64 MiB of frames: a 2 KiB bitmap in one page */
    frame_get_stats(&pool, &s);
    assert_int_equal(s.reserved, 3 * MiB + PAGE_SIZE);
    assert_int_equal(s.unseeded, 60 * MiB - PAGE_SIZE);
}

/*
 * Bad arguments. Expect: unknown flags -> K_EINVAL; a FRAME_CHECK bitmap of 8 pages (1 GiB of
 * addresses) with only 4-page free ranges -> K_ENOMEM; invalid run requests -> PHYS_NONE.
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
    assert_int_equal(frame_alloc_run(&pool, 5, 0, 0, 0), PHYS_NONE); /* no 5-frame run */
    assert_int_equal(frame_alloc_run(&pool, 4, 0, 0, 0), 1 * GiB - 16 * KiB);
    /* 8 singles left, from the top range down */
    assert_int_equal(frame_alloc(&pool), 512 * MiB + 12 * KiB);
    arena_destroy();
}

/*
 *   0 [low] 1M [free] 2M [kernel] 4M [free ........ 40M] [fw] 41M [free ........ 64M]
 * All frames handed out, then freed: those below 16M go back to the list, the rest sit on the
 * stack, so the list has no free range of 16 MiB.
 * Expect: with one frame still held, a 16 MiB run fails and leaves the list as it was; once that
 * frame is freed too the pool is idle, gives stack and cursor back in one retag, and the run
 * comes from the top of memory, [48M, 64M); the stack is then empty and the stats add up.
 */
static void test_idle_pool_gives_stack_back_for_runs(void **state)
{
    (void)state;
    static struct region before[REGION_STATIC_CAPACITY];
    std_pool(0);
    size_t n = 0;
    while ((held[n] = frame_alloc(&pool)) != PHYS_NONE)
        n++;
    assert_int_equal(n, STD_FREE_FRAMES);
    assert_int_equal(held[0], 64 * MiB - PAGE_SIZE);
    for (size_t i = 1; i < n; i++)
        frame_free(&pool, held[i]);

    size_t count = list.count;
    memcpy(before, list.regions, count * sizeof(before[0]));
    assert_int_equal(frame_alloc_run(&pool, 16 * MiB / PAGE_SIZE, 0, 0, 0), PHYS_NONE);
    assert_int_equal(list.count, count);
    assert_memory_equal(before, list.regions, count * sizeof(before[0]));

    frame_free(&pool, held[0]);
    phys_addr_t run = frame_alloc_run(&pool, 16 * MiB / PAGE_SIZE, 0, 0, 0);
    assert_int_equal(run, 48 * MiB);
    assert_int_equal(tag_at(47 * MiB), REGION_FREE);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, 0);
    check_stats(16 * MiB);
    frame_free_run(&pool, run, 16 * MiB / PAGE_SIZE);
    check_stats(0);
    assert_int_equal(frame_alloc(&pool), 64 * MiB - PAGE_SIZE); /* seeding starts afresh */
}

/*
 * FRAME_CHECK catches a corrupted free stack on allocation. Standard map, two frames freed so the
 * head batch holds them; then a slot is overwritten with (a) a misaligned value, (b) an address
 * past the end of RAM, (c) a frame that is still handed out.
 * Expect: each allocation that meets the bad slot panics naming the value and what is wrong.
 */
static void test_corrupted_stack_panics(void **state)
{
    (void)state;
    static const struct {
        phys_addr_t value; /* relative to `held` for (c) */
        const char *what;
    } cases[] = {{0x1234567, "misaligned"}, {1 * TiB, "outside RAM"}, {0, "already in use"}};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        std_pool(FRAME_CHECK);
        phys_addr_t a = frame_alloc(&pool), b = frame_alloc(&pool), c = frame_alloc(&pool);
        frame_free(&pool, a); /* a becomes the head batch */
        frame_free(&pool, b); /* b is its first slot */
        struct frame_batch *batch = phys_to_virt(a);
        assert_int_equal(batch->count, 1);
        phys_addr_t bad = cases[i].value ? cases[i].value : c;
        batch->frames[0] = bad;
        expect_panic(frame_alloc(&pool));
        assert_panic_names(bad, cases[i].what);
    }
}

/*
 *   1M [free] 2M  (hole)  4M [free] 8M
 * Expect: freeing a frame in the hole panics as "not RAM" (FRAME_CHECK); a map with no free
 * range at all starts with an empty bitmap and hands out nothing.
 */
static void test_hole_free_and_empty_map(void **state)
{
    (void)state;
    static const struct range map[] = {
        {1 * MiB, 2 * MiB, REGION_FREE},
        {4 * MiB, 8 * MiB, REGION_FREE},
    };
    make_map(8 * MiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    expect_panic(frame_free(&pool, 3 * MiB));
    assert_panic_names(3 * MiB, "not RAM");

    static const struct range none[] = {{0, 1 * MiB, REGION_LOWMEM}};
    make_map(8 * MiB, none, ARRAY_SIZE(none), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    assert_int_equal(frame_alloc(&pool), PHYS_NONE);
    check_stats(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_seeding),
        cmocka_unit_test(test_lifo),
        cmocka_unit_test(test_top_down_seeding),
        cmocka_unit_test(test_low_frames_return_to_list),
        cmocka_unit_test(test_low_free_falls_back_to_stack),
        cmocka_unit_test(test_runs_with_singles),
        cmocka_unit_test(test_idle_pool_gives_stack_back_for_runs),
        cmocka_unit_test(test_exhaustion),
        cmocka_unit_test(test_invalid_frees_panic),
        cmocka_unit_test(test_corrupted_stack_panics),
        cmocka_unit_test(test_hole_free_and_empty_map),
        cmocka_unit_test(test_release_checks),
        cmocka_unit_test(test_poison),
        cmocka_unit_test(test_batched_and_linked_agree),
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_init_and_request_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
