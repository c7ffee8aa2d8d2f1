/* SPDX-License-Identifier: 0BSD */
/*
 * How fast an address space gives its frames back when it is destroyed (issue 9's "frames per
 * second returned at teardown"): vmspace_destroy() over the real frame manager (per-CPU caches,
 * no checks, as in a release kernel) on the host arena. Two shapes, each one area touched by
 * write faults and then destroyed, medians of several repetitions:
 *
 *   dense  : 64 MiB touched page by page: 16,384 leaves, 32 page tables
 *   sparse : one page in every 2 MiB over 1 GiB (the `sparse` program): 512 leaves, 512 tables
 *
 * The flush callback does nothing (one CPU, no TLB): what is timed is the walk and the frees.
 * `bench_teardown --smoke` runs one small repetition and checks every frame came back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/phys.h>
#include <frame64/vmspace.h>

#include "arena.h"
#include "frame_counts.h"
#include "bench.h"

#define RAM           (256 * MiB)
#define TEARDOWN_REPS 9

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static struct vmspace_env env;

static void no_flush(void *ctx, const struct vmspace_flush *f)
{
    (void)ctx, (void)f;
}

static uint64_t in_use(void)
{
    return frames_in_use(&pool);
}

/* One space of the shape, destroyed. Return: ns the destroy took; *frames: what it gave back. */
static double one(uint64_t span, uint64_t stride, uint64_t *frames)
{
    struct vmspace s;
    uint64_t before = in_use();
    if (vmspace_create(&s, &env) != K_OK) {
        fprintf(stderr, "bench_teardown: cannot create a space\n");
        exit(1);
    }
    if (vmspace_map_anon(&s, 1 * GiB, span, VM_READ | VM_WRITE | VM_USER) != K_OK) {
        fprintf(stderr, "bench_teardown: cannot map the area\n");
        exit(1);
    }
    for (uint64_t va = 1 * GiB; va < 1 * GiB + span; va += stride) /* a write fault per page */
        if (vmspace_fault(&s, va, VM_WRITE) != K_OK) {
            fprintf(stderr, "bench_teardown: out of memory building the space\n");
            exit(1);
        }
    *frames = in_use() - before;
    uint64_t t0 = now_ns();
    vmspace_destroy(&s);
    double ns = (double)(now_ns() - t0);
    if (in_use() != before) {
        fprintf(stderr, "bench_teardown: %llu frames not given back\n",
                (unsigned long long)(in_use() - before));
        exit(1);
    }
    return ns;
}

int main(int argc, char **argv)
{
    bool smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    arena_create(RAM);
    region_init(&list, "bench", storage, REGION_STATIC_CAPACITY);
    if (region_set(&list, 0, 1 * MiB, REGION_LOWMEM) ||
        region_set(&list, 1 * MiB, RAM, REGION_FREE) || frame_init(&pool, &list, 0)) {
        fprintf(stderr, "bench_teardown: cannot set up the pool\n");
        return 1;
    }
    phys_addr_t template = frame_alloc_zeroed(&pool); /* an empty kernel half */
    if (vmspace_env_init(&env, &pool, template, 0, no_flush, NULL) != K_OK)
        return 1;
    static const struct {
        const char *name;
        uint64_t span, stride;
    } shapes[] = {{"dense 64 MiB", 64 * MiB, PAGE_SIZE},
                  {"sparse 1 GiB / 2 MiB", 1 * GiB, 2 * MiB}};
    printf("bench_teardown: vmspace_destroy() over the frame manager (release flags, per-CPU "
           "caches), host arena\n%-22s %10s %12s %12s\n",
           "shape", "frames", "ns/frame", "Mframes/s");
    for (size_t k = 0; k < ARRAY_SIZE(shapes); k++) {
        double t[TEARDOWN_REPS];
        uint64_t frames = 0;
        int reps = smoke ? 1 : TEARDOWN_REPS;
        uint64_t span = smoke ? shapes[k].span / 16 : shapes[k].span;
        for (int r = 0; r < reps; r++)
            t[r] = one(span, shapes[k].stride, &frames);
        double ns = median(t, reps) / (double)frames;
        printf("%-22s %10llu %12.1f %12.1f\n", shapes[k].name, (unsigned long long)frames, ns,
               1e3 / ns);
    }
    return 0;
}
