/* SPDX-License-Identifier: 0BSD */
/*
 * Workload 8 of bench_frames (docs/performance.md): runs after churn. Every frame is handed out
 * and freed again in random order (untimed); then one run request is timed. For frame64 the run
 * needs a drain of the stack back into the region list; the bitmap scans for the run.
 *   8a/8b: the issue's churn (one frame in 64 kept below 16 MiB, a tenth above 512 MiB), then a
 *          1 MiB run below 4 GiB, on 1 GiB and on 16 GiB of RAM;
 *   8c:    the same request once more right after (the list already holds the drained ranges);
 *   8d:    every frame freed but one, then a 1 MiB run without a ceiling: the drain takes the
 *          whole stack, reported per GiB stacked;
 *   8e/8f: after the issue's churn, a 512 MiB run below 4 GiB, which no free memory makes
 *          ([16 MiB, 512 MiB) is the longest free stretch): asked once (frame64 drains to find
 *          out), then again with nothing freed in between (frame64 remembers the answer);
 *   8g:    every frame freed but one (a churn of its own), then a 2 MiB frame
 *          (frame_alloc_huge(); the bitmap's 2 MiB-aligned run search).
 * The 16 GiB arena is not pre-touched (that would make 17 GiB resident): the churn touches the
 * batch frames before any timing, and a drain's few fresh bitmap frames fault once each.
 */
#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "bench.h"

#define CHURN_RUN (1 * MiB / PAGE_SIZE)
#define NOFIT_RUN (512 * MiB / PAGE_SIZE)

static uint64_t rng = 0xc0ffee;
static uint64_t rand64(void) /* splitmix64, fixed seed */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* The issue's churn keeps one frame in 64 below 16 MiB and a tenth of those above 512 MiB. */
static bool kept_by_issue(phys_addr_t pa)
{
    return pa < 16 * MiB ? (pa >> PAGE_SHIFT) % 64 == 0 : pa >= 512 * MiB && rand64() % 10 == 0;
}

/*
 * Every frame out, then all freed in random order but the kept ones (the issue's, or with one
 * only the first frame handed out). Return: frames still out, in v[0..).
 */
INLINE uint64_t churn(struct subject *s, enum kind k, phys_addr_t *v, uint64_t cap, bool one)
{
    uint64_t n = 0, kept = 0;
    phys_addr_t pa;
    while (n < cap && (pa = s_alloc(s, k)) != PHYS_NONE)
        v[n++] = pa;
    phys_addr_t first = v[0];
    shuffle(v, n);
    for (uint64_t i = 0; i < n; i++) {
        if (one ? v[i] == first : kept_by_issue(v[i]))
            v[kept++] = v[i];
        else
            s_free(s, k, v[i]);
    }
    return kept;
}

INLINE phys_addr_t timed_run(struct subject *s, enum kind k, phys_addr_t max, double *us)
{
    uint64_t t0 = now_ns();
    phys_addr_t pa = s_alloc_run(s, k, CHURN_RUN, max);
    *us = (double)(now_ns() - t0) / 1000.0;
    return pa;
}

/* A request no free memory can serve. Return: its time in microseconds. */
INLINE double timed_nofit(struct subject *s, enum kind k)
{
    uint64_t t0 = now_ns();
    phys_addr_t pa = s_alloc_run(s, k, NOFIT_RUN, 4 * GiB);
    double us = (double)(now_ns() - t0) / 1000.0;
    CHECK(pa == PHYS_NONE, "%s: a 512 MiB run below 4 GiB after churn at 0x%llx", kind_name[k],
          (unsigned long long)pa);
    return us;
}

/* The run lies below max and holds none of the n frames still out. */
static void check_run(struct subject *s, phys_addr_t pa, phys_addr_t max, const phys_addr_t *v,
                      uint64_t n)
{
    CHECK(pa != PHYS_NONE && (!max || pa + CHURN_RUN * PAGE_SIZE <= max),
          "%s: no 1 MiB run below 0x%llx after churn (got 0x%llx)", kind_name[s->kind],
          (unsigned long long)max, (unsigned long long)pa);
    for (uint64_t i = 0; pa != PHYS_NONE && i < n; i++)
        CHECK(v[i] < pa || v[i] >= pa + CHURN_RUN * PAGE_SIZE,
              "%s: the run 0x%llx holds frame 0x%llx, which is out", kind_name[s->kind],
              (unsigned long long)pa, (unsigned long long)v[i]);
}

/* What one repetition measured. */
struct churn_times {
    double first, again; /* microseconds */
    double nofit, nofit_again;
    double huge;          /* the 2 MiB frame, with one */
    uint64_t free_frames; /* before the first request */
};

