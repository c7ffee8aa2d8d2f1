/* SPDX-License-Identifier: 0BSD */
/*
 * The benchmark's plumbing: timing and statistics, the memory maps, starting each allocator under
 * test, and the report (header, table, PASS/MISS targets). The workloads are in bench_frames.c.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <frame64/error.h>
#include <frame64/phys.h>

#include "bench.h"

const char *const kind_name[NKINDS] = {"bitmap", "batched", "linked"};
struct bench_config cfg = {REPS,    10000000, 4 * GiB, 50,      64 * GiB, 100,
                           1000000, BATCH,    8,       1 * GiB, 16 * GiB};
bool smoke;
int check_failures;
volatile uint64_t sink;

uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#define SHUFFLE_SEED 0x5eedf00du
static uint64_t rng = SHUFFLE_SEED;
static uint64_t rand64(void) /* splitmix64, fixed seed: every run shuffles the same way */
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void shuffle(phys_addr_t *v, uint64_t n)
{
    for (uint64_t i = n; i > 1; i--) {
        uint64_t j = (uint64_t)(((unsigned __int128)rand64() * i) >> 64);
        phys_addr_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}

void shuffle_restart(void)
{
    rng = SHUFFLE_SEED;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * A realistic firmware map with ram bytes of RAM: the first MiB and the kernel reserved, ACPI
 * tables at the top of low RAM, low RAM ending at 3 GiB at most, a 32-bit PCI hole with a firmware
 * ROM below 4 GiB, and the rest of the RAM from 4 GiB up.
 */
void map_build(struct region_list *l, struct region *storage, size_t cap, uint64_t ram)
{
    uint64_t low = MIN(ram, 3 * GiB);
    int err = K_OK;
    region_init(l, "bench", storage, cap);
    err |= region_add(l, 3 * MiB, low - 256 * KiB);
    err |= region_set(l, 0, 1 * MiB, REGION_LOWMEM);
    err |= region_set(l, 1 * MiB, 3 * MiB, REGION_KERNEL);
    err |= region_set(l, low - 256 * KiB, low, REGION_ACPI_RECLAIM);
    err |= region_set(l, 4 * GiB - 256 * KiB, 4 * GiB, REGION_FIRMWARE);
    if (ram > low)
        err |= region_add(l, 4 * GiB, 4 * GiB + (ram - low));
    CHECK(err == K_OK, "building the %llu MiB map failed", (unsigned long long)(ram / MiB));
}

/* One past the highest byte of the map (the firmware ROM for small maps). */
uint64_t map_top(uint64_t ram)
{
    return ram > 3 * GiB ? 4 * GiB + (ram - 3 * GiB) : 4 * GiB;
}

/* One past the highest free byte of the map. */
uint64_t ram_top(uint64_t ram)
{
    return ram > 3 * GiB ? map_top(ram) : ram - 256 * KiB;
}

/* Bitmap storage, reused and touched once up front: a kernel's bitmap would already be mapped. */
static uint64_t *bm_store;
static uint64_t bm_store_bytes;

uint64_t *bitmap_storage(uint64_t bytes)
{
    if (bytes > bm_store_bytes) {
        free(bm_store);
        bm_store = malloc(bytes);
        if (!bm_store) {
            perror("malloc");
            exit(2);
        }
        memset(bm_store, 0, bytes);
        bm_store_bytes = bytes;
    }
    return bm_store;
}

/* Starts s as kind over the map of ram bytes (the arena must cover map_top(ram)). */
void subject_start(struct subject *s, enum kind kind, uint64_t ram)
{
    subject_start_flags(s, kind, ram, 0);
}

void subject_start_flags(struct subject *s, enum kind kind, uint64_t ram, unsigned frame_flags)
{
    s->kind = kind;
    map_build(&s->list, s->entries, ARRAY_SIZE(s->entries), ram);
    region_set_grow_limit(&s->list, map_top(ram));
    int err;
    if (kind == BITMAP) {
        uint64_t bytes = bitmap_storage_bytes(&s->list);
        err = bitmap_init(&s->bm, &s->list, bitmap_storage(bytes), bytes);
    } else if (kind == LINKED) {
        linked_init(&s->ll, &s->list);
        err = K_OK;
    } else {
        err = frame_init(&s->pool, &s->list, frame_flags);
    }
    CHECK(err == K_OK, "%s init: %s", kind_name[kind], kerr_str(err));
}

/*
 * Writes one byte in every page of the map's free ranges, so page faults (the host's cost of
 * backing the arena, which a kernel never pays for its RAM) stay out of the measurements.
 */
void arena_prefault(uint64_t ram)
{
    struct region_list l;
    struct region e[REGION_STATIC_CAPACITY];
    const struct region *r;
    map_build(&l, e, ARRAY_SIZE(e), ram);
    region_for_each(&l, r)
    {
        for (phys_addr_t pa = r->base; r->tag == REGION_FREE && pa < r->end; pa += PAGE_SIZE)
            *(volatile uint8_t *)phys_to_virt(pa) = 0;
    }
}

uint64_t free_frames(struct subject *s)
{
    if (s->kind == BITMAP)
        return s->bm.free_frames;
    if (s->kind == LINKED)
        return s->ll.free_frames;
    struct frame_stats st;
    frame_get_stats(&s->pool, &st);
    return (st.stacked + st.unseeded) / PAGE_SIZE;
}

/* ---- The table ---- */

struct row {
    const char *label, *unit;
    double v[NKINDS];
    bool have[NKINDS];
};
static struct row rows[32];
static int nrows;

static struct row *row(const char *label, const char *unit)
{
    for (int i = 0; i < nrows; i++)
        if (strcmp(rows[i].label, label) == 0)
            return &rows[i];
    rows[nrows] = (struct row){.label = label, .unit = unit};
    return &rows[nrows++];
}

void put(const char *label, const char *unit, enum kind k, double v)
{
    struct row *r = row(label, unit);
    r->v[k] = v;
    r->have[k] = true;
}

double get(const char *label, enum kind k)
{
    return row(label, "")->v[k];
}

/* ---- Report ---- */

/* The first three fields of /proc/loadavg. Return: them, in a static buffer. */
const char *loadavg(void)
{
    static char buf[64];
    FILE *f = fopen("/proc/loadavg", "r");
    double a = -1, b = -1, c = -1;
    if (f && fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
        a = b = c = -1;
    if (f)
        fclose(f);
    snprintf(buf, sizeof(buf), "%.2f %.2f %.2f", a, b, c);
    return buf;
}

void cpu_model(char *model, size_t n)
{
    char line[256];
    snprintf(model, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    while (f && fgets(line, sizeof(line), f))
        if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
            snprintf(model, n, "%s", strchr(line, ':') + 2);
            model[strcspn(model, "\n")] = '\0';
            break;
        }
    if (f)
        fclose(f);
}

void print_header(int argc, char **argv)
{
    char model[128], thp[128] = "unknown";
    cpu_model(model, sizeof(model));
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f && fgets(thp, sizeof(thp), f))
        thp[strcspn(thp, "\n")] = '\0';
    if (f)
        fclose(f);
    struct utsname u;
    uname(&u);
    printf("bench_frames: frame64 page-frame manager vs a bitmap allocator%s\ncommand: ",
           smoke ? " (SMOKE RUN: tiny sizes, numbers mean nothing)" : "");
    for (int i = 0; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "\n");
    printf("machine: %s, %ld cores online, %s %s, THP %s\n", model, sysconf(_SC_NPROCESSORS_ONLN),
           u.sysname, u.release, thp);
    printf("compiler: %s, flags: %s\n", __VERSION__, BENCH_CFLAGS);
    printf("load average at start: %s (the machine is shared: other work skews the numbers)\n",
           loadavg());
    printf("medians of %d repetitions after a warm-up; fixed PRNG seed; CLOCK_MONOTONIC\n\n",
           cfg.reps);
}

static void print_value(double v, bool have)
{
    if (!have)
        printf(" %9s", "-");
    else if (v >= 1000)
        printf(" %9.0f", v);
    else if (v >= 10)
        printf(" %9.1f", v);
    else if (v >= 1)
        printf(" %9.2f", v);
    else
        printf(" %9.3f", v);
}

static void print_ratio(const struct row *r, enum kind k)
{
    if (!r->have[k] || !r->have[BITMAP] || r->v[BITMAP] == 0)
        printf(" %9s", "-");
    else
        printf(" %8.3gx", r->v[k] / r->v[BITMAP]);
}

void print_table(void)
{
    printf("\n%-44s %-7s %9s %9s %9s %9s %9s\n", "workload", "unit", "bitmap", "frame64",
           "f/bitmap", "linked", "l/bitmap");
    for (int i = 0; i < nrows; i++) {
        const struct row *r = &rows[i];
        printf("%-44s %-7s", r->label, r->unit);
        print_value(r->v[BITMAP], r->have[BITMAP]);
        print_value(r->v[BATCHED], r->have[BATCHED]);
        print_ratio(r, BATCHED);
        print_value(r->v[LINKED], r->have[LINKED]);
        print_ratio(r, LINKED);
        printf("\n");
    }
    printf("frame64 = batched stack (default), linked = plain linked list (bench/linked_alloc.c); "
           "frame64 metadata excludes its\nstatic %zu-entry region array (%zu B); bitmap "
           "storage comes from malloc (pre-touched).\n",
           (size_t)REGION_STATIC_CAPACITY, REGION_STATIC_CAPACITY * sizeof(struct region));
}

static void target(bool ok, const char *what, const char *fmt, double a, double b)
{
    printf("  %s  %-58s ", ok ? "PASS" : "MISS", what);
    printf(fmt, a, b);
    printf("\n");
}

void print_targets(void)
{
    double lifo = get("1  LIFO alloc+free pair", BATCHED),
           lifo_b = get("1  LIFO alloc+free pair", BITMAP);
    double rnd =
        get("2a random order: alloc phase", BATCHED) + get("2b random order: free phase", BATCHED);
    double rnd_b =
        get("2a random order: alloc phase", BITMAP) + get("2b random order: free phase", BITMAP);
    double worst = get("6  nearly full 64 GiB: alloc/free", BATCHED);
    double worst_b = get("6  nearly full 64 GiB: alloc/free", BITMAP);
    double flat = get("4  start-up ratio 1 TiB / 128 MiB", BATCHED);
    double flat_b = get("4  start-up ratio 1 TiB / 128 MiB", BITMAP);

    printf("\ntargets (frame64 = batched stack)%s:\n",
           smoke ? " -- smoke run, not meaningful" : "");
    target(lifo < 5, "1: LIFO alloc+free pair < 5 ns", "%.2f ns%.0s", lifo, 0);
    target(rnd <= 2 * lifo, "2: random-order alloc+free within 2x of the LIFO pair",
           "%.2f ns = %.2fx", rnd, rnd / lifo);
    target(lifo <= 1.2 * lifo_b, "1: no slower than the bitmap (within 1.2x)", "%.2f vs %.2f ns",
           lifo, lifo_b);
    target(rnd <= 1.2 * rnd_b, "2: no slower than the bitmap (within 1.2x), alloc+free",
           "%.2f vs %.2f ns", rnd, rnd_b);
    target(worst_b >= 10 * worst, "6: >= 10x faster than the bitmap in its worst case", "%.0fx%.0s",
           worst_b / worst, 0);
    target(flat <= 1.2 && flat_b > 1.2, "4: start-up flat (1 TiB <= 1.2x 128 MiB), bitmap grows",
           "%.2fx (bitmap %.0fx)", flat, flat_b);
    printf("  info  4: frame64 start-up 1 TiB / 16 GiB (maps with the same number of ranges): "
           "%.2fx\n",
           get("4  start-up, 1 TiB map", BATCHED) / get("4  start-up, 16 GiB map", BATCHED));
    printf("  info  7: linked stack, random-order alloc %.1f ns/op (a cold frame read per pop)\n",
           get("2a random order: alloc phase", LINKED));
}
