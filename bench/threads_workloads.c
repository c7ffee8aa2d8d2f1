/* SPDX-License-Identifier: 0BSD */
/*
 * What each thread of bench_threads runs (docs/performance.md, "Threads"): it names the CPU it
 * stands for, prepares untimed (a shuffled free order, memory half filled), waits at the start
 * barrier, runs its workload between two clock reads, cleans up untimed and gives its CPU's cached
 * frames back. In --smoke every handout and free also goes through the checker.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>

#include <arch/cpu_local.h>

#include "bench.h"
#include "bench_threads.h"

#define PROBE_STEPS (40 * 1000 * 1000) /* machine_scaling(): about 0.1 s per thread */
#define RING_BATCH  32 /* ring indices are published every this many slots (divides RING_SIZE) */

static uint64_t results_sink; /* each thread adds the addresses it saw, so no call is dead */

static uint64_t rand_next(uint64_t *s) /* xorshift64*: cheap, and the same for every allocator */
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* A uniform index below n from 32 random bits. */
static inline uint64_t below(uint64_t r, uint64_t n)
{
    return ((r >> 32) * n) >> 32;
}

/* Spin-wait step: the hint first, then the core for whoever we wait for (the cores are shared). */
static void spin(unsigned *spins)
{
    arch_relax();
    if (++*spins % 1024 == 0)
        sched_yield();
}

static void barrier(struct run *r)
{
    unsigned spins = 0;
    __atomic_fetch_add(&r->arrived, 1, __ATOMIC_ACQ_REL);
    while (__atomic_load_n(&r->arrived, __ATOMIC_ACQUIRE) < r->nthreads)
        spin(&spins);
}

/* ---- The calls, inlined per kind: frame64 cached or behind one lock, bitmap, none ---- */

INLINE phys_addr_t t_alloc(struct tsubject *s, enum tkind k)
{
    phys_addr_t pa = 16 * MiB;
    if (k == T_LFB)
        return lfb_alloc(&s->lfb);
    if (k == T_LOCKED)
        return locked_alloc(&s->pool);
    if (k != T_NONE)
        return frame_alloc(&s->pool);
    __asm__ volatile("" : "+r"(pa)); /* the harness alone: opaque, so no loop folds away */
    return pa;
}

INLINE void t_free(struct tsubject *s, enum tkind k, phys_addr_t pa)
{
    if (k == T_LFB)
        lfb_free(&s->lfb, pa);
    else if (k == T_LOCKED)
        locked_free(&s->pool, pa);
    else if (k != T_NONE)
        frame_free(&s->pool, pa);
    else
        __asm__ volatile("" : : "r"(pa));
}

phys_addr_t tsubject_alloc(struct tsubject *s)
{
    if (s->kind == T_LFB)
        return t_alloc(s, T_LFB);
    if (s->kind == T_LOCKED)
        return t_alloc(s, T_LOCKED);
    return s->kind == T_NONE ? t_alloc(s, T_NONE) : t_alloc(s, T_CACHED);
}

void tsubject_free(struct tsubject *s, phys_addr_t pa)
{
    if (s->kind == T_LFB)
        t_free(s, T_LFB, pa);
    else if (s->kind == T_LOCKED)
        t_free(s, T_LOCKED, pa);
    else if (s->kind == T_NONE)
        t_free(s, T_NONE, pa);
    else
        t_free(s, T_CACHED, pa);
}

/* An allocation in a workload: failures counted, the checker told in --smoke. */
#define ALLOC(pa)                                                                                  \
    do {                                                                                           \
        (pa) = t_alloc(s, k);                                                                      \
        if ((pa) == PHYS_NONE)                                                                     \
            fails++;                                                                               \
        else if (chk && k != T_NONE)                                                               \
            track_alloc(w, (pa));                                                                  \
    } while (0)

#define FREE(pa)                                                                                   \
    do {                                                                                           \
        if (chk && k != T_NONE)                                                                    \
            track_free(w, (pa));                                                                   \
        t_free(s, k, (pa));                                                                        \
    } while (0)

/* ---- The workloads. Return: allocator calls made. ---- */

/* a: alloc then free at once, n times. */
INLINE uint64_t w_lifo(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    uint64_t n = w->run->n, fails = 0, acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        phys_addr_t pa;
        ALLOC(pa);
        if (pa == PHYS_NONE)
            continue;
        acc += pa;
        FREE(pa);
    }
    __atomic_fetch_add(&results_sink, acc, __ATOMIC_RELAXED);
    w->fails += fails;
    return 2 * n;
}

