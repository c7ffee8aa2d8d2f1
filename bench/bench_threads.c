/* SPDX-License-Identifier: 0BSD */
/*
 * bench_threads: frame64's page-frame manager with per-CPU caches, its stack behind one lock
 * without them (bench/locked_pool.c) and a lock-free bitmap (bench/lockfree_bitmap.c), shared by T
 * threads that each stand for a CPU. Four workloads (LIFO pairs, random order, allocate on one
 * thread and free on another, a 50% occupancy mix) at each thread count given (default 1 and 2);
 * prints allocator calls per second per thread and the scaling against one thread, medians of
 * several runs, and a PASS/MISS block for the targets. `bench_threads --smoke` runs everything tiny
 * with every handout checked, plus exhaustion by all threads at once (CTest bench.threads.smoke).
 * docs/performance.md ("Threads") explains the workloads and the results.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <frame64/error.h>

#include "arena.h"
#include "bench.h"
#include "bench_threads.h"

const char *const tkind_name[NTKINDS] = {"frame64 cached", "frame64 one lock", "lock-free bitmap",
                                         "harness alone"};
const char *const work_name[NWORK] = {"a LIFO pairs", "b random order", "c here, free there",
                                      "d 50% mix", "exhaustion"};

struct tsetup ts = {.ram = 1 * GiB,
                    .n = {4000000, 2048000, 2000000, 4000000, 0},
                    .k = RANDOM_K,
                    .reps = 5,
                    .kinds = {true, true, true, true}};

#define WARM_FRAMES  4096
#define HARNESS_MORE 16 /* the harness alone is fast: longer runs, so noise does not rule */

static struct tsubject subject;
static struct run main_run; /* main's own handouts, for the checker */
static struct worker main_w = {.run = &main_run};
static phys_addr_t *ballast; /* d: the frames main holds */
static uint64_t nballast;

static void tsubject_start(struct tsubject *s, enum tkind k)
{
    s->kind = k;
    map_build(&s->list, s->entries, ARRAY_SIZE(s->entries), ts.ram);
    region_set_grow_limit(&s->list, map_top(ts.ram));
    int err = K_OK;
    if (k == T_LFB) {
        uint64_t bytes = lfb_storage_bytes(&s->list);
        err = lfb_init(&s->lfb, &s->list, bitmap_storage(bytes), bytes);
    } else if (k != T_NONE) {
        err = frame_init(&s->pool, &s->list, 0);
    }
    CHECK(err == K_OK, "%s init: %s", tkind_name[k], kerr_str(err));
    /*
     * Warm, as bench_frames' workload 1 is: a running kernel's stack holds batches, a fresh pool
     * only the lazy seed cursor (frame64 would then build and pop a batch frame on every pair).
     */
    static phys_addr_t warm[WARM_FRAMES];
    for (uint64_t i = 0; i < WARM_FRAMES; i++)
        warm[i] = tsubject_alloc(s);
    for (uint64_t i = WARM_FRAMES; i-- > 0;)
        if (warm[i] != PHYS_NONE)
            tsubject_free(s, warm[i]);
    if (is_frame64(k))
        frame_cache_drain(&s->pool);
}

/* Return: frames s can hand out (frames in per-CPU caches count as free). */
static uint64_t tsubject_free_frames(struct tsubject *s)
{
    if (s->kind == T_LFB)
        return lfb_free_frames(&s->lfb);
    if (s->kind == T_NONE)
        return 0;
    struct frame_stats st;
    frame_get_stats(&s->pool, &st);
    return (st.stacked + st.unseeded) / PAGE_SIZE;
}

static int cmp_pa(const void *a, const void *b)
{
    phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;
    return (x > y) - (x < y);
}

/*
 * After exhaustion: every free frame was handed out exactly once (the checker saw no twice), then
 * main frees them all in address order (so frames below 16 MiB merge back into frame64's region
 * list instead of fragmenting it) and gives its own CPU's cache back.
 */
