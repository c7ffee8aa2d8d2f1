/* SPDX-License-Identifier: 0BSD */
/*
 * bench_frames: frame64's page-frame manager against a conventional bitmap allocator
 * (bench/bitmap_alloc.c) and, for single frames, a plain linked free list (bench/linked_alloc.c),
 * on host memory standing in for RAM (the
 * sparse arena). Prints one table of medians and a PASS/MISS block for the performance targets.
 * `bench_frames --smoke` runs every workload a few times with small sizes and only checks that
 * results are sane (CTest bench.smoke). docs/performance.md explains the workloads.
 */
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>

#include "arena.h"
#include "bench.h"

/* ---- Workload 1: alloc+free pairs in LIFO order, on a warm allocator ---- */

INLINE uint64_t lifo_loop(struct subject *s, enum kind k, uint64_t n)
{
    uint64_t acc = 0, fails = 0;
    for (uint64_t i = 0; i < n; i++) {
        phys_addr_t pa = s_alloc(s, k);
        if (pa == PHYS_NONE) {
            fails++;
            continue;
        }
        acc += pa;
        s_free(s, k, pa);
    }
    sink += acc;
    return fails;
}

INLINE void fill_then_free(struct subject *s, enum kind k, phys_addr_t *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        v[i] = s_alloc(s, k);
    for (uint64_t i = 0; i < n; i++)
        if (v[i] != PHYS_NONE)
            s_free(s, k, v[i]);
}

static void w1_lifo(struct subject *s)
{
    static phys_addr_t warm[1024];
    DISPATCH(fill_then_free, s, warm, ARRAY_SIZE(warm)); /* a few batches on the stack */
    uint64_t start = free_frames(s), fails = 0;
    double t[MAXREPS];
    for (int r = -1; r < cfg.reps; r++) {
        uint64_t n = r < 0 ? cfg.lifo_pairs / 10 : cfg.lifo_pairs, t0 = now_ns();
        fails += DISPATCH(lifo_loop, s, n);
        if (r >= 0)
            t[r] = (double)(now_ns() - t0) / (double)n;
    }
    CHECK(fails == 0, "%s LIFO: %llu allocations failed", kind_name[s->kind],
          (unsigned long long)fails);
    CHECK(free_frames(s) == start, "%s LIFO: free count %llu, was %llu", kind_name[s->kind],
          (unsigned long long)free_frames(s), (unsigned long long)start);
    put("1  LIFO alloc+free pair", "ns/pair", s->kind, median(t, cfg.reps));
}

/* ---- Workload 2: N allocations, then N frees in random order ---- */

INLINE void alloc_n(struct subject *s, enum kind k, phys_addr_t *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        v[i] = s_alloc(s, k);
}

INLINE void free_n(struct subject *s, enum kind k, phys_addr_t *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (v[i] != PHYS_NONE) /* a failed allocation, already counted */
            s_free(s, k, v[i]);
}

/* Every address is a distinct frame inside a free range of the original map. */
static void check_frames(struct subject *s, const phys_addr_t *v, uint64_t n, uint64_t ram)
{
    struct region_list l;
    struct region e[REGION_STATIC_CAPACITY];
    map_build(&l, e, ARRAY_SIZE(e), ram);
    uint64_t words = map_top(ram) / PAGE_SIZE / 64, bad = 0;
    uint64_t *seen = calloc(words, sizeof(uint64_t));
    for (uint64_t i = 0; i < n && seen; i++) {
        const struct region *r = v[i] == PHYS_NONE ? NULL : region_lookup(&l, v[i]);
        uint64_t f = v[i] / PAGE_SIZE;
        if (!r || r->tag != REGION_FREE || !IS_ALIGNED(v[i], PAGE_SIZE) ||
            (seen[f / 64] >> (f % 64) & 1))
            bad++;
        else
            seen[f / 64] |= (uint64_t)1 << (f % 64);
    }
    CHECK(seen && bad == 0, "%s: %llu of %llu frames are not distinct free frames",
          kind_name[s->kind], (unsigned long long)bad, (unsigned long long)n);
    free(seen);
}