/* b: k allocations, then their frees in a shuffled order, n / k times. */
INLINE uint64_t w_random(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    uint64_t batch = w->run->k, rounds = w->run->n / batch, fails = 0;
    phys_addr_t *v = w->buf;
    const uint32_t *perm = w->perm;
    for (uint64_t r = 0; r < rounds; r++) {
        for (uint64_t i = 0; i < batch; i++)
            ALLOC(v[i]);
        for (uint64_t i = 0; i < batch; i++) {
            phys_addr_t pa = v[perm[i]];
            if (pa != PHYS_NONE)
                FREE(pa);
        }
    }
    w->fails += fails;
    return 2 * batch * rounds;
}

/*
 * c, alone (one thread, or the odd one out): the same traffic without a partner. RING_SIZE
 * allocations, then their frees oldest first (the order a consumer frees in).
 */
INLINE uint64_t pass_alone(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    uint64_t rounds = w->run->n / RING_SIZE, fails = 0;
    phys_addr_t *v = w->buf;
    for (uint64_t r = 0; r < rounds; r++) {
        for (uint64_t i = 0; i < RING_SIZE; i++)
            ALLOC(v[i]);
        for (uint64_t i = 0; i < RING_SIZE; i++)
            if (v[i] != PHYS_NONE)
                FREE(v[i]);
    }
    w->fails += fails;
    return 2 * rounds * RING_SIZE;
}

/* c, producer: n allocations pushed through the ring (a failed one too, so counts match). */
INLINE uint64_t pass_produce(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    struct ring *q = &w->run->rings[w->cpu / 2];
    uint64_t n = w->run->n, fails = 0, head = 0, tail_seen = 0;
    unsigned spins = 0;
    for (uint64_t i = 0; i < n; i++) {
        phys_addr_t pa;
        ALLOC(pa);
        while (head - tail_seen == RING_SIZE) {
            tail_seen = __atomic_load_n(&q->tail, __ATOMIC_ACQUIRE);
            if (head - tail_seen == RING_SIZE)
                spin(&spins);
        }
        q->slot[head % RING_SIZE] = pa;
        if (++head % RING_BATCH == 0)
            __atomic_store_n(&q->head, head, __ATOMIC_RELEASE);
    }
    __atomic_store_n(&q->head, head, __ATOMIC_RELEASE);
    w->fails += fails;
    return n;
}

/* c, consumer: n frees of what the producer pushed. */
INLINE uint64_t pass_consume(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    struct ring *q = &w->run->rings[w->cpu / 2];
    uint64_t n = w->run->n, tail = 0, head_seen = 0, fails = 0;
    unsigned spins = 0;
    for (uint64_t i = 0; i < n; i++) {
        while (tail == head_seen) {
            head_seen = __atomic_load_n(&q->head, __ATOMIC_ACQUIRE);
            if (tail == head_seen)
                spin(&spins);
        }
        phys_addr_t pa = q->slot[tail % RING_SIZE];
        if (++tail % RING_BATCH == 0)
            __atomic_store_n(&q->tail, tail, __ATOMIC_RELEASE);
        if (pa != PHYS_NONE)
            FREE(pa);
    }
    (void)fails;
    return n;
}

INLINE uint64_t w_pass(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    unsigned t = w->run->nthreads;
    if (t % 2 == 1 && w->cpu == t - 1)
        return pass_alone(w, s, k, chk);
    return w->cpu % 2 == 0 ? pass_produce(w, s, k, chk) : pass_consume(w, s, k, chk);
}

/*
 * d: with about half of memory held by main (random frames), n steps, each an allocation or a
 * free of a random frame of this thread's set (which starts half full and holds at most cap).
 */
INLINE uint64_t w_mix(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    uint64_t n = w->run->n, held = w->held, cap = w->cap, rng = w->rng, fails = 0;
    phys_addr_t *v = w->buf;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t r = rand_next(&rng);
        if (held == 0 || (held < cap && (r & 1))) {
            phys_addr_t pa;
            ALLOC(pa);
            if (pa != PHYS_NONE)
                v[held++] = pa;
        } else {
            uint64_t j = below(r, held);
            FREE(v[j]);
            v[j] = v[--held];
        }
    }
    w->held = held;
    w->fails += fails;
    return n;
}

/* Exhaustion (--smoke): allocate until refused; main checks the total and frees. */
INLINE uint64_t w_exhaust(struct worker *w, struct tsubject *s, enum tkind k, bool chk)
{
    uint64_t held = 0;
    phys_addr_t pa;
    while (held < w->cap && (pa = t_alloc(s, k)) != PHYS_NONE) {
        if (chk && k != T_NONE)
            track_alloc(w, pa);
        w->buf[held++] = pa;
    }
    w->held = held;
    return held + 1;
}