/*
 * One repetition on a fresh allocator over the map of ram bytes: churn, then time the 1 MiB run
 * (below 4 GiB, or with one, without a ceiling) and the same request once more.
 */
static void one_rep(struct subject *s, uint64_t ram, bool one, bool huge, phys_addr_t *v,
                    uint64_t cap, struct churn_times *t)
{
    subject_start(s, s->kind, ram);
    uint64_t n = DISPATCH(churn, s, v, cap, one);
    t->free_frames = free_frames(s);
    phys_addr_t max = one ? 0 : 4 * GiB;
    phys_addr_t a = PHYS_NONE, b = PHYS_NONE;
    if (huge) {
        uint64_t t0 = now_ns();
        a = s_alloc_huge(s, s->kind);
        t->huge = (double)(now_ns() - t0) / 1000.0;
        CHECK(a != PHYS_NONE && IS_ALIGNED(a, FRAME_HUGE_SIZE), "%s: no 2 MiB frame after churn",
              kind_name[s->kind]);
    } else {
        a = DISPATCH(timed_run, s, max, &t->first);
        check_run(s, a, max, v, n);
        b = DISPATCH(timed_run, s, max, &t->again);
        check_run(s, b, max, v, n);
    }
    if (!one) {
        t->nofit = DISPATCH(timed_nofit, s);
        t->nofit_again = DISPATCH(timed_nofit, s);
    }
    for (int k = 0; k < 2; k++) {
        if ((k ? b : a) == PHYS_NONE)
            continue;
        if (huge)
            DISPATCH(s_free_huge, s, k ? b : a);
        else
            DISPATCH(s_free_run, s, k ? b : a, CHURN_RUN);
    }
    /* frame64's list may have moved into a few free frames (counted as reserved then) */
    uint64_t now = free_frames(s);
    CHECK(now <= t->free_frames && t->free_frames - now < 64,
          "%s churn: %llu frames free, was %llu", kind_name[s->kind], (unsigned long long)now,
          (unsigned long long)t->free_frames);
}

void w8_churn(enum kind kind)
{
    static struct subject s;
    const uint64_t rams[2] = {cfg.churn_ram_small, cfg.churn_ram_large};
    for (int m = 0; m < 2; m++) {
        uint64_t ram = rams[m], cap = ram / PAGE_SIZE + 1;
        phys_addr_t *v = malloc(cap * sizeof(*v));
        double t[MAXREPS], t2[MAXREPS], td[MAXREPS], tn[MAXREPS], tn2[MAXREPS], th[MAXREPS];
        arena_create(map_top(ram));
        s.kind = kind;
        for (int r = -1; r < cfg.reps; r++) {
            struct churn_times ct, full, huge;
            one_rep(&s, ram, false, false, v, cap, &ct);
            one_rep(&s, ram, true, false, v, cap, &full);
            one_rep(&s, ram, true, true, v, cap, &huge);
            if (r >= 0) {
                t[r] = ct.first;
                t2[r] = ct.again;
                tn[r] = ct.nofit;
                tn2[r] = ct.nofit_again;
                th[r] = huge.huge;
                td[r] = full.first / ((double)(full.free_frames * PAGE_SIZE) / (double)GiB);
            }
        }
        arena_destroy();
        free(v);
        static char labels[2][6][48];
        char size[16];
        snprintf(size, sizeof(size), ram >= GiB ? "%llu GiB" : "%llu MiB",
                 (unsigned long long)(ram >= GiB ? ram / GiB : ram / MiB));
        snprintf(labels[m][0], sizeof(labels[m][0]), "8%c run after churn, %s: 1 MiB <4G",
                 m ? 'b' : 'a', size);
        snprintf(labels[m][1], sizeof(labels[m][1]), "8c the same run again, %s", size);
        snprintf(labels[m][2], sizeof(labels[m][2]), "8d drain all stacked, %s: per GiB", size);
        put(labels[m][0], "us", kind, median(t, cfg.reps));
        put(labels[m][1], "us", kind, median(t2, cfg.reps));
        put(labels[m][2], "us/GiB", kind, median(td, cfg.reps));
        snprintf(labels[m][3], sizeof(labels[m][3]), "8e no 512 MiB run <4G, %s", size);
        snprintf(labels[m][4], sizeof(labels[m][4]), "8f the same, asked again, %s", size);
        put(labels[m][3], "us", kind, median(tn, cfg.reps));
        put(labels[m][4], "us", kind, median(tn2, cfg.reps));
        snprintf(labels[m][5], sizeof(labels[m][5]), "8g 2 MiB frame after churn, %s", size);
        put(labels[m][5], "us", kind, median(th, cfg.reps));
    }
}