static void w2_random(struct subject *s, uint64_t ram)
{
    /* All free frames but the lowest 16 MiB: see docs/performance.md (frame64 sends frames below
     * 16 MiB back to its region list, which would have to grow into the memory being measured). */
    uint64_t start = free_frames(s), n = start - 16 * MiB / PAGE_SIZE;
    phys_addr_t *v = malloc(n * sizeof(*v));
    double ta[MAXREPS], tf[MAXREPS];
    uint64_t fails = 0;
    for (int r = -1; r < cfg.reps; r++) {
        uint64_t t0 = now_ns();
        DISPATCH(alloc_n, s, v, n);
        uint64_t t1 = now_ns();
        if (r < 0)
            check_frames(s, v, n, ram);
        for (uint64_t i = 0; i < n; i++)
            fails += v[i] == PHYS_NONE;
        shuffle(v, n);
        uint64_t t2 = now_ns();
        DISPATCH(free_n, s, v, n);
        uint64_t t3 = now_ns();
        if (r >= 0) {
            ta[r] = (double)(t1 - t0) / (double)n;
            tf[r] = (double)(t3 - t2) / (double)n;
        }
    }
    CHECK(fails == 0, "%s random: %llu allocations failed", kind_name[s->kind],
          (unsigned long long)fails);
    CHECK(free_frames(s) == start, "%s random: free count %llu, was %llu", kind_name[s->kind],
          (unsigned long long)free_frames(s), (unsigned long long)start);
    free(v);
    if (s->kind == BITMAP)
        printf("   (2: N = %llu frames: every free frame of the %llu MiB map but 16 MiB)\n",
               (unsigned long long)n, (unsigned long long)(ram / MiB));
    put("2a random order: alloc phase", "ns/op", s->kind, median(ta, cfg.reps));
    put("2b random order: free phase", "ns/op", s->kind, median(tf, cfg.reps));
}

/* ---- Workload 3: 16-frame runs below 16 MiB from a fragmented map ---- */

#define RUN_CEIL (16 * MiB)

/*
 * Fills [0, 16 MiB) with 8-frame runs, then frees every odd run (8-frame holes, too small) and
 * every eighth even run (24-frame holes that fit one 16-frame run).
 * Return: how many 16-frame runs fit afterwards.
 */
static uint64_t fragment(struct subject *s, phys_addr_t *q, uint64_t cap)
{
    static phys_addr_t runs[4096];
    uint64_t m = 0, k = 0;
    while (m < ARRAY_SIZE(runs) && (runs[m] = DISPATCH(s_alloc_run, s, 8, RUN_CEIL)) != PHYS_NONE)
        m++;
    for (uint64_t i = 1; i + 1 < m; i++)
        if (i % 2 == 1 || i % 8 == 0)
            DISPATCH(s_free_run, s, runs[i], 8);
    while (k < cap && (q[k] = DISPATCH(s_alloc_run, s, 16, RUN_CEIL)) != PHYS_NONE)
        k++;
    for (uint64_t i = 0; i < k; i++)
        DISPATCH(s_free_run, s, q[i], 16);
    return k;
}

INLINE uint64_t runs_alloc(struct subject *s, enum kind k, phys_addr_t *q, uint64_t nq)
{
    uint64_t fails = 0;
    for (uint64_t i = 0; i < nq; i++)
        fails += (q[i] = s_alloc_run(s, k, 16, RUN_CEIL)) == PHYS_NONE;
    return fails;
}

INLINE uint64_t runs_free(struct subject *s, enum kind k, phys_addr_t *q, uint64_t nq)
{
    for (uint64_t i = 0; i < nq; i++)
        if (q[i] != PHYS_NONE)
            s_free_run(s, k, q[i], 16);
    return 0;
}

static void w3_runs(struct subject *s)
{
    static phys_addr_t q[1024];
    uint64_t k = fragment(s, q, ARRAY_SIZE(q)), start = free_frames(s), fails = 0;
    double ta[MAXREPS], tf[MAXREPS];
    CHECK(k > 0, "%s runs: no 16-frame run fits the fragmented map", kind_name[s->kind]);
    for (int r = -1; r < cfg.reps && k > 0; r++) {
        uint64_t a = 0, f = 0;
        for (uint64_t c = 0; c < cfg.hole_cycles; c++) {
            uint64_t t0 = now_ns();
            fails += DISPATCH(runs_alloc, s, q, k);
            uint64_t t1 = now_ns();
            DISPATCH(runs_free, s, q, k);
            f += now_ns() - t1;
            a += t1 - t0;
        }
        if (r >= 0) {
            ta[r] = (double)a / (double)(k * cfg.hole_cycles);
            tf[r] = (double)f / (double)(k * cfg.hole_cycles);
        }
    }
    CHECK(fails == 0, "%s runs: %llu run allocations failed", kind_name[s->kind],
          (unsigned long long)fails);
    CHECK(free_frames(s) == start, "%s runs: free count %llu, was %llu", kind_name[s->kind],
          (unsigned long long)free_frames(s), (unsigned long long)start);
    printf("   (3: %s fits %llu runs of 16 frames in the fragmented first 16 MiB)\n",
           kind_name[s->kind], (unsigned long long)k);
    if (k > 0) {
        put("3a 16-frame run <16 MiB, fragmented: alloc", "ns/op", s->kind, median(ta, cfg.reps));
        put("3b 16-frame run <16 MiB, fragmented: free", "ns/op", s->kind, median(tf, cfg.reps));
    }
}

