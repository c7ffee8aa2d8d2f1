/* SPDX-License-Identifier: 0BSD */
/*
 * What fork and copy-on-write cost (docs/address-spaces.md "Costs"): vmspace_fork() of a space
 * with N populated pages (one area, every page written), then a write to every page of the
 * child (each a copy-on-write fault that copies: the parent still owns the frame), then, with the
 * child destroyed, a write to every page of the parent (each a fault that takes the frame back
 * without copying: its other owner is gone). Over the real frame manager (per-CPU caches, no
 * checks) and frame_ref on the host arena; medians of several repetitions.
 *
 * The flush callback does nothing (one CPU, no TLB). `bench_fork --smoke` runs one small
 * repetition and checks every frame came back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/phys.h>
#include <frame64/vmspace.h>

#include "arena.h"
#include "bench.h"
#include "frame_counts.h"

#define RAM       (512 * MiB)
#define FORK_REPS 9
#define BASE      ((uint64_t)1 * GiB)
#define RW        (VM_READ | VM_WRITE | VM_USER)

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static struct vmspace_env env;

static void no_flush(void *ctx, const struct vmspace_flush *f)
{
    (void)ctx, (void)f;
}

static void must(int err, const char *what)
{
    if (err != K_OK) {
        fprintf(stderr, "bench_fork: %s: %s\n", what, vmspace_strerror(err));
        exit(1);
    }
}

/* Writes every page of [BASE, +pages) through the fault path. Return: ns per page. */
static double write_all(struct vmspace *s, uint64_t pages)
{
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < pages; i++)
        must(vmspace_fault(s, BASE + i * PAGE_SIZE, VM_WRITE | VM_USER), "write fault");
    return (double)(now_ns() - t0) / (double)pages;
}

/* One repetition: fork, copy faults, take-back faults. t[0..2] get their times. */
static void one(uint64_t pages, double t[3])
{
    struct vmspace parent, child;
    uint64_t before = frames_in_use(&pool);
    must(vmspace_create(&parent, &env), "create");
    must(vmspace_map_anon(&parent, BASE, pages * PAGE_SIZE, RW | VM_POPULATE), "map");
    must(vmspace_create(&child, &env), "create the child");
    uint64_t t0 = now_ns();
    must(vmspace_fork(&child, &parent), "fork");
    t[0] = (double)(now_ns() - t0);
    t[1] = write_all(&child, pages);
    vmspace_destroy(&child);
    t[2] = write_all(&parent, pages);
    vmspace_destroy(&parent);
    if (frames_in_use(&pool) != before) {
        fprintf(stderr, "bench_fork: %llu frames not given back\n",
                (unsigned long long)(frames_in_use(&pool) - before));
        exit(1);
    }
}

int main(int argc, char **argv)
{
    bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    arena_create(RAM);
    region_init(&list, "bench", storage, REGION_STATIC_CAPACITY);
    if (region_set(&list, 0, 1 * MiB, REGION_LOWMEM) ||
        region_set(&list, 1 * MiB, RAM, REGION_FREE) || frame_init(&pool, &list, 0)) {
        fprintf(stderr, "bench_fork: cannot set up the pool\n");
        return 1;
    }
    phys_addr_t template = frame_alloc_zeroed(&pool); /* an empty kernel half */
    if (vmspace_env_init(&env, &pool, template, 0, no_flush, NULL) != K_OK)
        return 1;
    static const uint64_t sizes[] = {64, 1024, 16384, 32768};
    printf("bench_fork: vmspace_fork() and copy-on-write faults (release flags, per-CPU caches, "
           "frame_ref), host arena, medians of %d\n%10s %12s %12s %14s %14s\n",
           smoke ? 1 : FORK_REPS, "pages", "fork us", "fork ns/pg", "CoW copy ns", "take-back ns");
    for (size_t k = 0; k < ARRAY_SIZE(sizes) && !(smoke && k > 1); k++) {
        double fork[FORK_REPS], copy[FORK_REPS], back[FORK_REPS];
        int reps = smoke ? 1 : FORK_REPS;
        double warm[3];
        if (!smoke)
            one(sizes[k], warm); /* the host's first touch of the arena is not the kernel's cost */
        for (int r = 0; r < reps; r++) {
            double t[3];
            one(sizes[k], t);
            fork[r] = t[0], copy[r] = t[1], back[r] = t[2];
        }
        double f = median(fork, reps);
        printf("%10llu %12.1f %12.1f %14.1f %14.1f\n", (unsigned long long)sizes[k], f / 1e3,
               f / (double)sizes[k], median(copy, reps), median(back, reps));
    }
    return 0;
}
