/* SPDX-License-Identifier: 0BSD */
/*
 * The shared-frame table (src/mm/frame_ref.c, docs/frame-ref.md): what it costs per shared frame
 * in memory and per call in time, at sizes from a small fork to a million shared frames.
 *
 *   bench_frame_ref [--smoke]
 *
 * For each size n the table is filled with n frames of consecutive numbers (what fork shares),
 * one frame_ref_share() each, then: the bytes held per shared frame now, and the fewest and most
 * on the way from 1024 (the table doubles, so the ratio saws between them); the mean time of
 * those shares and the longest one (a rebuild: the lock is held, interrupts off, for all of it);
 * then the time per call of a
 * count of a shared frame, a count of an unshared one (the common case of a CoW fault on a frame
 * whose other owner already left), a share of an already shared frame, frame_ref_share_many() of
 * 512 at a time (a page table's worth), and an unshare that drops the entry. One thread, the
 * host's spin lock with no contention (no cli/sti on the host). --smoke: tiny sizes, results
 * checked, for CTest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <frame64/error.h>
#include <frame64/frame_ref.h>

#include "frame_ref_store.h"

static struct ref_store st;
static struct frame_ref t;
static int failures;
static volatile uint64_t sink;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "CHECK FAILED (%s:%d): %s\n", __FILE__, __LINE__, #cond);              \
            if (++failures > 10)                                                                   \
                exit(1);                                                                           \
        }                                                                                          \
    } while (0)

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t gcd(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t r = a % b;
        a = b;
        b = r;
    }
    return a;
}

/* Frame i of the shared set: consecutive frame numbers from 4 GiB up. */
static phys_addr_t fr(uint64_t i)
{
    return (1ull << 32) + i * PAGE_SIZE;
}

static void run(uint64_t n)
{
    ref_store_init(&st, 256 * MiB);
    /* Touched once beforehand, as RAM is in the kernel: no host page faults in the timings. */
    memset(arena_base(), 0, 256 * MiB);
    frame_ref_init(&t, ref_store_alloc, ref_store_free, &st);
    double lo = 1e30, hi = 0;
    uint64_t worst = 0;
    uint64_t t0 = now_ns();
    for (uint64_t i = 0; i < n; i++) {
        uint64_t t1 = now_ns();
        CHECK(frame_ref_share(&t, fr(i)) == K_OK);
        t1 = now_ns() - t1;
        worst = t1 > worst ? t1 : worst;
        if (i + 1 >= 1024) {
            double per = (double)st.held * PAGE_SIZE / (double)(i + 1);
            lo = per < lo ? per : lo;
            hi = per > hi ? per : hi;
        }
    }
    double share_new = (double)(now_ns() - t0) / (double)n;
    struct frame_ref_stats s = frame_ref_stats(&t);
    CHECK(s.shared == n && s.bytes <= ref_store_bound(n));

    /* Lookups in a scattered order, so the cache misses a large table brings are counted. */
    uint64_t step = 0x9e3779b97f4a7c15ull % n | 1, idx = 0, acc = 0;
    while (gcd(step, n) != 1) /* a step that visits every frame once per n */
        step += 2;
    t0 = now_ns();
    for (uint64_t i = 0; i < n; i++, idx = (idx + step) % n)
        acc += frame_ref_count(&t, fr(idx));
    double count_hit = (double)(now_ns() - t0) / (double)n;
    CHECK(acc == 2 * n);
    t0 = now_ns();
    for (uint64_t i = 0; i < n; i++, idx = (idx + step) % n)
        acc += frame_ref_count(&t, fr(n + idx));
    double count_miss = (double)(now_ns() - t0) / (double)n;
    CHECK(acc == 3 * n);
    t0 = now_ns();
    for (uint64_t i = 0; i < n; i++, idx = (idx + step) % n)
        acc += (uint64_t)frame_ref_share(&t, fr(idx));
    double share_more = (double)(now_ns() - t0) / (double)n;
    CHECK(acc == 3 * n);

    static phys_addr_t batch[512];
    t0 = now_ns();
    for (uint64_t i = 0; i < n; i += 512) {
        uint64_t m = n - i < 512 ? n - i : 512;
        for (uint64_t k = 0; k < m; k++)
            batch[k] = fr(i + k);
        CHECK(frame_ref_share_many(&t, batch, m) == K_OK);
    }
    double share_batch = (double)(now_ns() - t0) / (double)n;

    for (uint64_t i = 0; i < n; i++) { /* back to 2 owners each */
        CHECK(frame_ref_unshare(&t, fr(i)) == 3);
        CHECK(frame_ref_unshare(&t, fr(i)) == 2);
    }
    t0 = now_ns();
    for (uint64_t i = 0; i < n; i++, idx = (idx + step) % n)
        acc += frame_ref_unshare(&t, fr(idx));
    double unshare_last = (double)(now_ns() - t0) / (double)n;
    CHECK(acc == 4 * n);
    CHECK(st.held == 0);
    sink = acc;

    char range[32] = "-";
    if (hi > 0)
        snprintf(range, sizeof(range), "%.1f-%.1f", lo, hi);
    printf("%9lu %10lu %7.1f %11s %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f\n", n, s.bytes,
           (double)s.bytes / (double)n, range, share_new, (double)worst / 1000, share_more,
           share_batch, count_hit, count_miss, unshare_last);
    frame_ref_destroy(&t);
    arena_destroy();
}

int main(int argc, char **argv)
{
    bool smoke = argc > 1 && !strcmp(argv[1], "--smoke");
    printf("shared-frame table: memory per shared frame (bytes) and time per call (ns), one "
           "thread\n");
    printf("%9s %10s %7s %11s %9s %9s %9s %9s %9s %9s %9s\n", "shared", "bytes", "B/frame",
           "min-max", "share", "worst us", "share+1", "share/512", "count", "count-1", "unshare");
    const uint64_t sizes[] = {1000, 10000, 100000, 1000000, 4000000};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        if (!smoke || sizes[i] <= 10000)
            run(sizes[i]);
    return failures ? 1 : 0;
}