/* ---- Workloads 4 and 5: start-up time and metadata for growing maps ---- */

static const uint64_t init_ram[3] = {128 * MiB, 16 * GiB, 1 * TiB};
static const char *const init_label[3] = {"4  start-up, 128 MiB map", "4  start-up, 16 GiB map",
                                          "4  start-up, 1 TiB map"};
static uint64_t meta_bytes[3][NKINDS];

static void w4_init(enum kind kind)
{
    static struct subject slot[BATCH];
    for (int m = 0; m < 3; m++) {
        double t[MAXREPS];
        arena_create(map_top(init_ram[m]));
        int batch = kind == BITMAP ? cfg.init_batch_bitmap : cfg.init_batch;
        for (int r = -1; r < cfg.reps; r++) {
            for (int i = 0; i < batch; i++) { /* fresh lists: frame_init takes them over */
                slot[i].kind = kind;
                map_build(&slot[i].list, slot[i].entries, ARRAY_SIZE(slot[i].entries), init_ram[m]);
            }
            uint64_t bytes = bitmap_storage_bytes(&slot[0].list), err = 0;
            uint64_t *store = bitmap_storage(bytes);
            uint64_t t0 = now_ns();
            for (int i = 0; i < batch; i++) {
                if (kind == BITMAP)
                    err |= (uint64_t)-bitmap_init(&slot[i].bm, &slot[i].list, store, bytes);
                else if (kind == LINKED)
                    linked_init(&slot[i].ll, &slot[i].list);
                else
                    err |= (uint64_t)-frame_init(&slot[i].pool, &slot[i].list, 0);
            }
            uint64_t t1 = now_ns();
            CHECK(err == 0, "%s init failed", kind_name[kind]);
            if (r >= 0)
                t[r] = (double)(t1 - t0) / batch / 1000.0;
        }
        uint64_t expect = (init_ram[m] - 3 * MiB - 256 * KiB) / PAGE_SIZE; /* map_build */
        CHECK(free_frames(&slot[0]) == expect, "%s init: %llu free frames, expected %llu",
              kind_name[kind], (unsigned long long)free_frames(&slot[0]),
              (unsigned long long)expect);
        meta_bytes[m][kind] =
            kind == BITMAP ? bitmap_meta_bytes(&slot[0].bm)
            : kind == LINKED
                ? sizeof(struct linked_alloc) + slot[0].list.count * sizeof(struct region)
                : sizeof(struct frame_pool) + slot[0].list.count * sizeof(struct region);
        put(init_label[m], "us", kind, median(t, cfg.reps));
        arena_destroy();
    }
    put("4  start-up ratio 1 TiB / 128 MiB", "x", kind,
        get(init_label[2], kind) / get(init_label[0], kind));
    put("5  metadata per GiB, 16 GiB map", "B/GiB", kind, (double)meta_bytes[1][kind] / 16.0);
    put("5  metadata per GiB, 1 TiB map", "B/GiB", kind, (double)meta_bytes[2][kind] / 1024.0);
}

/* ---- Workload 6: the bitmap's worst case, a nearly full map ---- */

/*
 * Everything allocated, then the 8 highest frames freed. Each cycle frees a low frame (16 MiB):
 * for the bitmap that pulls the search hint down, so the next allocation takes it back and the
 * one after must scan the whole bitmap up to the 8 free frames at the top.
 */
INLINE uint64_t worst_loop(struct subject *s, enum kind k, phys_addr_t *hold, uint64_t cycles)
{
    uint64_t fails = 0, acc = 0;
    for (uint64_t c = 0; c < cycles; c++) {
        s_free(s, k, *hold);
        phys_addr_t x = s_alloc(s, k), y = s_alloc(s, k);
        if (x == PHYS_NONE || y == PHYS_NONE) {
            fails++;
            break;
        }
        s_free(s, k, y);
        acc += y;
        *hold = x;
    }
    sink += acc;
    return fails;
}