static void exhaust_finish(struct tsubject *s, struct worker *ws, unsigned t, uint64_t start)
{
    uint64_t total = 0, k = 0;
    for (unsigned i = 0; i < t; i++)
        total += ws[i].held;
    CHECK(total == start, "%s exhaustion at %u threads: %llu frames handed out, %llu were free",
          tkind_name[s->kind], t, (unsigned long long)total, (unsigned long long)start);
    phys_addr_t *all = malloc((total + 1) * sizeof(*all));
    if (!all) {
        perror("malloc");
        exit(2);
    }
    for (unsigned i = 0; i < t; i++)
        for (uint64_t j = 0; j < ws[i].held; j++)
            all[k++] = ws[i].buf[j];
    qsort(all, total, sizeof(*all), cmp_pa);
    for (uint64_t j = 0; j < total; j++) {
        track_free(&ws[0], all[j]);
        tsubject_free(s, all[j]);
    }
    if (is_frame64(s->kind))
        frame_cache_drain(&s->pool);
    free(all);
}

/*
 * d's half of memory, held by main: every frame is handed out, then a random half of those at
 * or above 16 MiB is freed (in random order), so about half of memory stays out, scattered.
 * The frames below 16 MiB stay out: frame64 gives frames freed there back to its region list,
 * and random frees there would fragment the list into free memory (bench_frames' workload 2).
 */
static void ballast_take(struct tsubject *s)
{
    uint64_t n = 0, cap = tsubject_free_frames(s) + 1;
    ballast = malloc(cap * sizeof(*ballast));
    if (!ballast) {
        perror("malloc");
        exit(2);
    }
    main_run.s = s;
    main_w.cpu = 0;
    while (s->kind != T_NONE && n < cap && (ballast[n] = tsubject_alloc(s)) != PHYS_NONE) {
        if (smoke)
            track_alloc(&main_w, ballast[n]);
        n++;
    }
    qsort(ballast, n, sizeof(*ballast), cmp_pa);
    uint64_t low = 0;
    while (low < n && ballast[low] < 16 * MiB)
        low++;
    shuffle(ballast + low, n - low);
    nballast = low + (n - low) / 2;
    for (uint64_t i = nballast; i < n; i++) {
        if (smoke)
            track_free(&main_w, ballast[i]);
        tsubject_free(s, ballast[i]);
    }
    if (is_frame64(s->kind))
        frame_cache_drain(&s->pool);
}

/* Gives the ballast back, in address order (the low frames merge into frame64's list). */
static void ballast_give(struct tsubject *s)
{
    qsort(ballast, nballast, sizeof(*ballast), cmp_pa);
    for (uint64_t i = 0; i < nballast; i++) {
        if (smoke)
            track_free(&main_w, ballast[i]);
        tsubject_free(s, ballast[i]);
    }
    if (is_frame64(s->kind))
        frame_cache_drain(&s->pool);
    free(ballast);
    nballast = 0;
}

