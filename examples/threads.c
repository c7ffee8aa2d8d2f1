/* SPDX-License-Identifier: 0BSD */
/*
 * Two host threads standing for two CPUs share one pool: each allocates and frees through its own
 * per-CPU cache with no lock, the shared stack only once a batch. No NMI here, so each thread
 * hands its cache back with frame_cache_drain() before it ends (a CPU going offline does the
 * same); otherwise those frames would sit unused until the thread's CPU next touches the pool.
 * A kernel with SMP must also give the pool a kick (frame_set_kick(): an NMI that calls
 * frame_cache_nmi()), so a run request can take frames parked in a busy CPU's cache
 * (docs/reuse.md "SMP"). Exits non-zero if a frame is ever handed to both threads at once.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <frame64/frame.h>

#include "port/host_port.h"

#define RAM_BASE (16 * MiB) /* one range of RAM, above the ISA zone */
#define RAM_SIZE (32 * MiB)
#define HOLD     1000 /* frames a thread holds at its peak */
#define ROUNDS   200

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static unsigned char owner[RAM_SIZE / PAGE_SIZE]; /* who holds each frame: 0 nobody, cpu + 1 */
static unsigned long clashes;

static void *cpu_thread(void *arg)
{
    unsigned cpu = (unsigned)(uintptr_t)arg;
    host_cpu_set(cpu); /* this thread is CPU cpu from now on: arch_cpu_index() says so */
    static _Thread_local phys_addr_t held[HOLD];
    for (int round = 0; round < ROUNDS; round++) {
        for (int i = 0; i < HOLD; i++) {
            held[i] = frame_alloc(&pool);
            unsigned char none = 0;
            if (held[i] == PHYS_NONE ||
                !__atomic_compare_exchange_n(&owner[(held[i] - RAM_BASE) / PAGE_SIZE], &none,
                                             cpu + 1, false, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
                __atomic_fetch_add(&clashes, 1, __ATOMIC_RELAXED);
        }
        for (int i = 0; i < HOLD; i++) {
            if (held[i] == PHYS_NONE)
                continue;
            __atomic_store_n(&owner[(held[i] - RAM_BASE) / PAGE_SIZE], 0, __ATOMIC_RELAXED);
            frame_free(&pool, held[i]);
        }
    }
    struct frame_cache *c = &pool.caches[cpu]; /* private: read only to show what is parked */
    printf("CPU %u: %d frames allocated and freed, %u parked in its cache; draining\n", cpu,
           ROUNDS * HOLD, c->count);
    frame_cache_drain(&pool);
    return NULL;
}

int main(void)
{
    if (CPU_MAX < 2) {
        printf("CPU_MAX is %u: nothing to share\n", (unsigned)CPU_MAX);
        return 0;
    }
    region_init(&list, "memory", storage, REGION_STATIC_CAPACITY);
    if (host_phys_back(RAM_BASE, RAM_BASE + RAM_SIZE) != K_OK ||
        region_add(&list, RAM_BASE, RAM_BASE + RAM_SIZE) != K_OK ||
        frame_init(&pool, &list, FRAME_CHECK) != K_OK)
        return 2;
    struct frame_stats before, after;
    frame_get_stats(&pool, &before);
    pthread_t t[2];
    for (unsigned cpu = 0; cpu < 2; cpu++)
        pthread_create(&t[cpu], NULL, cpu_thread, (void *)(uintptr_t)cpu);
    for (unsigned cpu = 0; cpu < 2; cpu++)
        pthread_join(t[cpu], NULL);
    frame_get_stats(&pool, &after);
    frame_print_stats(&pool);
    /* Drained, every free frame is on the shared stack, so a run may have all of them. */
    phys_addr_t run = frame_alloc_run(&pool, (after.stacked + after.unseeded) / PAGE_SIZE, 0, 0, 0);
    printf("frames handed to both threads at once: %lu; run of all free memory at 0x%lx\n", clashes,
           run);
    bool ok = clashes == 0 && after.in_use == 0 &&
              after.stacked + after.unseeded == before.stacked + before.unseeded &&
              run != PHYS_NONE;
    printf("%s\n", ok ? "ok" : "FAILED");
    host_phys_release();
    return ok ? 0 : 1;
}
