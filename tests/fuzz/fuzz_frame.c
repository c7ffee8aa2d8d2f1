/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness for the page-frame manager: random sequences of frame_alloc,
 * frame_alloc_zeroed, frame_free, frame_alloc_run, frame_free_run, writes into held frames and
 * invalid frees, checked after every step against a model of what the caller holds. Aborts if a
 * frame or run is handed out twice or overlaps, lies outside the initially free memory, breaks
 * its alignment, ceiling or boundary, if PHYS_NONE comes back while memory is free, if the stats
 * stop adding up or disagree with the model, if an invalid free does not panic under
 * FRAME_CHECK, or if the region list breaks its invariants.
 *
 * The map is tests/support/frame_test_map.h (32 MiB, every kind of range).
 *
 * Input: byte 0 picks flags (CHECK, LINKED; POISON with bit 6 too), the list's capacity (roomy,
 * tight, or tight but allowed to grow) and, with bits 5-7 = 101, a final free of everything; then
 * each operation is an opcode byte and its argument bytes.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/phys.h>
#include <mm/region_internal.h>

#include "arena.h"
#include "frame_test_map.h"
#include "host_support.h"

#define NPAGES (FM_ARENA / PAGE_SIZE)

/* Roomy: more entries than the map can ever be cut into (two per free frame), so never K_ENOMEM. */
static struct region storage[8192];
static struct region_list list;
static struct frame_pool pool;

/* The model: what each page is to the caller, and what it was in the initial map. */
enum { M_FREE, M_FRAME, M_RUN };
static uint8_t model[NPAGES];
static bool initially_free[NPAGES];
static phys_addr_t frames[NPAGES];
static size_t nframes;
static struct {
    phys_addr_t base;
    uint64_t n;
} runs[NPAGES];
static size_t nruns;
static uint64_t held_pages;
static uint64_t initial_total, initial_reserved;
static bool roomy; /* the list has room for anything: no K_ENOMEM to expect */

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_frame: %s:%d: %s\n", __FILE__, __LINE__, #cond);                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct input {
    const uint8_t *p, *end;
};

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v = v << 8 | (in->p < in->end ? *in->p++ : 0);
    return v;
}

static uint32_t tag_at(phys_addr_t pa)
{
    const struct region *r = region_lookup(&list, pa);
    return r ? r->tag : REGION_HOLE;
}

static void check_state(void)
{
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    CHECK(s.total == initial_total);
    CHECK(s.total == s.stacked + s.unseeded + s.reserved + s.in_use);
    CHECK(s.in_use == held_pages * PAGE_SIZE);
    CHECK(s.reserved >= initial_reserved); /* grows only by list storage (REGION_META) */
    CHECK(region_check(&list));
}

/* Frame pa was just handed out: it must be new to the caller, aligned, and initially free. */
static void took_frame(phys_addr_t pa)
{
    CHECK(IS_ALIGNED(pa, PAGE_SIZE) && pa < FM_ARENA);
    CHECK(initially_free[pa / PAGE_SIZE]);
    CHECK(model[pa / PAGE_SIZE] == M_FREE);
    CHECK(tag_at(pa) == REGION_FRAMES);
    model[pa / PAGE_SIZE] = M_FRAME;
    frames[nframes++] = pa;
    held_pages++;
}

static bool free_panics(phys_addr_t pa)
{
    jmp_buf jb;
    panic_catch_arm(&jb);
    if (setjmp(jb) == 0) {
        frame_free(&pool, pa);
        panic_catch_disarm();
        return false;
    }
    panic_catch_disarm();
    return true;
}

static bool free_run_panics(phys_addr_t base, uint64_t n)
{
    jmp_buf jb;
    panic_catch_arm(&jb);
    if (setjmp(jb) == 0) {
        frame_free_run(&pool, base, n);
        panic_catch_disarm();
        return false;
    }
    panic_catch_disarm();
    return true;
}

/* Return: false once memory is exhausted. */
static bool op_alloc(bool zeroed)
{
    phys_addr_t pa = zeroed ? frame_alloc_zeroed(&pool) : frame_alloc(&pool);
    if (pa == PHYS_NONE) { /* only when nothing is free */
        struct frame_stats s;
        frame_get_stats(&pool, &s);
        CHECK(s.stacked == 0 && s.unseeded == 0);
        return false;
    }
    took_frame(pa);
    if (zeroed) {
        const uint64_t *w = phys_to_virt(pa);
        for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
            CHECK(w[i] == 0);
    }
    return true;
}

