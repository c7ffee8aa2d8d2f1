/* SPDX-License-Identifier: 0BSD */
/*
 * bench_frag: fragmentation (issue 20, part 6). A long random mix of requests for 2 MiB frames and
 * for groups of 4 KiB frames (1 to 256, taken and freed together, as a process's pages are), frees
 * of whole blocks in random order, memory kept nearly full (90% by default); then how many 2 MiB
 * requests were granted, how long they took and how many whole 2 MiB areas are free at the end,
 * for frame64 and for the bitmap baseline (first fit from a hint, 2 MiB frames by an aligned run
 * search). The counts come from what the program itself holds, so they say what is free, not what
 * an allocator believes; every allocator gets the same sequence of decisions (one seed), though
 * what it is asked to free depends on what it granted. Before the mix every frame is handed out
 * once and freed in random order, as on a machine that has run a while; then the CPU idles, and
 * the kernel's idle work gives its per-CPU cache back to the stack (src/kernel/frame_idle.c), which
 * the benchmark does with frame_cache_drain(). frame64 runs three times: with its whole 2 MiB
 * areas (the anti-fragmentation policy); the same with no idle after that first round, so the
 * last frames freed (up to 510) stay cached, one in each of as many areas, which stay on the stack
 * with the single frames spread over them (docs/performance.md, "Fragmentation"); and without
 * areas (FRAME_NO_AREAS: the stack alone, whose drains sort free memory when a 2 MiB request needs
 * it).
 *
 *   bench_frag [--steps N] [--mib N] [--huge-every N] [--full PCT] [--group N] [--smoke]
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "bench.h"

static uint64_t rng;
static uint64_t rand64(void) /* splitmix64 */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* What the program holds: a 2 MiB frame, or a group of 4 KiB frames taken and freed together
 * (as a process's pages are). */
struct held {
    phys_addr_t *f; /* the group's frames (NULL for a 2 MiB frame) */
    phys_addr_t pa; /* the 2 MiB frame */
    uint32_t n;
};

struct result {
    uint64_t asked, granted;  /* 2 MiB requests */
    uint64_t singles_failed;  /* 4 KiB requests refused (memory full) */
    uint64_t whole_free;      /* 2 MiB areas with nothing held at the end (RAM areas only) */
    uint64_t ram_areas;       /* 2 MiB areas made only of free RAM at the start */
    uint64_t free_frames_end; /* 4 KiB frames not held at the end */
    double huge_us;           /* mean time of a 2 MiB request */
    uint64_t drains;
};

/* What the map's free RAM is, per 2 MiB area: whether the whole area is RAM the pools manage. */
static bool *ram_area;

static void mark_ram_areas(uint64_t ram)
{
    struct region_list l;
    struct region e[REGION_STATIC_CAPACITY];
    const struct region *r;
    map_build(&l, e, ARRAY_SIZE(e), ram);
    uint64_t n = map_top(ram) / FRAME_HUGE_SIZE;
    ram_area = calloc(n, sizeof(bool));
    for (uint64_t a = 0; a < n; a++) {
        r = region_lookup(&l, a * FRAME_HUGE_SIZE);
        ram_area[a] = r && r->tag == REGION_FREE && r->end >= (a + 1) * FRAME_HUGE_SIZE &&
                      a * FRAME_HUGE_SIZE >= FRAME_ISA_LIMIT; /* ISA memory is the list's */
    }
}

/*
 * Whether area a is whole and free: nothing of it held by the program, and no page of it taken by
 * the subject's region list for its own storage (a list that grows takes free memory, REGION_META).
 */
static bool area_free(const struct subject *s, const uint32_t *in_area, uint64_t a)
{
    if (!ram_area[a] || in_area[a] != 0)
        return false;
    const struct region *r;
    region_for_each(&s->list, r)
    {
        if (r->tag == REGION_META && r->base < (a + 1) * FRAME_HUGE_SIZE &&
            r->end > a * FRAME_HUGE_SIZE)
            return false;
    }
    return true;
}

static uint64_t full_pct = 90;   /* memory held before frees take over (--full) */
static uint64_t group_max = 256; /* 4 KiB frames per group: 1 to this many (--group) */

/* idle: frame64's cache goes back to the stack after the first round, as an idle CPU's does. */
static void one_run(enum kind kind, unsigned flags, bool idle, uint64_t ram, uint64_t steps,
                    uint64_t every, struct result *res)
{
    static struct subject s;
    subject_start_flags(&s, kind, ram, flags);
    uint64_t total = free_frames(&s), target = total * full_pct / 100, used = 0, n = 0, ns = 0;
    uint64_t nareas = map_top(ram) / FRAME_HUGE_SIZE;
    struct held *h = malloc((total + 1) * sizeof(*h));
    uint32_t *in_area = calloc(nareas, sizeof(uint32_t));
    *res = (struct result){0};
    /*
     * A machine that has run a while: every frame was handed out once and freed in random order
     * (the allocators' seeding, lazy or not, no longer decides where the next frame comes from).
     */
    phys_addr_t *all = malloc(total * sizeof(*all));
    uint64_t got = 0;
    while (got < total && (all[got] = DISPATCH(s_alloc, &s)) != PHYS_NONE)
        got++;
    shuffle_restart(); /* the same permutation for every subject */
    shuffle(all, got);
    for (uint64_t k = 0; k < got; k++)
        DISPATCH(s_free, &s, all[k]);
    free(all);
    if (kind == BATCHED && idle)
        frame_cache_drain(&s.pool);
    rng = 0xf4a9; /* the same decisions for every allocator */
    for (uint64_t i = 0; i < steps; i++) {
        uint64_t r = rand64();
        if (used > target || (n && r % 4 == 0)) { /* a free, of a random held block, whole */
            uint64_t k = (r >> 8) % n;
            struct held x = h[k];
            h[k] = h[--n];
            if (!x.f) {
                DISPATCH(s_free_huge, &s, x.pa);
                used -= FRAME_HUGE_SIZE / PAGE_SIZE;
                in_area[x.pa / FRAME_HUGE_SIZE] -= FRAME_HUGE_SIZE / PAGE_SIZE;
                continue;
            }
            for (uint32_t j = x.n; j-- > 0;) {
                DISPATCH(s_free, &s, x.f[j]);
                in_area[x.f[j] / FRAME_HUGE_SIZE]--;
            }
            used -= x.n;
            free(x.f);
            continue;
        }
        if ((r >> 8) % every == 0) {
            uint64_t t0 = now_ns();
            phys_addr_t pa = DISPATCH(s_alloc_huge, &s);
            ns += now_ns() - t0;
            res->asked++;
            if (pa == PHYS_NONE) { /* the guarantee: refused only with no whole area free */
                uint64_t whole = 0;
                for (uint64_t a = 0; a < nareas; a++)
                    whole += area_free(&s, in_area, a);
                CHECK(whole == 0, "%s: a 2 MiB request refused with %llu whole areas free",
                      kind_name[kind], (unsigned long long)whole);
                continue;
            }
            res->granted++;
            h[n++] = (struct held){NULL, pa, 0};
            used += FRAME_HUGE_SIZE / PAGE_SIZE;
            in_area[pa / FRAME_HUGE_SIZE] += FRAME_HUGE_SIZE / PAGE_SIZE;
            continue;
        }
        uint32_t want = 1 + (uint32_t)((r >> 20) % group_max), got = 0;
        phys_addr_t *f = malloc(want * sizeof(*f));
        while (got < want && (f[got] = DISPATCH(s_alloc, &s)) != PHYS_NONE)
            in_area[f[got++] / FRAME_HUGE_SIZE]++;
        res->singles_failed += want - got;
        used += got;
        if (got)
            h[n++] = (struct held){f, 0, got};
        else
            free(f);
    }
    for (uint64_t a = 0; a < nareas; a++) {
        res->ram_areas += ram_area[a];
        res->whole_free += area_free(&s, in_area, a);
    }
    res->free_frames_end = total - used;
    res->huge_us = res->asked ? (double)ns / 1000.0 / (double)res->asked : 0;
    res->drains = kind == BATCHED ? s.pool.drains : 0;
    CHECK(free_frames(&s) + (kind == BATCHED ? 64 : 0) >= total - used,
          "%s: %llu frames free, %llu expected", kind_name[kind],
          (unsigned long long)free_frames(&s), (unsigned long long)(total - used));
    /* give everything back: the pool must account for it */
    for (uint64_t k = 0; k < n; k++) {
        if (!h[k].f)
            DISPATCH(s_free_huge, &s, h[k].pa);
        for (uint32_t j = 0; j < h[k].n; j++)
            DISPATCH(s_free, &s, h[k].f[j]);
        free(h[k].f);
    }
    CHECK(free_frames(&s) + 64 >= total, "%s: %llu frames free after giving all back, of %llu",
          kind_name[kind], (unsigned long long)free_frames(&s), (unsigned long long)total);
    free(h);
    free(in_area);
}

int main(int argc, char **argv)
{
    uint64_t steps = 400000, mib = 1024, every = 16;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            smoke = true;
            steps = 20000;
            mib = 64;
        } else if (strcmp(argv[i], "--steps") == 0 && i + 1 < argc && atoll(argv[i + 1]) > 0) {
            steps = (uint64_t)atoll(argv[++i]);
        } else if (strcmp(argv[i], "--mib") == 0 && i + 1 < argc && atoll(argv[i + 1]) >= 64) {
            mib = (uint64_t)atoll(argv[++i]);
        } else if (strcmp(argv[i], "--full") == 0 && i + 1 < argc && atoll(argv[i + 1]) > 0 &&
                   atoll(argv[i + 1]) < 100) {
            full_pct = (uint64_t)atoll(argv[++i]);
        } else if (strcmp(argv[i], "--group") == 0 && i + 1 < argc && atoll(argv[i + 1]) > 0) {
            group_max = (uint64_t)atoll(argv[++i]);
        } else if (strcmp(argv[i], "--huge-every") == 0 && i + 1 < argc && atoll(argv[i + 1]) > 0) {
            every = (uint64_t)atoll(argv[++i]);
        } else {
            fprintf(stderr,
                    "usage: %s [--steps N] [--mib N] [--huge-every N] [--full PCT] [--group N] "
                    "[--smoke]\n",
                    argv[0]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    uint64_t ram = mib * MiB;
    printf("bench_frag: %llu MiB of RAM, %llu steps: a free (of a random held block, whole) when "
           "more than %llu%% of memory is held or 1 step in 4, else a request: 1 in %llu for a "
           "2 MiB frame, the others for 1 to %llu 4 KiB frames\nload average at the start: "
           "%s\n\n",
           (unsigned long long)mib, (unsigned long long)steps, (unsigned long long)full_pct,
           (unsigned long long)every, (unsigned long long)group_max, loadavg());
    arena_create(map_top(ram));
    arena_prefault(ram);
    mark_ram_areas(ram);
    static const struct {
        const char *name;
        enum kind kind;
        unsigned flags;
        bool idle;
    } subjects[] = {
        {"frame64", BATCHED, 0, true},
        {"frame64 never idle", BATCHED, 0, false},
        {"frame64 no areas", BATCHED, FRAME_NO_AREAS, true},
        {"bitmap (first fit)", BITMAP, 0, false},
    };
    printf("%-22s %10s %10s %9s %13s %13s %11s %8s\n", "allocator", "2M asked", "2M granted",
           "granted", "whole areas", "of RAM areas", "us per 2M", "drains");
    printf("%-22s %10s %10s %9s %13s %13s %11s %8s\n", "", "", "", "", "free at end", "", "request",
           "");
    for (size_t i = 0; i < ARRAY_SIZE(subjects); i++) {
        struct result r;
        one_run(subjects[i].kind, subjects[i].flags, subjects[i].idle, ram, steps, every, &r);
        printf("%-22s %10llu %10llu %8.1f%% %13llu %13llu %11.2f %8llu\n", subjects[i].name,
               (unsigned long long)r.asked, (unsigned long long)r.granted,
               r.asked ? 100.0 * (double)r.granted / (double)r.asked : 0.0,
               (unsigned long long)r.whole_free, (unsigned long long)r.ram_areas, r.huge_us,
               (unsigned long long)r.drains);
        CHECK(r.singles_failed == 0 || smoke, "%s: %llu 4 KiB requests refused", subjects[i].name,
              (unsigned long long)r.singles_failed);
    }
    printf("\nload average at the end: %s\n", loadavg());
    arena_destroy();
    if (check_failures)
        printf("\n%d CHECKS FAILED: the numbers above are not trustworthy\n", check_failures);
    return check_failures ? 1 : 0;
}
