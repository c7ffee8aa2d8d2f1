/* SPDX-License-Identifier: 0BSD */
/*
 * bench_threads' report: the header (machine, compiler, load), the table of calls per second per
 * thread with the scaling against one thread, and the PASS/MISS block for issue 10's targets.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "bench_threads.h"

void threads_header(int argc, char **argv)
{
    char model[128];
    cpu_model(model, sizeof(model));
    cpu_set_t set;
    int usable = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : -1;
    printf("bench_threads: frame64 with and without per-CPU caches vs a lock-free bitmap%s\n"
           "command: ",
           smoke ? " (SMOKE RUN: tiny sizes, every handout checked, numbers mean nothing)" : "");
    for (int i = 0; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
    printf("machine: %s, %ld cores online, %d usable by this process (nproc)\n", model,
           sysconf(_SC_NPROCESSORS_ONLN), usable);
    printf("compiler: %s, flags: %s\n", __VERSION__, BENCH_CFLAGS);
    printf("load average at start: %s (the machine is shared: other work skews the numbers)\n",
           loadavg());
    printf("map: %llu MiB of RAM (bench_frames' realistic map), arena pre-touched; medians of %d "
           "repetitions after a warm-up\n",
           (unsigned long long)(ts.ram / MiB), ts.reps);
    printf("sizes per thread and repetition: a %llu pairs, b %llu x %d frames, c %llu frames per "
           "pair, d %llu steps\n",
           (unsigned long long)ts.n[W_LIFO], (unsigned long long)(ts.n[W_RANDOM] / ts.k), (int)ts.k,
           (unsigned long long)ts.n[W_PASS], (unsigned long long)ts.n[W_MIX]);
}

/* Return: total throughput at t threads over that at 1 thread (0 if either is missing). */
static double scaling(int wl, int k, unsigned t)
{
    if (!ts.have[wl][k][t] || !ts.have[wl][k][1] || ts.result[wl][k][1] == 0)
        return 0;
    return ts.result[wl][k][t] * t / ts.result[wl][k][1];
}

void threads_table(void)
{
    printf("\nMcalls/s: millions of allocator calls (one alloc or one free) per second per thread; "
           "scale: total\nthroughput at T threads / at 1 thread; c/b: frame64 cached / lock-free "
           "bitmap\n\n");
    printf("%-18s %2s |", "", "");
    for (int k = 0; k < NTKINDS; k++)
        printf(" %-17s|", tkind_name[k]);
    printf("\n%-18s %2s |", "workload", "T");
    for (int k = 0; k < NTKINDS; k++)
        printf(" %8s %7s |", "Mcalls/s", "scale");
    printf("   c/b\n");
    for (int wl = 0; wl < W_EXHAUST; wl++)
        for (int i = 0; i < ts.nthreads; i++) {
            unsigned t = ts.threads[i];
            printf("%-18s %2u |", work_name[wl], t);
            for (int k = 0; k < NTKINDS; k++)
                if (ts.have[wl][k][t])
                    printf(" %8.1f %6.2fx |", ts.result[wl][k][t] / 1e6, scaling(wl, k, t));
                else
                    printf(" %8s %7s |", "-", "-");
            if (ts.have[wl][T_CACHED][t] && ts.have[wl][T_LFB][t])
                printf(" %5.2fx\n", ts.result[wl][T_CACHED][t] / ts.result[wl][T_LFB][t]);
            else
                printf(" %6s\n", "-");
        }
    printf("\na: alloc then free at once. b: %d allocations, then their frees in a shuffled order. "
           "c: threads in\npairs, one allocates and passes each frame through a %d-slot ring, the "
           "other frees it; at 1 thread\n(and the odd thread out) one thread allocates %d frames, "
           "then frees them oldest first. d: main holds\nabout half of memory (random frames); "
           "each thread allocates or frees (a random frame of its own,\nat most %d) at random. "
           "harness alone: the same loops with a constant address and no allocator.\n",
           (int)ts.k, RING_SIZE, RING_SIZE, MIX_ACTIVE);
}

void threads_targets(void)
{
    if (!ts.kinds[T_CACHED] || !ts.kinds[T_LOCKED] || !ts.kinds[T_LFB])
        return; /* --only without all three: nothing to compare */
    printf("\ntargets%s:\n", smoke ? " -- smoke run, not meaningful" : "");
    double s2 = scaling(W_LIFO, T_CACHED, 2);
    if (s2 > 0)
        printf("  %s  frame64 cached, LIFO pairs, 2 threads >= 1.8x 1 thread          %.2fx\n",
               s2 >= 1.8 ? "PASS" : "MISS", s2);
    else
        printf("  n/a   frame64 cached, LIFO pairs, 2 threads >= 1.8x 1 thread (2 not run)\n");
    for (int i = 1; i < ts.nthreads && ts.kinds[T_NONE]; i++)
        printf("  info  the harness alone (no allocator), LIFO pairs, %2u threads: %.2fx 1 thread "
               "(what the machine gave)\n",
               ts.threads[i], scaling(W_LIFO, T_NONE, ts.threads[i]));
    double pair[NTKINDS];
    for (int k = 0; k < NTKINDS; k++)
        pair[k] = 2e9 / ts.result[W_LIFO][k][1];
    printf("  %s  frame64 cached, 1 thread, LIFO alloc+free pair <= 4 ns            %.2f ns "
           "(one lock %.2f ns, lock-free bitmap %.2f ns)\n",
           pair[T_CACHED] <= 4 ? "PASS" : "MISS", pair[T_CACHED], pair[T_LOCKED], pair[T_LFB]);
    int behind = 0;
    for (int wl = 0; wl < W_EXHAUST; wl++)
        for (int i = 0; i < ts.nthreads; i++)
            behind += ts.result[wl][T_CACHED][ts.threads[i]] <= ts.result[wl][T_LFB][ts.threads[i]];
    printf("  %s  frame64 cached ahead of the lock-free bitmap in every cell         %d of %d\n",
           behind ? "MISS" : "PASS", W_EXHAUST * ts.nthreads - behind, W_EXHAUST * ts.nthreads);
    for (int wl = 0; wl < W_EXHAUST; wl++)
        for (int i = 0; i < ts.nthreads; i++) {
            unsigned t = ts.threads[i];
            double q = ts.result[wl][T_CACHED][t] / ts.result[wl][T_LFB][t];
            if (q <= 1)
                printf("        behind: %s at %u thread%s, %.2fx the bitmap's throughput\n",
                       work_name[wl], t, t == 1 ? "" : "s", q);
        }
}