static void op_free(uint64_t pick)
{
    if (!nframes)
        return;
    size_t i = pick % nframes;
    phys_addr_t pa = frames[i];
    frames[i] = frames[--nframes];
    model[pa / PAGE_SIZE] = M_FREE;
    held_pages--;
    frame_free(&pool, pa);
    /* below the ISA limit it goes back to the list, unless the list had no slot for it */
    CHECK(tag_at(pa) == REGION_FRAMES || (pa < FRAME_ISA_LIMIT && tag_at(pa) == REGION_FREE));
}

static void op_alloc_run(uint64_t arg)
{
    static const phys_addr_t ceilings[] = {0, 4 * MiB, 16 * MiB, 17 * MiB, 20 * MiB, 2 * MiB};
    static const uint64_t boundaries[] = {0, 0, 64 * KiB, 128 * KiB};
    uint64_t n = 1 + (arg & 31);
    uint64_t align = PAGE_SIZE << ((arg >> 5) % 6);
    phys_addr_t max = ceilings[(arg >> 8) % ARRAY_SIZE(ceilings)];
    uint64_t boundary = boundaries[(arg >> 12) % ARRAY_SIZE(boundaries)];
    phys_addr_t base = frame_alloc_run(&pool, n, align, max, boundary);
    if (base == PHYS_NONE)
        return;
    phys_addr_t end = base + n * PAGE_SIZE;
    CHECK(IS_ALIGNED(base, align) && end <= FM_ARENA);
    CHECK(max == 0 || end <= max);
    CHECK(boundary == 0 || base / boundary == (end - 1) / boundary);
    /* a ceiling above the ISA limit keeps the run out of ISA memory when it can (a tight list
     * may lack the slot for a split above and fit a run below that merges instead) */
    if (max > FRAME_ISA_LIMIT && base < FRAME_ISA_LIMIT && roomy)
        CHECK(region_find_run(&list,
                              &(struct region_request){.size = n * PAGE_SIZE,
                                                       .align = align,
                                                       .min = FRAME_ISA_LIMIT,
                                                       .max = max,
                                                       .boundary = boundary},
                              0, 0) == PHYS_NONE);
    for (phys_addr_t pa = base; pa < end; pa += PAGE_SIZE) {
        CHECK(initially_free[pa / PAGE_SIZE]);
        CHECK(model[pa / PAGE_SIZE] == M_FREE);
        CHECK(tag_at(pa) == REGION_DMA);
        model[pa / PAGE_SIZE] = M_RUN;
    }
    runs[nruns].base = base;
    runs[nruns++].n = n;
    held_pages += n;
}

static void op_free_run(uint64_t pick)
{
    if (!nruns)
        return;
    size_t i = pick % nruns;
    phys_addr_t base = runs[i].base;
    uint64_t n = runs[i].n;
    frame_free_run(&pool, base, n);
    if (tag_at(base) == REGION_DMA) /* K_ENOMEM: the list had no slot; the run stays held */
        return;
    for (uint64_t k = 0; k < n; k++) {
        CHECK(tag_at(base + k * PAGE_SIZE) == REGION_FREE);
        model[base / PAGE_SIZE + k] = M_FREE;
    }
    runs[i] = runs[--nruns];
    held_pages -= n;
}

/* The caller may write all over a frame it holds; poisoning must not mind. */
static void op_scribble(uint64_t arg)
{
    if (!nframes)
        return;
    uint8_t *va = phys_to_virt(frames[arg % nframes]);
    memset(va + ((arg >> 16) & 0xff0), (int)(arg >> 8), 16);
}

/* A free of anything the caller does not hold as a single frame must panic (with FRAME_CHECK). */
static void op_bad_free(uint64_t arg)
{
    phys_addr_t pa = (arg % (32 * MiB / PAGE_SIZE)) * PAGE_SIZE;
    bool misaligned = (arg >> 24) & 1;
    if (misaligned)
        pa += 8;
    else if (pa < FM_ARENA && model[pa / PAGE_SIZE] == M_FRAME)
        return;
    struct frame_stats before, after;
    frame_get_stats(&pool, &before);
    if (misaligned || pa >= pool.end || (pool.flags & FRAME_CHECK))
        CHECK(free_panics(pa));
    else
        return; /* release build: an invalid free is undefined */
    frame_get_stats(&pool, &after);
    CHECK(memcmp(&before, &after, sizeof(before)) == 0);
}