/* fn instantiated per allocator and per checker setting, so each loop's calls are direct. */
#define RUN(fn)                                                                                    \
    (s->kind == T_LFB      ? (chk ? fn(w, s, T_LFB, true) : fn(w, s, T_LFB, false))                \
     : s->kind == T_LOCKED ? (chk ? fn(w, s, T_LOCKED, true) : fn(w, s, T_LOCKED, false))          \
     : s->kind == T_NONE   ? fn(w, s, T_NONE, false)                                               \
     : chk                 ? fn(w, s, T_CACHED, true)                                              \
                           : fn(w, s, T_CACHED, false))

static uint64_t run_workload(struct worker *w)
{
    struct tsubject *s = w->run->s;
    bool chk = w->run->check;
    switch (w->run->w) {
    case W_LIFO:
        return RUN(w_lifo);
    case W_RANDOM:
        return RUN(w_random);
    case W_PASS:
        return RUN(w_pass);
    case W_MIX:
        return RUN(w_mix);
    case W_EXHAUST:
        return RUN(w_exhaust);
    default:
        return 0;
    }
}

/* Untimed, before the barrier: b's shuffled order (each thread its own), d's set half full. */
static void prepare(struct worker *w)
{
    struct tsubject *s = w->run->s;
    bool chk = w->run->check && s->kind != T_NONE;
    if (w->run->w == W_RANDOM) {
        for (uint32_t i = 0; i < w->run->k; i++)
            w->perm[i] = i;
        for (uint32_t i = (uint32_t)w->run->k; i > 1; i--) {
            uint32_t j = (uint32_t)below(rand_next(&w->rng), i), t = w->perm[i - 1];
            w->perm[i - 1] = w->perm[j];
            w->perm[j] = t;
        }
    }
    w->held = 0;
    if (w->run->w == W_MIX) {
        for (uint64_t i = 0; i < w->run->active / 2; i++) {
            phys_addr_t pa = tsubject_alloc(s);
            if (pa == PHYS_NONE) {
                w->fails++;
                break;
            }
            if (chk)
                track_alloc(w, pa);
            w->buf[w->held++] = pa;
        }
    }
}

void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct tsubject *s = w->run->s;
    host_cpu_set(w->cpu);
    prepare(w);
    barrier(w->run);
    w->t0 = now_ns();
    w->ops = run_workload(w);
    w->t1 = now_ns();
    if (w->run->w == W_MIX) { /* untimed: give back what is still held */
        for (uint64_t i = 0; i < w->held; i++) {
            if (w->run->check && s->kind != T_NONE)
                track_free(w, w->buf[i]);
            tsubject_free(s, w->buf[i]);
        }
        w->held = 0;
    }
    if (is_frame64(s->kind))
        frame_cache_drain(&s->pool); /* this CPU's cached frames back to the shared stack */
    return NULL;
}

/* ---- How many cores the machine gives (it is shared): a private loop per thread ---- */

struct probe {
    _Alignas(64) struct run *run;
    uint64_t t0, t1, x;
};

static void *probe_main(void *arg)
{
    struct probe *p = arg;
    uint64_t x = p->x;
    barrier(p->run);
    p->t0 = now_ns();
    for (uint64_t i = 0; i < PROBE_STEPS; i++)
        x = x * 6364136223846793005ull + 1; /* a dependency chain: latency, no memory */
    p->t1 = now_ns();
    p->x = x;
    return NULL;
}

double machine_scaling(unsigned t)
{
    static struct probe pr[TMAX];
    pthread_t th[TMAX];
    double rate[2];
    for (int pass = 0; pass < 2; pass++) {
        unsigned n = pass ? t : 1;
        struct run r = {.nthreads = n};
        uint64_t t0 = UINT64_MAX, t1 = 0;
        for (unsigned i = 0; i < n; i++) {
            pr[i] = (struct probe){.run = &r, .x = i};
            if (pthread_create(&th[i], NULL, probe_main, &pr[i]) != 0)
                return 0;
        }
        for (unsigned i = 0; i < n; i++) {
            pthread_join(th[i], NULL);
            t0 = MIN(t0, pr[i].t0);
            t1 = MAX(t1, pr[i].t1);
            results_sink += pr[i].x;
        }
        rate[pass] = (double)n * PROBE_STEPS / (double)(t1 - t0);
    }
    return rate[1] / rate[0];
}