/* One repetition of wl at t threads on s. Return: calls per second per thread. */
static double run_once(struct tsubject *s, enum workload wl, unsigned t, int r)
{
    static struct run run;
    static struct worker ws[TMAX];
    pthread_t th[TMAX];
    uint64_t start = tsubject_free_frames(s), out = smoke ? tracker_out() : 0;
    uint64_t active = MIN(MIX_ACTIVE, start / 2 / t); /* d: at most half of what is left */
    uint64_t cap = wl == W_RANDOM ? ts.k : wl == W_PASS ? RING_SIZE : wl == W_MIX ? active : start;
    struct ring *rings = aligned_alloc(64, TMAX / 2 * sizeof(struct ring));
    if (!rings) {
        perror("aligned_alloc");
        exit(2);
    }
    memset(rings, 0, TMAX / 2 * sizeof(struct ring));
    run = (struct run){.s = s,
                       .w = wl,
                       .nthreads = t,
                       .check = smoke,
                       .n = ts.n[wl] * (s->kind == T_NONE ? HARNESS_MORE : 1),
                       .k = ts.k,
                       .active = active,
                       .rings = rings};
    for (unsigned i = 0; i < t; i++) {
        ws[i] = (struct worker){.run = &run,
                                .cpu = i,
                                .buf = malloc((cap + 1) * sizeof(phys_addr_t)),
                                .perm = malloc(ts.k * sizeof(uint32_t)),
                                .cap = cap,
                                .rng = 0x9e3779b97f4a7c15ull * (i + 1) + (uint64_t)r};
        if (!ws[i].buf || !ws[i].perm) {
            perror("malloc");
            exit(2);
        }
        if (pthread_create(&th[i], NULL, worker_main, &ws[i]) != 0) {
            perror("pthread_create");
            exit(2);
        }
    }
    uint64_t t0 = UINT64_MAX, t1 = 0, ops = 0, fails = 0, bad = 0, dups = 0;
    for (unsigned i = 0; i < t; i++) {
        pthread_join(th[i], NULL);
        t0 = MIN(t0, ws[i].t0);
        t1 = MAX(t1, ws[i].t1);
        ops += ws[i].ops;
        fails += ws[i].fails;
    }
    if (wl == W_EXHAUST)
        exhaust_finish(s, ws, t, start);
    for (unsigned i = 0; i < t; i++) {
        bad += ws[i].bad;
        dups += ws[i].dups;
        free(ws[i].buf);
        free(ws[i].perm);
    }
    free(rings);
    CHECK(fails == 0 && bad == 0 && dups == 0,
          "%s, %s, %u threads: %llu allocations refused, %llu frames outside free memory, "
          "%llu handed out (or freed) twice",
          tkind_name[s->kind], work_name[wl], t, (unsigned long long)fails, (unsigned long long)bad,
          (unsigned long long)dups);
    CHECK(tsubject_free_frames(s) == start, "%s, %s, %u threads: %llu frames free, was %llu",
          tkind_name[s->kind], work_name[wl], t, (unsigned long long)tsubject_free_frames(s),
          (unsigned long long)start);
    CHECK(!smoke || tracker_out() == out, "%s, %s, %u threads: %llu frames out, expected %llu",
          tkind_name[s->kind], work_name[wl], t, (unsigned long long)tracker_out(),
          (unsigned long long)out);
    return (double)ops / (double)(t1 - t0) * 1e9 / t;
}

/*
 * Workload wl at t threads for every allocator: a warm-up round, then ts.reps rounds, each
 * running every allocator once on a fresh pool, so that the machine's changing load (it is
 * shared) falls on all of them alike. Records the medians in ts.
 */
static void measure(enum workload wl, unsigned t)
{
    double v[NTKINDS][MAXREPS];
    int nreps = wl == W_EXHAUST ? 1 : ts.reps;
    for (int r = smoke || wl == W_EXHAUST ? 0 : -1; r < nreps; r++)
        for (int k = 0; k < NTKINDS; k++) {
            if (!ts.kinds[k] || (wl == W_EXHAUST && k == T_NONE))
                continue;
            tsubject_start(&subject, (enum tkind)k);
            if (wl == W_MIX)
                ballast_take(&subject);
            double x = run_once(&subject, wl, t, r);
            if (wl == W_MIX)
                ballast_give(&subject);
            if (r >= 0)
                v[k][r] = x;
        }
    for (int k = 0; k < NTKINDS; k++)
        if (ts.kinds[k] && !(wl == W_EXHAUST && k == T_NONE)) {
            ts.result[wl][k][t] = median(v[k], nreps);
            ts.have[wl][k][t] = true;
        }
}

/* Parses "cached,locked,bitmap,harness" (some of them) into ts.kinds. Return: false if malformed.
 */
