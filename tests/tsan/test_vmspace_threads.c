/* SPDX-License-Identifier: 0BSD */
/*
 * Address spaces of one env worked on by two CPUs at once (src/mm/vmspace*.c), under
 * ThreadSanitizer: the concurrency rule of include/frame64/vmspace.h is that the caller locks per
 * space only, so the env's counters and the frame_ref table must stand being changed from both.
 *
 * Each round, each thread (a CPU, host_cpu_set()) makes a parent space of 64 populated pages
 * holding its own pattern, forks it, and hands the child to the other thread through a mailbox (a
 * mutex: the hand-off is the lock a kernel would take for that process). Then, at the same time:
 * each thread writes into the other's child (copy-on-write faults on frames the other thread's
 * parent shares), checking it first reads the other's pattern, and destroys it; and writes into
 * its own parent (copies, or takes frames back once the child is gone), checking its own
 * pattern. At the end the env holds no frame, frame_ref nothing, the pool is as it started.
 * Exits 0 when all holds; prints what failed and exits 1 otherwise (TSan reports races itself).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/cpu_local.h>
#include <frame64/frame.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/vmspace.h>

#include "arena.h"
#include "frame_counts.h"
#include "tsan_check.h"

#define THREADS  2
#define ROUNDS   500
#define PAGES    64
#define BASE     ((uint64_t)4 * MiB)
#define RAM      (64 * MiB)
#define TEMPLATE ((phys_addr_t)1 * MiB)
#define RW       (VM_READ | VM_WRITE | VM_USER)

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static struct vmspace_env env;
static int failed;
static uint64_t flushes;
static pthread_barrier_t barrier;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct vmspace *child; /* handed to this thread, NULL until then */
} mailbox[THREADS];

static void flush(void *ctx, const struct vmspace_flush *f)
{
    (void)ctx;
    (void)f;
    __atomic_fetch_add(&flushes, 1, __ATOMIC_RELAXED);
}

static uint8_t *byte_at(const struct vmspace *s, uint64_t va)
{
    return (uint8_t *)phys_to_virt(vmspace_translate(s, va, NULL)) + va % PAGE_SIZE;
}

/* What thread id's parent of round r holds at page i (bytes 0 and 100). */
static uint8_t pattern(unsigned id, unsigned r, unsigned i)
{
    return (uint8_t)(id * 101 + r * 7 + i + 1);
}

/* A write by a program: the fault (copy-on-write), then the store. */
static void write_byte(struct vmspace *s, uint64_t va, uint8_t v, unsigned id)
{
    int err = vmspace_fault(s, va, VM_WRITE | VM_USER);
    CHECK(err == K_OK, "thread %u: write fault at 0x%lx: %d", id, va, err);
    if (err == K_OK)
        *byte_at(s, va) = v;
}

static void post(unsigned to, struct vmspace *child)
{
    pthread_mutex_lock(&mailbox[to].lock);
    mailbox[to].child = child;
    pthread_cond_signal(&mailbox[to].cond);
    pthread_mutex_unlock(&mailbox[to].lock);
}

static struct vmspace *receive(unsigned id)
{
    pthread_mutex_lock(&mailbox[id].lock);
    while (!mailbox[id].child)
        pthread_cond_wait(&mailbox[id].cond, &mailbox[id].lock);
    struct vmspace *c = mailbox[id].child;
    mailbox[id].child = NULL;
    pthread_mutex_unlock(&mailbox[id].lock);
    return c;
}

static void *worker(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg, other = (id + 1) % THREADS;
    struct vmspace parent, child;
    host_cpu_set(id);
    for (unsigned r = 0; r < ROUNDS; r++) {
        CHECK(vmspace_create(&parent, &env) == K_OK, "thread %u: create", id);
        CHECK(vmspace_map_anon(&parent, BASE, PAGES * PAGE_SIZE, RW | VM_POPULATE) == K_OK,
              "thread %u: map", id);
        for (unsigned i = 0; i < PAGES; i++)
            *byte_at(&parent, BASE + i * PAGE_SIZE) = pattern(id, r, i);
        CHECK(vmspace_create(&child, &env) == K_OK, "thread %u: create child", id);
        CHECK(vmspace_fork(&child, &parent) == K_OK, "thread %u: fork", id);
        post(other, &child);

        struct vmspace *theirs = receive(id);
        for (unsigned i = 0; i < PAGES; i += 2) {
            uint64_t va = BASE + i * PAGE_SIZE;
            CHECK(*byte_at(theirs, va) == pattern(other, r, i), "thread %u: child page %u", id, i);
            write_byte(theirs, va + 100, 0xee, id);
        }
        vmspace_destroy(theirs);

        for (unsigned i = 0; i < PAGES; i++) {
            uint64_t va = BASE + i * PAGE_SIZE;
            write_byte(&parent, va + 100, pattern(id, r, i), id);
            CHECK(*byte_at(&parent, va) == pattern(id, r, i), "thread %u: parent page %u", id, i);
        }
        vmspace_destroy(&parent);
        pthread_barrier_wait(&barrier); /* our child is destroyed before its struct is reused */
    }
    return NULL;
}

int main(void)
{
    arena_create(RAM);
    region_init(&list, "tsan", storage, REGION_STATIC_CAPACITY);
    uint64_t *k = phys_to_virt(TEMPLATE);
    for (unsigned i = 0; i < 512; i++)
        k[i] = i < VMSPACE_KERNEL_FIRST ? 0 : (TEMPLATE + (i - 255) * PAGE_SIZE) | PTE_PRESENT;
    if (region_set(&list, 0, 1 * MiB, REGION_LOWMEM) ||
        region_set(&list, 1 * MiB, 2 * MiB, REGION_KERNEL) ||
        region_set(&list, 2 * MiB, RAM, REGION_FREE) ||
        frame_init(&pool, &list, FRAME_CHECK | FRAME_POISON) ||
        vmspace_env_init(&env, &pool, TEMPLATE, VMSPACE_NX, flush, NULL)) {
        fprintf(stderr, "test_vmspace_threads: set-up failed\n");
        return 1;
    }
    uint64_t in_use = frames_in_use(&pool);
    pthread_t t[THREADS];
    pthread_barrier_init(&barrier, NULL, THREADS);
    for (unsigned i = 0; i < THREADS; i++) {
        pthread_mutex_init(&mailbox[i].lock, NULL);
        pthread_cond_init(&mailbox[i].cond, NULL);
    }
    for (unsigned i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    struct vmspace_env_stats e;
    vmspace_env_get_stats(&env, &e);
    CHECK(e.frames == 0 && e.shared == 0 && e.share_frames == 0,
          "left over: %lu frames, %lu shared, %lu frame_ref frames", e.frames, e.shared,
          e.share_frames);
    CHECK(frames_in_use(&pool) == in_use, "pool: %lu in use, %lu before", frames_in_use(&pool),
          in_use);
    printf("test_vmspace_threads: %u threads x %u rounds of fork, CoW and destroy; %lu flushes; "
           "%s\n",
           THREADS, ROUNDS, __atomic_load_n(&flushes, __ATOMIC_RELAXED), failed ? "FAILED" : "ok");
    return failed;
}
