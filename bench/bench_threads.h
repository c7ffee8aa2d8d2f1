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

#include "locked_pool.h"
#include "lockfree_bitmap.h"

#define TMAX        CPU_MAX /* threads: each stands for one CPU */
#define RING_SIZE   256     /* workload c's ring between a producer and its consumer */
#define RANDOM_K    1024 /* workload b: frames per batch by default, above a per-CPU cache's size */
#define RANDOM_KMAX 65536 /* --batch's limit */
#define MIX_ACTIVE  4096  /* workload d: most frames a thread's own random set holds (32 KiB) */

/*
 * The allocators under test, and the harness alone (T_NONE: an allocation is a constant address,
 * a free nothing; it shows what the loops, the ring and the machine allow, and how well the
 * machine itself scales while the benchmark runs).
 */
enum tkind { T_CACHED, T_LOCKED, T_LFB, T_NONE, NTKINDS };
extern const char *const tkind_name[NTKINDS];

/* The workloads; W_EXHAUST runs in --smoke only (a correctness check, not a measurement). */
enum workload { W_LIFO, W_RANDOM, W_PASS, W_MIX, W_EXHAUST, NWORK };
extern const char *const work_name[NWORK];

/* What to run (main's arguments) and what was measured (for threads_report.c). */
struct tsetup {
    uint64_t ram;           /* of the map */
    uint64_t n[NWORK];      /* per thread and repetition: see struct run's n */
    uint64_t k;             /* b: frames per batch */
    int reps;               /* measured repetitions per cell */
    unsigned threads[TMAX]; /* thread counts, ascending, 1 first */
    int nthreads;
    bool kinds[NTKINDS];                     /* --only */
    double result[NWORK][NTKINDS][TMAX + 1]; /* median calls/s per thread */
    bool have[NWORK][NTKINDS][TMAX + 1];
};
extern struct tsetup ts;

/* One allocator, shared by every thread of a measurement. */
struct tsubject {
    enum tkind kind;
    struct region_list list;
    struct region entries[REGION_STATIC_CAPACITY];
    struct frame_pool pool;
    struct lf_bitmap lfb;
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
    bool check;         /* smoke: every handout and free goes through the checker */
    uint64_t n;         /* per thread: pairs (a), frames (b), frames per pair (c), steps (d) */
    uint64_t k;         /* b: frames per batch */
    uint64_t active;    /* d: most frames of each thread's random set (it starts half full) */
    struct ring *rings; /* c: one per producer/consumer pair */
    _Alignas(64) unsigned arrived; /* the start barrier */
};

/* One thread. Its results are read by main after the join. */
struct worker {
    _Alignas(64) struct run *run;
    unsigned cpu;
    uint64_t rng;
    phys_addr_t *buf;          /* b: the batch; c alone: the ring stand-in; d, exhaust: held */
    uint64_t cap;              /* entries of buf */
    uint32_t *perm;            /* b: the order frees follow */
    uint64_t held;             /* d, exhaust: frames in buf */
    uint64_t t0, t1, ops;      /* the timed section and the calls it made */
    uint64_t fails, bad, dups; /* allocations refused; bad frames; twice handed out or freed */
};

static inline bool is_frame64(enum tkind k)
{
    return k == T_CACHED || k == T_LOCKED;
}

/* The report (threads_report.c). */
void threads_header(int argc, char **argv);
void threads_table(void);
void threads_targets(void);

/*
 * The machine's own scaling now: t threads each running a private dependency chain (no memory,
 * nothing shared) against one. Return: total throughput at t over that at 1 (t if all is well).
 */
double machine_scaling(unsigned t);

/* pthread entry: names its CPU, waits at the barrier, runs run->w. Return: NULL. */
void *worker_main(void *arg);

/*
 * The smoke mode's checker (threads_check.c), over the map of ram bytes: frames handed out and
 * not yet freed, each once. tracker_start() sets it up (every frame in).
 */
void tracker_start(uint64_t ram);
/* After an allocation: pa must be a free frame of the map not out already; else w->bad/dups. */
void track_alloc(struct worker *w, phys_addr_t pa);
/* Before its free (so the next owner's track_alloc comes after it): pa must be out. */
void track_free(struct worker *w, phys_addr_t pa);
/* Return: frames out. */
uint64_t tracker_out(void);

/* The allocator's calls, for main's own frees. */
phys_addr_t tsubject_alloc(struct tsubject *s);
void tsubject_free(struct tsubject *s, phys_addr_t pa);

#endif
