/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by bench_threads.c (main, the threads of one measurement, the table) and
 * threads_workloads.c (what each thread runs, and the smoke mode's handout checker).
 */
#ifndef BENCH_BENCH_THREADS_H
#define BENCH_BENCH_THREADS_H

#include <frame64/cpu.h>
#include <frame64/frame.h>
#include <frame64/region.h>

#include "lockfree_bitmap.h"

#define TMAX      CPU_MAX /* threads: each stands for one CPU */
#define RING_SIZE 256     /* workload c's ring between a producer and its consumer */
#define RANDOM_K  1024    /* workload b: frames per batch, above any per-CPU cache's size */

/* The allocators under test. */
enum tkind { T_CACHED, T_LOCKED, T_LFB, NTKINDS };
extern const char *const tkind_name[NTKINDS];

/* The workloads; W_EXHAUST runs in --smoke only (a correctness check, not a measurement). */
enum workload { W_LIFO, W_RANDOM, W_PASS, W_MIX, W_EXHAUST, NWORK };
extern const char *const work_name[NWORK];

/* One allocator, shared by every thread of a measurement. */
struct tsubject {
    enum tkind kind;
    struct region_list list;
    struct region entries[REGION_STATIC_CAPACITY];
    struct frame_pool pool;
    struct lf_bitmap lfb;
};

/*
 * The smoke mode's checker: one bit per frame, set with an atomic or when a frame is handed out
 * (it must have been clear: else the frame was handed out twice) and cleared when it is freed.
 */
struct tracker {
    uint64_t *inuse;
    const uint64_t *allowed; /* frames inside REGION_FREE entries of the original map */
    uint64_t nframes;
};

/* Single producer, single consumer; each side keeps its own index in its own cache line. */
struct ring {
    _Alignas(64) uint64_t head; /* written by the producer */
    _Alignas(64) uint64_t tail; /* written by the consumer */
    _Alignas(64) phys_addr_t slot[RING_SIZE];
};

/* One repetition of one measurement: what every thread reads. */
struct run {
    struct tsubject *s;
    enum workload w;
    unsigned nthreads;
    bool check; /* smoke: every handout and free goes through trk */
    struct tracker *trk;
    uint64_t n;         /* per thread: pairs (a), rounds (b), frames per pair (c), steps (d) */
    uint64_t share;     /* d: frames each thread holds at the start (half of memory in all) */
    struct ring *rings; /* c: one per producer/consumer pair */
    _Alignas(64) unsigned arrived; /* the start barrier */
};

/* One thread. Its results are read by main after the join. */
struct worker {
    _Alignas(64) struct run *run;
    unsigned cpu;
    uint64_t rng;
    phys_addr_t *buf;          /* b: the batch; c alone: the ring stand-in; d and exhaust: held */
    uint64_t cap;              /* entries of buf */
    uint32_t *perm;            /* b: the order frees follow */
    uint64_t held;             /* exhaust: frames in buf when done */
    uint64_t t0, t1, ops;      /* the timed section and the calls it made */
    uint64_t fails, bad, dups; /* allocations refused; bad frames; twice handed out or freed */
};

/* pthread entry: names its CPU, waits at the barrier, runs run->w. Return: NULL. */
void *worker_main(void *arg);

/* The checker's side of a free done outside the workers (exhaustion's frees). */
void track_free(struct worker *w, phys_addr_t pa);

/* The allocator's calls, for main's own frees. */
phys_addr_t tsubject_alloc(struct tsubject *s);
void tsubject_free(struct tsubject *s, phys_addr_t pa);

#endif
