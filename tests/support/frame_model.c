/* SPDX-License-Identifier: 0BSD */
/* The model of the page-frame manager's free frames (see frame_model.h). */
#include "frame_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arch/cpu_local.h>
#include <frame64/error.h>
#include <frame64/phys.h>
#include <frame64/region.h>

#include "arena.h"
#include "mm/frame_area.h"

#define NPAGES  (FM_ARENA / PAGE_SIZE)
#define FM_CPUS 3 /* CPUs one thread stands for in turn: caches trade nodes through the stack */

struct frame_pool fm_pool;
static struct region_list list;
static struct region storage[8192];

enum { S_NOT, S_FREE, S_FRAME, S_RUN };
static uint8_t state[NPAGES];
static uint8_t initial[NPAGES];
static uint64_t initial_free, initial_total;
static phys_addr_t frames[NPAGES];
static size_t nframes;
static struct {
    phys_addr_t base;
    uint64_t n;
} runs[NPAGES];
static size_t nruns;
static uint64_t held, free_pages; /* pages held by the caller; pages in S_FREE */
static unsigned list_mode;
static uint8_t meta[NPAGES];
static uint16_t runlen[NPAGES + 1];

#define FM_CHECK(cond)                                                                             \
    do {                                                                                           \
        if (!(cond))                                                                               \
            fm_fail(__LINE__, #cond);                                                              \
    } while (0)

static __attribute__((noreturn)) void fm_fail(int line, const char *what)
{
    fprintf(stderr, "frame_model.c:%d: %s\nlist (%zu of %zu entries, mode %u, flags %#x):\n", line,
            what, list.count, list.capacity, list_mode, fm_pool.flags);
    for (size_t i = 0; i < list.count && i < 200; i++)
        fprintf(stderr, "  [%#llx, %#llx) %s\n", (unsigned long long)list.regions[i].base,
                (unsigned long long)list.regions[i].end, region_tag_name(list.regions[i].tag));
    abort();
}

static void check_counters(void)
{
    struct frame_stats s;
    frame_get_stats(&fm_pool, &s);
    FM_CHECK(s.total == initial_total);
    FM_CHECK(s.total == s.stacked + s.unseeded + s.reserved + s.in_use);
    FM_CHECK(s.in_use == held * PAGE_SIZE);
    /* every free page is stacked, unseeded, or taken by the list for its storage */
    FM_CHECK(s.stacked + s.unseeded + region_total(&list, REGION_META) == free_pages * PAGE_SIZE);
    FM_CHECK(region_check(&list));
}

/* The kernel's NMI on one thread: the kicked CPU's handler, run as that CPU. */
static void fm_kick(struct frame_pool *p, unsigned cpu)
{
    unsigned self = arch_cpu_index();
    host_cpu_set(cpu);
    frame_cache_nmi(p, 0);
    host_cpu_set(self);
}

void fm_start(unsigned cfg)
{
    static bool ready;
    if (!ready) {
        arena_create(FM_ARENA);
        region_init(&list, "model", storage, ARRAY_SIZE(storage));
        for (size_t i = 0; i < ARRAY_SIZE(fm_map); i++) {
            FM_CHECK(region_set(&list, fm_map[i].base, fm_map[i].end, fm_map[i].tag) == K_OK);
            for (phys_addr_t pa = fm_map[i].base; pa < fm_map[i].end; pa += PAGE_SIZE)
                if (fm_map[i].tag == REGION_FREE) {
                    initial[pa / PAGE_SIZE] = S_FREE;
                    initial_free++;
                }
        }
        /* the list as region_set() builds it is the map itself: sorted, merged, no holes filled */
        FM_CHECK(list.count == ARRAY_SIZE(fm_map) && !memcmp(storage, fm_map, sizeof(fm_map)));
        ready = true;
    }
    list_mode = FM_CFG_LIST(cfg);
    /* Reset, not rebuilt: the map is the same every time, so its entries are copied back. */
    region_init(&list, "model", storage,
                list_mode == FM_ROOMY ? ARRAY_SIZE(storage) : ARRAY_SIZE(fm_map) + 6);
    if (list_mode == FM_GROWS)
        region_set_grow_limit(&list, FM_ARENA);
    memcpy(storage, fm_map, sizeof(fm_map));
    list.count = ARRAY_SIZE(fm_map);
    FM_CHECK(frame_init(&fm_pool, &list, FM_CFG_FLAGS(cfg)) == K_OK);
    frame_set_kick(&fm_pool, fm_kick);
    host_cpu_set(0);
    memcpy(state, initial, sizeof(state));
    nframes = nruns = 0;
    held = 0;
    free_pages = initial_free;
    struct frame_stats s;
    frame_get_stats(&fm_pool, &s);
    initial_total = s.total;
    FM_CHECK(initial_total == 24 * MiB - 80 * KiB); /* the firmware and bad ranges are not RAM */
    check_counters();
}

static void took(phys_addr_t pa, uint8_t as)
{
    FM_CHECK(IS_ALIGNED(pa, PAGE_SIZE) && pa < FM_ARENA);
    FM_CHECK(state[pa / PAGE_SIZE] == S_FREE);
    state[pa / PAGE_SIZE] = as;
    held++;
    free_pages--;
}

static void op_alloc(unsigned count)
{
    while (count--) {
        phys_addr_t pa = frame_alloc(&fm_pool);
        if (pa == PHYS_NONE) { /* only when nothing at all is free */
            struct frame_stats s;
            frame_get_stats(&fm_pool, &s);
            FM_CHECK(s.stacked == 0 && s.unseeded == 0);
            return; /* the rest of a burst would fail the same way */
        }
        took(pa, S_FRAME);
        frames[nframes++] = pa;
    }
}

static void free_frame(size_t i)
{
    phys_addr_t pa = frames[i];
    frames[i] = frames[--nframes];
    state[pa / PAGE_SIZE] = S_FREE;
    held--;
    free_pages++;
    frame_free(&fm_pool, pa);
}

/* Frees every single frame the caller holds in [base, base + len): stacked memory in one piece. */
static void op_free_range(phys_addr_t base, uint64_t len)
{
    for (size_t i = nframes; i-- > 0;)
        if (frames[i] >= base && frames[i] - base < len)
            free_frame(i);
}

static bool crosses(phys_addr_t a, uint64_t size, uint64_t boundary)
{
    return boundary && a / boundary != (a + size - 1) / boundary;
}

/* Whether some run of n free pages fits the request, by brute force over the pages. */
static bool fits(uint64_t n, uint64_t align, phys_addr_t max, uint64_t boundary)
{
    memset(meta, 0, sizeof(meta));
    for (size_t i = 0; i < list.count; i++)
        if (list.regions[i].tag == REGION_META)
            for (phys_addr_t pa = list.regions[i].base; pa < list.regions[i].end; pa += PAGE_SIZE)
                meta[pa / PAGE_SIZE] = 1;
    runlen[NPAGES] = 0;
    for (size_t pg = NPAGES; pg-- > 0;)
        runlen[pg] = state[pg] == S_FREE && !meta[pg] ? (uint16_t)(runlen[pg + 1] + 1) : 0;
    phys_addr_t top = max ? MIN(max, FM_ARENA) : FM_ARENA;
    uint64_t size = n * PAGE_SIZE;
    for (phys_addr_t a = 0; a < top && size <= top - a; a += align)
        if (runlen[a / PAGE_SIZE] >= n && !crosses(a, size, boundary))
            return true;
    return false;
}

static void op_alloc_run(uint64_t arg)
{
    static const phys_addr_t ceilings[] = {0,        2 * MiB,  4 * MiB, 14 * MiB,
                                           16 * MiB, 17 * MiB, 27 * MiB};
    static const uint64_t boundaries[] = {0, 0, 64 * KiB, 128 * KiB, 1 * MiB, 4 * MiB};
    uint64_t n = arg & 0x100 ? 1 + (arg & 0x7ff) : 1 + (arg & 31);
    uint64_t align = PAGE_SIZE << ((arg >> 12) % 8);
    phys_addr_t max = ceilings[(arg >> 15) % 8 % ARRAY_SIZE(ceilings)];
    if ((arg >> 15) % 8 == 7) /* any page boundary, or just past one */
        max = ((arg >> 18) % (NPAGES + 1)) * PAGE_SIZE + ((arg >> 31) & 1) * 100;
    uint64_t boundary = boundaries[(arg >> 32) % ARRAY_SIZE(boundaries)];
    if (boundary && n * PAGE_SIZE > boundary)
        n = boundary / PAGE_SIZE;
    bool huge = (arg >> 41) & 1; /* a 2 MiB frame: the run of 512 frames, 2 MiB aligned */
    if (huge) {
        n = FRAME_HUGE_SIZE / PAGE_SIZE;
        align = FRAME_HUGE_SIZE;
        max = boundary = 0;
    }
    uint64_t stalls = fm_pool.run_stalls;
    phys_addr_t base =
        huge ? frame_alloc_huge(&fm_pool) : frame_alloc_run(&fm_pool, n, align, max, boundary);
    if (base == PHYS_NONE) {
        FM_CHECK(!fits(n, align, max, boundary) ||
                 (list_mode != FM_ROOMY && fm_pool.run_stalls > stalls));
        /* Asked again with nothing freed, a true "no" comes without another drain. */
        uint64_t drains = fm_pool.drains;
        if ((arg >> 40) & 1 && fm_pool.run_stalls == stalls)
            FM_CHECK(frame_alloc_run(&fm_pool, n, align, max, boundary) == PHYS_NONE &&
                     fm_pool.drains == drains);
        return;
    }
    phys_addr_t end = base + n * PAGE_SIZE;
    FM_CHECK(IS_ALIGNED(base, align) && end <= FM_ARENA && (!max || end <= max));
    FM_CHECK(!crosses(base, n * PAGE_SIZE, boundary));
    /* A 2 MiB frame from the whole list stays the stack's memory; every other run is the list's. */
    const struct region *r = region_lookup(&list, base);
    bool area = huge && frame_area_is_out(&fm_pool, base);
    FM_CHECK(r && r->tag == (area ? REGION_FRAMES : REGION_DMA) && r->end >= end);
    for (phys_addr_t pa = base; pa < end; pa += PAGE_SIZE)
        took(pa, S_RUN);
    runs[nruns].base = base;
    runs[nruns++].n = n;
}

static void free_run(size_t i)
{
    phys_addr_t base = runs[i].base;
    uint64_t n = runs[i].n;
    runs[i] = runs[--nruns];
    if (n == FRAME_HUGE_SIZE / PAGE_SIZE && IS_ALIGNED(base, FRAME_HUGE_SIZE))
        frame_free_huge(&fm_pool, base); /* whether frame_alloc_huge() or a run made it */
    else
        frame_free_run(&fm_pool, base, n);
    bool area = frame_area_is_whole(&fm_pool, base); /* back on the whole list */
    FM_CHECK(list_mode != FM_ROOMY || area || region_lookup(&list, base)->tag == REGION_FREE);
    if (!area &&
        region_lookup(&list, base)->tag == REGION_DMA) { /* a tight list had no slot: still held */
        runs[nruns].base = base;
        runs[nruns++].n = n;
        return;
    }
    for (uint64_t k = 0; k < n; k++)
        state[base / PAGE_SIZE + k] = S_FREE;
    held -= n;
    free_pages += n;
}

/* Requests that can never be met fail at once: no drain, nothing changes. */
static void op_invalid(uint64_t arg)
{
    uint64_t drains = fm_pool.drains;
    struct frame_stats before, after;
    frame_get_stats(&fm_pool, &before);
    if (arg & 1) /* alignment not a power of two */
        FM_CHECK(frame_alloc_run(&fm_pool, 1, 3 * PAGE_SIZE, 0, 0) == PHYS_NONE);
    else if (arg & 2) /* larger than its boundary */
        FM_CHECK(frame_alloc_run(&fm_pool, 17, 0, 0, 64 * KiB) == PHYS_NONE);
    else /* larger than the room below its ceiling */
        FM_CHECK(frame_alloc_run(&fm_pool, 1 + (arg >> 2) % 64, 0, (arg >> 2) % 64 * PAGE_SIZE + 1,
                                 0) == PHYS_NONE);
    frame_get_stats(&fm_pool, &after);
    FM_CHECK(fm_pool.drains == drains && memcmp(&before, &after, sizeof(before)) == 0);
}

unsigned fm_arg_bytes(unsigned op)
{
    static const uint8_t bytes[16] = {0, 1, 1, 2, 2, 2, 3, 6, 6, 6, 6, 1, 1, 1, 1, 0};
    return bytes[op % 16];
}

void fm_step(unsigned op, uint64_t arg)
{
    switch (op % 16) {
    case 0:
        op_alloc(1);
        break;
    case 1:
        op_alloc(1 + arg % 16);
        break;
    case 2: /* a burst, to reach exhaustion */
        op_alloc(arg * 16);
        break;
    case 3:
    case 4:
    case 5:
        if (nframes)
            free_frame(arg % nframes);
        break;
    case 6:
        op_free_range((arg & 0x1fff) * PAGE_SIZE, ((arg >> 13) + 1) * PAGE_SIZE);
        break;
    case 7:
    case 8:
    case 9:
    case 10:
        op_alloc_run(arg);
        break;
    case 11:
    case 12:
        if (nruns)
            free_run(arg % nruns);
        break;
    case 13: /* another CPU from here on (its cache refills from nodes others spilled), or reclaim
              */
        if (arg & 1)
            host_cpu_set((unsigned)(arg >> 1) % FM_CPUS);
        else
            frame_reclaim(&fm_pool);
        break;
    case 14:
        op_invalid(arg);
        break;
    case 15: /* every single frame back, in the order held */
        while (nframes)
            free_frame(nframes - 1);
        break;
    }
    check_counters();
}

static int cmp_pa(const void *a, const void *b)
{
    phys_addr_t x = *(const phys_addr_t *)a, y = *(const phys_addr_t *)b;
    return (x > y) - (x < y);
}

void fm_finish(unsigned cfg)
{
    if ((cfg & 0xe0) != FM_CFG_FINISH)
        return;
    for (size_t tries = nruns; tries > 0; tries--)
        free_run(tries - 1); /* a run a tight list has no slot for stays held */
    /*
     * In address order, from the top: frames below 16 MiB then go back to the list next to free
     * memory, one cheap splice each (in random order each one would move the list's tail, and
     * this loop, not the steps, would be where the fuzzer spends its time).
     */
    qsort(frames, nframes, sizeof(frames[0]), cmp_pa);
    while (nframes)
        free_frame(nframes - 1);
    check_counters();
    FM_CHECK(list_mode != FM_ROOMY || held == 0);
}