static void w6_worst(struct subject *s)
{
    uint64_t top = ram_top(cfg.worst_ram), n = 0;
    while (DISPATCH(s_alloc, s) != PHYS_NONE)
        n++;
    CHECK(free_frames(s) == 0, "%s worst: %llu frames left after allocating %llu",
          kind_name[s->kind], (unsigned long long)free_frames(s), (unsigned long long)n);
    for (int i = 1; i <= 8; i++)
        DISPATCH(s_free, s, top - (uint64_t)i * PAGE_SIZE);
    phys_addr_t hold = 16 * MiB;
    uint64_t cycles = s->kind == BITMAP ? cfg.worst_cycles_bitmap : cfg.worst_cycles, fails = 0;
    double t[MAXREPS];
    for (int r = -1; r < cfg.reps; r++) {
        uint64_t t0 = now_ns();
        fails += DISPATCH(worst_loop, s, &hold, cycles);
        if (r >= 0)
            t[r] = (double)(now_ns() - t0) / (double)(4 * cycles);
    }
    CHECK(fails == 0 && free_frames(s) == 8, "%s worst: %llu failures, %llu free (expected 8)",
          kind_name[s->kind], (unsigned long long)fails, (unsigned long long)free_frames(s));
    put("6  nearly full 64 GiB: alloc/free", "ns/op", s->kind, median(t, cfg.reps));
}

/* Parses "--only LIST" (workloads, e.g. "2,8") into a mask. Return: false if it is malformed. */
static bool parse_only(const char *list, unsigned *mask)
{
    *mask = 0;
    for (const char *p = list; *p; p++) {
        if (*p >= '1' && *p <= '8')
            *mask |= 1u << (*p - '0');
        else if (*p != ',')
            return false;
    }
    return *mask != 0;
}

int main(int argc, char **argv)
{
    unsigned only = ~0u; /* workloads to run: bit n for workload n */
    bool linked = true;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--smoke") == 0) {
            smoke = true;
            cfg.reps = 1;
            cfg.lifo_pairs = 10000;
            cfg.random_ram = 64 * MiB;
            cfg.hole_cycles = 1;
            cfg.worst_ram = 1 * GiB;
            cfg.worst_cycles_bitmap = 10;
            cfg.worst_cycles = 1000;
            cfg.init_batch = cfg.init_batch_bitmap = 1;
            cfg.churn_ram_small = 64 * MiB;
            cfg.churn_ram_large = 128 * MiB;
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
                   parse_only(argv[i + 1], &only)) {
            i++;
        } else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc && atoi(argv[i + 1]) >= 1 &&
                   atoi(argv[i + 1]) <= MAXREPS) {
            cfg.reps = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--no-linked") == 0) {
            linked = false;
        } else if (strcmp(argv[i], "--random-mib") == 0 && i + 1 < argc &&
                   atoi(argv[i + 1]) >= 64) {
            cfg.random_ram = (uint64_t)atoi(argv[++i]) * MiB;
        } else {
            fprintf(
                stderr,
                "usage: %s [--smoke] [--only 1,2,...] [--reps N] [--no-linked] [--random-mib N]\n"
                "  --only: run only these workloads (for profiling: perf, callgrind)\n"
                "  --random-mib: RAM of workloads 1-3 (default 4096)\n",
                argv[0]);
            return 2;
        }
    }
    setvbuf(stdout, NULL, _IOLBF, 0);
    print_header(argc, argv);
    static struct subject s;
    int kinds = linked ? NKINDS : LINKED;

    if (only & (1u << 1 | 1u << 2 | 1u << 3)) {
        arena_create(map_top(cfg.random_ram));
        arena_prefault(cfg.random_ram);
        for (int k = 0; k < kinds; k++) {
            subject_start(&s, (enum kind)k, cfg.random_ram);
            if (only & (1u << 1))
                w1_lifo(&s);
            if (only & (1u << 2))
                w2_random(&s, cfg.random_ram);
            subject_start(&s, (enum kind)k, cfg.random_ram);
            if ((only & (1u << 3)) && k != LINKED) /* runs are not the linked list's job */
                w3_runs(&s);
        }
        arena_destroy();
    }
    for (int k = 0; k < kinds && (only & (1u << 4 | 1u << 5)); k++)
        w4_init((enum kind)k);
    for (int k = 0; k < kinds && (only & (1u << 6)); k++) {
        arena_create(map_top(cfg.worst_ram));
        subject_start(&s, (enum kind)k, cfg.worst_ram);
        w6_worst(&s);
        arena_destroy();
    }
    for (int k = 0; k < kinds && (only & (1u << 8)); k++)
        if (k != LINKED)
            w8_churn((enum kind)k);
    print_table();
    if (only == ~0u)
        print_targets();
    printf("load average at the end: %s\n", loadavg());
    if (check_failures)
        printf("\n%d CHECKS FAILED: the numbers above are not trustworthy\n", check_failures);
    return check_failures ? 1 : 0;
}
