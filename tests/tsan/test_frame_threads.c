/* SPDX-License-Identifier: 0BSD */
/*
 * The frame manager's concurrent paths with real threads, run under ThreadSanitizer: each
 * thread stands for a CPU (host_cpu_set()) with its own cache, over one pool.
 *
 *   1M [free .......................... 255M] (256 MiB arena; the FRAME_CHECK bitmap in it)
 *
 * Phase 1: every thread allocates and frees in a random pattern, keeping up to 256 frames,
 * passing some to the next thread, which frees them (frees on another CPU than the
 * allocating one), and now and then takes and frees a 16-frame run (gathering every cache
 * while the others work). Phase 2: all threads exhaust memory together. An atomic
 * test-and-set bitmap says no frame is handed out twice; each run is checked the same way.
 * Phase 3: everything is freed and the caches drained: the counters must be back exactly, and
 * every free frame must have been handed out in phase 2.
 * Run twice: with FRAME_CHECK and FRAME_POISON, and ("fast") without, where the fast paths run.
 * Exits 0 when all holds; prints what failed and exits 1 otherwise (TSan reports races itself).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/cpu_local.h>
#include <frame64/frame.h>
#include <frame64/phys.h>

#include "arena.h"
#include "tsan_check.h"

#define THREADS  4
#define KEEP     256
#define OPS      60000
#define RAM      (256 * MiB)
#define MAX_HELD (RAM / PAGE_SIZE)

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static uint64_t owned[RAM / PAGE_SIZE / 64]; /* set while some thread holds the frame */
static pthread_barrier_t barrier;
static int failed;

/* A hand-off ring from thread i to thread i + 1. */
static struct {
    pthread_mutex_t lock;
    phys_addr_t frames[KEEP];
    unsigned n;
} mailbox[THREADS];

static phys_addr_t *exhausted[THREADS];
static uint64_t exhausted_n[THREADS];

static void take(phys_addr_t pa)
{
    uint64_t i = pa / PAGE_SIZE, bit = 1ull << (i % 64);
    CHECK(pa < RAM && pa % PAGE_SIZE == 0, "frame 0x%lx is not a frame of the arena", pa);
    uint64_t old = __atomic_fetch_or(&owned[i / 64], bit, __ATOMIC_RELAXED);
    CHECK(!(old & bit), "frame 0x%lx handed out twice", pa);
}