static bool parse_kinds(const char *s)
{
    static const char *const word[NTKINDS] = {"cached", "locked", "bitmap", "harness"};
    memset(ts.kinds, 0, sizeof(ts.kinds));
    for (const char *p = s; *p;) {
        size_t len = strcspn(p, ",");
        int k = 0;
        while (k < NTKINDS && (strlen(word[k]) != len || strncmp(p, word[k], len) != 0))
            k++;
        if (k == NTKINDS)
            return false;
        ts.kinds[k] = true;
        p += len + (p[len] == ',');
    }
    return true;
}

/* Parses "1,2,4" into the sorted thread list (1 is always measured: the scaling's base). */
static bool parse_threads(const char *s)
{
    bool want[TMAX + 1] = {[1] = true};
    for (const char *p = s; *p;) {
        char *end;
        long t = strtol(p, &end, 10);
        if (end == p || t < 1 || t > TMAX || (*end != ',' && *end != '\0'))
            return false;
        want[t] = true;
        p = *end ? end + 1 : end;
    }
    ts.nthreads = 0;
    for (unsigned t = 1; t <= TMAX; t++)
        if (want[t])
            ts.threads[ts.nthreads++] = t;
    return true;
}

int main(int argc, char **argv)
{
    parse_threads("2");
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            smoke = true;
            ts.reps = 1;
            ts.ram = 64 * MiB;
            ts.n[W_LIFO] = 20000;
            ts.n[W_RANDOM] = 10 * RANDOM_K;
            ts.n[W_PASS] = 20 * RING_SIZE;
            ts.n[W_MIX] = 20000;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 1 &&
                   atoi(argv[i + 1]) <= MAXREPS) {
            ts.reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--batch") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 1 &&
                   atoi(argv[i + 1]) <= RANDOM_KMAX) {
            ts.k = (uint64_t)atoi(argv[++i]);
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc && parse_kinds(argv[i + 1])) {
            i++;
        } else if (strcmp(argv[i], "--ram-mib") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 64) {
            ts.ram = (uint64_t)atoi(argv[++i]) * MiB;
        } else if (!parse_threads(argv[i])) {
            fprintf(stderr,
                    "usage: %s [--smoke] [--reps N] [--ram-mib N] [--batch K] [--only KINDS] "
                    "[THREADS]\n"
                    "  THREADS: thread counts, e.g. 1,2,4,8,16 (default 1,2; at most %d; 1 is "
                    "always run)\n"
                    "  --reps: measured repetitions per cell (default 5, at most %d)\n"
                    "  --ram-mib: RAM of the map (default 1024)\n"
                    "  --batch: workload b's frames per batch (default %d, at most %d)\n"
                    "  --only: some of cached,locked,bitmap,harness (for profiling)\n",
                    argv[0], TMAX, MAXREPS, RANDOM_K, RANDOM_KMAX);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    threads_header(argc, argv);
    unsigned tmax = ts.threads[ts.nthreads - 1];
    if (tmax > 1 && !smoke)
        printf("machine at the start: %u threads of a private loop ran at %.2fx the throughput of "
               "1\n",
               tmax, machine_scaling(tmax));
    arena_create(map_top(ts.ram));
    arena_prefault(ts.ram);
    if (smoke)
        tracker_start(ts.ram);
    for (int wl = 0; wl < NWORK; wl++)
        for (int i = 0; i < ts.nthreads && (smoke || wl != W_EXHAUST); i++)
            measure((enum workload)wl, ts.threads[i]);
    CHECK(main_w.bad == 0 && main_w.dups == 0,
          "main's frames: %llu outside free memory, %llu out (or freed) twice",
          (unsigned long long)main_w.bad, (unsigned long long)main_w.dups);
    arena_destroy();
    if (tmax > 1 && !smoke)
        printf("machine at the end: %u threads of a private loop ran at %.2fx the throughput of "
               "1\n",
               tmax, machine_scaling(tmax));
    threads_table();
    threads_targets();
    printf("load average at the end: %s\n", loadavg());
    if (check_failures)
        printf("\n%d CHECKS FAILED: the numbers above are not trustworthy\n", check_failures);
    return check_failures ? 1 : 0;
}
