/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the benchmark's files: bench_frames.c (workloads 1-7 and main), bench_churn.c
 * (workload 8: runs after churn), bench_frag.c (fragmentation) and bench_util.c (maps, the
 * allocators under test, timing, statistics and the report).
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdio.h>

#include <frame64/frame.h>
#include <frame64/region.h>

#include "bitmap_alloc.h"
#include "linked_alloc.h"

#define INLINE  static inline __attribute__((always_inline))
#define REPS    7   /* measured repetitions per cell; a warm-up repetition precedes them */
#define BATCH   256 /* frame64 inits timed together (the bitmap's are slow enough alone) */
#define NKINDS  3
#define MAXREPS 16

enum kind { BITMAP, BATCHED, LINKED };
extern const char *const kind_name[NKINDS];

/* Sizes of each workload; --smoke shrinks them. */
struct bench_config {
    int reps;
    uint64_t lifo_pairs, random_ram, hole_cycles, worst_ram, worst_cycles_bitmap, worst_cycles;
    int init_batch, init_batch_bitmap;
    uint64_t churn_ram_small, churn_ram_large; /* workload 8 */
};
extern struct bench_config cfg;
extern bool smoke;
extern int check_failures;
extern volatile uint64_t sink; /* results flow here so no work can be optimised away */

/* A failed sanity check: reported, counted, and the run exits non-zero. */
#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK FAILED (%s:%d): ", __FILE__, __LINE__);                         \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

/* CLOCK_MONOTONIC in nanoseconds. Return: the time. */
uint64_t now_ns(void);
/* Fisher-Yates with a fixed-seed splitmix64, so every run shuffles the same way. */
void shuffle(phys_addr_t *v, uint64_t n);
/* The next shuffle() starts from the seed again (each subject of a comparison the same order). */
void shuffle_restart(void);
/* Sorts v. Return: its median. */
double median(double *v, int n);

/* The realistic firmware map with ram bytes of RAM (see bench_util.c), built into l. */
void map_build(struct region_list *l, struct region *storage, size_t cap, uint64_t ram);
/* Return: one past the highest byte of that map (the arena must cover it). */
uint64_t map_top(uint64_t ram);
/* Return: one past the highest free byte of that map. */
uint64_t ram_top(uint64_t ram);
/* Touches every free page of that map in the current arena, so no page fault is timed. */
void arena_prefault(uint64_t ram);

/* One allocator under test, with the region list it was started from. */
struct subject {
    enum kind kind;
    struct region_list list;
    struct region entries[REGION_STATIC_CAPACITY];
    struct frame_pool pool;
    struct bitmap_alloc bm;
    struct linked_alloc ll;
};

/* Bitmap storage of at least bytes, reused and touched once. Return: it. */
uint64_t *bitmap_storage(uint64_t bytes);
/* Starts s as kind over the map of ram bytes (release configuration: no frame64 checks). */
void subject_start(struct subject *s, enum kind kind, uint64_t ram);
/* The same, frame64 with frame_init() flags (FRAME_NO_AREAS: the stack without whole areas). */
void subject_start_flags(struct subject *s, enum kind kind, uint64_t ram, unsigned frame_flags);
/* Return: frames s can still hand out. */
uint64_t free_frames(struct subject *s);

/* The operations, inlined into each workload once per allocator (k a constant) so calls stay
 * direct. The linked list has no runs: the run workloads leave it out. */
INLINE phys_addr_t s_alloc(struct subject *s, enum kind k)
{
    return k == BITMAP   ? bitmap_alloc(&s->bm)
           : k == LINKED ? linked_alloc(&s->ll)
                         : frame_alloc(&s->pool);
}

INLINE void s_free(struct subject *s, enum kind k, phys_addr_t pa)
{
    if (k == BITMAP)
        bitmap_free(&s->bm, pa);
    else if (k == LINKED)
        linked_free(&s->ll, pa);
    else
        frame_free(&s->pool, pa);
}

INLINE phys_addr_t s_alloc_run(struct subject *s, enum kind k, uint64_t n, phys_addr_t max)
{
    return k == BITMAP ? bitmap_alloc_run(&s->bm, n, 0, max)
                       : frame_alloc_run(&s->pool, n, 0, max, 0);
}

/* A 2 MiB frame, 2 MiB aligned: frame_alloc_huge(), or the bitmap's aligned run search. */
INLINE phys_addr_t s_alloc_huge(struct subject *s, enum kind k)
{
    return k == BITMAP ? bitmap_alloc_run(&s->bm, FRAME_HUGE_SIZE / PAGE_SIZE, FRAME_HUGE_SIZE, 0)
                       : frame_alloc_huge(&s->pool);
}

/* Gives back a 2 MiB frame from s_alloc_huge(). */
INLINE void s_free_huge(struct subject *s, enum kind k, phys_addr_t pa)
{
    if (k == BITMAP)
        bitmap_free_run(&s->bm, pa, FRAME_HUGE_SIZE / PAGE_SIZE);
    else
        frame_free_huge(&s->pool, pa);
}

INLINE void s_free_run(struct subject *s, enum kind k, phys_addr_t pa, uint64_t n)
{
    if (k == BITMAP)
        bitmap_free_run(&s->bm, pa, n);
    else
        frame_free_run(&s->pool, pa, n);
}

/* Calls fn(s, k, ...) with k a constant, so each allocator gets its own loop. */
#define DISPATCH(fn, s, ...)                                                                       \
    ((s)->kind == BITMAP   ? fn(s, BITMAP, ##__VA_ARGS__)                                          \
     : (s)->kind == LINKED ? fn(s, LINKED, ##__VA_ARGS__)                                          \
                           : fn(s, BATCHED, ##__VA_ARGS__))

/* Workload 8 (bench_churn.c): runs after churn, for one allocator. */
void w8_churn(enum kind kind);

/* Records v as the cell (label, k) of the table; rows appear in first-recorded order. */
void put(const char *label, const char *unit, enum kind k, double v);
/* Return: the cell (label, k), 0 if never recorded. */
double get(const char *label, enum kind k);

/* Return: the 1, 5 and 15 minute load averages as text. */
const char *loadavg(void);
/* The CPU's model name from /proc/cpuinfo ("unknown" without one). */
void cpu_model(char *model, size_t n);
void print_header(int argc, char **argv);
void print_table(void);
void print_targets(void);

#endif