static void give(phys_addr_t pa)
{
    uint64_t i = pa / PAGE_SIZE;
    __atomic_fetch_and(&owned[i / 64], ~(1ull << (i % 64)), __ATOMIC_RELAXED);
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Frees what the previous CPU passed on to this one. */
static void empty_mailbox(unsigned cpu)
{
    pthread_mutex_lock(&mailbox[cpu].lock);
    while (mailbox[cpu].n) {
        phys_addr_t pa = mailbox[cpu].frames[--mailbox[cpu].n];
        give(pa);
        frame_free(&pool, pa);
    }
    pthread_mutex_unlock(&mailbox[cpu].lock);
}

static void churn(unsigned cpu, uint64_t *rng)
{
    phys_addr_t keep[KEEP];
    unsigned n = 0, next = (cpu + 1) % THREADS;
    for (int op = 0; op < OPS; op++) {
        uint64_t r = rnd(rng);
        if (r % 1000 == 0) { /* a run: all caches gathered while the others churn */
            phys_addr_t run = frame_alloc_run(&pool, 16, 0, 0, 0);
            CHECK(run != PHYS_NONE, "CPU %u: no 16-frame run", cpu);
            for (int i = 0; run != PHYS_NONE && i < 16; i++)
                take(run + i * PAGE_SIZE);
            for (int i = 0; run != PHYS_NONE && i < 16; i++)
                give(run + i * PAGE_SIZE);
            if (run != PHYS_NONE)
                frame_free_run(&pool, run, 16);
        } else if (n < KEEP && (n == 0 || r % 2)) {
            phys_addr_t pa = frame_alloc(&pool);
            CHECK(pa != PHYS_NONE, "CPU %u: out of frames while churning", cpu);
            if (pa != PHYS_NONE) {
                take(pa);
                keep[n++] = pa;
            }
        } else {
            unsigned j = (unsigned)(r >> 8) % n;
            phys_addr_t pa = keep[j];
            keep[j] = keep[--n];
            if (r % 4 == 0) { /* the next CPU frees this one */
                pthread_mutex_lock(&mailbox[next].lock);
                if (mailbox[next].n < KEEP) {
                    mailbox[next].frames[mailbox[next].n++] = pa;
                    pa = PHYS_NONE;
                }
                pthread_mutex_unlock(&mailbox[next].lock);
            }
            if (pa != PHYS_NONE) {
                give(pa);
                frame_free(&pool, pa);
            }
        }
        if (op % 64 == 0)
            empty_mailbox(cpu);
    }
    while (n) {
        give(keep[--n]);
        frame_free(&pool, keep[n]);
    }
}

static void *worker(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    uint64_t rng = 0x9E3779B97F4A7C15ull * (cpu + 1);
    host_cpu_set(cpu);
    churn(cpu, &rng);
    pthread_barrier_wait(&barrier); /* everything passed on is in a mailbox now */
    empty_mailbox(cpu);
    pthread_barrier_wait(&barrier);

    phys_addr_t pa; /* phase 2: exhaustion, together */
    while ((pa = frame_alloc(&pool)) != PHYS_NONE) {
        take(pa);
        exhausted[cpu][exhausted_n[cpu]++] = pa;
    }
    frame_cache_drain(&pool);
    pthread_barrier_wait(&barrier);

    for (uint64_t i = 0; i < exhausted_n[cpu]; i++) { /* phase 3: all back, on another CPU */
        give(exhausted[cpu][i]);
        frame_free(&pool, exhausted[cpu][i]);
    }
    frame_cache_drain(&pool);
    return NULL;
}

int main(int argc, char **argv)
{
    /* "fast": no checks, so the fast paths run; else FRAME_CHECK and FRAME_POISON on as well. */
    bool fast = argc > 1 && strcmp(argv[1], "fast") == 0;
    arena_create(RAM);
    region_init(&list, "tsan", storage, REGION_STATIC_CAPACITY);
    if (region_set(&list, 0, 1 * MiB, REGION_LOWMEM) ||
        region_set(&list, 1 * MiB, RAM, REGION_FREE) ||
        frame_init(&pool, &list, fast ? 0 : FRAME_CHECK | FRAME_POISON)) {
        fprintf(stderr, "cannot set up the pool\n");
        return 1;
    }
    struct frame_stats before, after;
    frame_get_stats(&pool, &before);
    pthread_barrier_init(&barrier, NULL, THREADS);
    pthread_t t[THREADS];
    for (unsigned i = 0; i < THREADS; i++) {
        pthread_mutex_init(&mailbox[i].lock, NULL);
        exhausted[i] = calloc(MAX_HELD, sizeof(phys_addr_t));
    }
    for (unsigned i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);

    uint64_t got = 0;
    for (unsigned i = 0; i < THREADS; i++)
        got += exhausted_n[i];
    frame_get_stats(&pool, &after);
    CHECK(got * PAGE_SIZE == before.stacked + before.unseeded,
          "exhaustion together handed out %lu frames of %lu free", got,
          (before.stacked + before.unseeded) / PAGE_SIZE);
    CHECK(after.in_use == 0 && after.total == before.total &&
              after.stacked + after.unseeded + after.reserved ==
                  before.stacked + before.unseeded + before.reserved,
          "counters after freeing all: in use %lu, free %lu (was %lu), reserved %lu (was %lu)",
          after.in_use, after.stacked + after.unseeded, before.stacked + before.unseeded,
          after.reserved, before.reserved);
    printf("frame threads (%s): %d CPUs x %d operations, then %lu frames exhausted together: %s\n",
           fast ? "no checks" : "FRAME_CHECK, FRAME_POISON", THREADS, OPS, got,
           failed ? "FAILED" : "ok");
    return failed;
}