static void op_bad_free_run(uint64_t arg)
{
    phys_addr_t base = (arg % NPAGES) * PAGE_SIZE;
    uint64_t n = 1 + ((arg >> 16) & 7);
    bool all_run = base + n * PAGE_SIZE <= FM_ARENA;
    for (uint64_t k = 0; all_run && k < n; k++)
        all_run = model[base / PAGE_SIZE + k] == M_RUN;
    if (all_run)
        return; /* part of a held run: a valid (partial) free as far as the list can tell */
    struct frame_stats before, after;
    frame_get_stats(&pool, &before);
    bool panicked = free_run_panics(base, n);
    CHECK(panicked == ((pool.flags & FRAME_CHECK) != 0));
    frame_get_stats(&pool, &after);
    CHECK(memcmp(&before, &after, sizeof(before)) == 0);
}

static int cmp_pa(const void *a, const void *b)
{
    phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;
    return (x > y) - (x < y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool arena_ready;
    struct input in = {data, data + size};
    if (!arena_ready) {
        arena_create(FM_ARENA);
        arena_ready = true;
    }
    unsigned cfg = (unsigned)take(&in, 1);
    /* FRAME_POISON fills and checks 4 KiB per operation: on a quarter of the inputs only */
    unsigned flags = cfg & (FRAME_CHECK | (cfg & 0x40 ? FRAME_POISON : 0));
    unsigned room = (cfg >> 3) % 3;
    roomy = room == 0;

    /* The same map every time: built and snapshotted once, then reset by copying it back. */
    region_init(&list, "fuzz", storage, ARRAY_SIZE(storage));
    if (!initially_free[1 * MiB / PAGE_SIZE]) {
        for (size_t i = 0; i < ARRAY_SIZE(fm_map); i++)
            CHECK(region_set(&list, fm_map[i].base, fm_map[i].end, fm_map[i].tag) == K_OK);
        CHECK(list.count == ARRAY_SIZE(fm_map) && !memcmp(storage, fm_map, sizeof(fm_map)));
        for (size_t pg = 0; pg < NPAGES; pg++)
            initially_free[pg] = tag_at(pg * PAGE_SIZE) == REGION_FREE;
    }
    list.capacity = room == 0 ? ARRAY_SIZE(storage) : ARRAY_SIZE(fm_map) + 2;
    if (room == 2)
        region_set_grow_limit(&list, FM_ARENA);
    memcpy(storage, fm_map, sizeof(fm_map));
    list.count = ARRAY_SIZE(fm_map);
    memset(model, M_FREE, sizeof(model));
    nframes = nruns = held_pages = 0;

    int err = frame_init(&pool, &list, flags);
    CHECK(err == K_OK);
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    initial_total = s.total;
    initial_reserved = s.reserved;
    CHECK(initial_total == 24 * MiB - 80 * KiB); /* the firmware and bad ranges are not RAM */
    check_state();

    while (in.p < in.end) {
        unsigned op = (unsigned)take(&in, 1);
        switch (op % 16) {
        case 0:
        case 1:
        case 2:
        case 3:
        case 4:
            op_alloc(false);
            break;
        case 5:
            op_alloc(true);
            break;
        case 6:
        case 7:
        case 8:
        case 9:
            op_free(take(&in, 2));
            break;
        case 10:
            op_alloc_run(take(&in, 2));
            break;
        case 11:
            op_free_run(take(&in, 1));
            break;
        case 12:
            op_scribble(take(&in, 3));
            break;
        case 13:
            op_bad_free(take(&in, 4));
            break;
        case 14:
            op_bad_free_run(take(&in, 3));
            break;
        case 15: /* a burst, to reach exhaustion and deep stacks (stops there) */
            for (unsigned k = (unsigned)take(&in, 1) * 8; k > 0 && op_alloc(false); k--)
                ;
            break;
        }
        check_state();
    }
    /*
     * When bits 5-7 of the configuration are 101 (an eighth of the inputs, none poisoned), give
     * everything back: all of it must be accounted for again. From the highest address down, so
     * that each frame below 16 MiB joins the free range above it. (Otherwise the next input just
     * resets the pool and the list. Giving back the thousands of frames an input can hold took
     * three quarters of the fuzzer's time on every input; the checks after each step already
     * hold the counters to the model.)
     */
    if ((cfg & 0xe0) != 0xa0)
        return 0;
    qsort(frames, nframes, sizeof(frames[0]), cmp_pa);
    while (nframes)
        op_free(nframes - 1);
    for (size_t tries = nruns; tries > 0; tries--)
        op_free_run(tries - 1); /* a run the list has no slot for stays held */
    check_state();
    return 0;
}
