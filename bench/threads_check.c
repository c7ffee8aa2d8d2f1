/* SPDX-License-Identifier: 0BSD */
/*
 * bench_threads' smoke-mode checker: one bit per frame, set with an atomic or when a frame is
 * handed out (it must have been clear, else the frame is out twice) and cleared with an atomic
 * and before it is freed (it must have been set, else a frame is freed twice or was never handed
 * out), plus a bitmap of the frames the map's free ranges hold. The atomics are relaxed: a free's
 * clear comes before the allocator's own release, the next owner's set after its acquire, so
 * the two are ordered on the bit's word by the allocator's handover.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "bench_threads.h"

static uint64_t *inuse, *allowed, nframes;

void tracker_start(uint64_t ram)
{
    struct region_list l;
    struct region e[REGION_STATIC_CAPACITY];
    const struct region *r;
    map_build(&l, e, ARRAY_SIZE(e), ram);
    nframes = map_top(ram) / PAGE_SIZE;
    allowed = calloc(nframes / 64 + 1, sizeof(uint64_t));
    inuse = calloc(nframes / 64 + 1, sizeof(uint64_t));
    if (!allowed || !inuse) {
        perror("calloc");
        exit(2);
    }
    region_for_each(&l, r)
    {
        for (phys_addr_t pa = r->base; r->tag == REGION_FREE && pa < r->end; pa += PAGE_SIZE)
            allowed[pa / PAGE_SIZE / 64] |= (uint64_t)1 << (pa / PAGE_SIZE % 64);
    }
}

/* Return: the frame's word mask, or 0 (counted as bad) if pa cannot be a free frame of the map. */
static uint64_t track_mask(struct worker *w, phys_addr_t pa, uint64_t *word)
{
    uint64_t f = pa >> PAGE_SHIFT;
    if (!IS_ALIGNED(pa, PAGE_SIZE) || f >= nframes || !(allowed[f / 64] >> (f % 64) & 1)) {
        w->bad++;
        return 0;
    }
    *word = f / 64;
    return (uint64_t)1 << (f % 64);
}

__attribute__((noinline)) void track_alloc(struct worker *w, phys_addr_t pa)
{
    uint64_t i, m = track_mask(w, pa, &i);
    if (m && (__atomic_fetch_or(&inuse[i], m, __ATOMIC_RELAXED) & m))
        w->dups++;
}

__attribute__((noinline)) void track_free(struct worker *w, phys_addr_t pa)
{
    uint64_t i, m = track_mask(w, pa, &i);
    if (m && !(__atomic_fetch_and(&inuse[i], ~m, __ATOMIC_RELAXED) & m))
        w->dups++;
}

uint64_t tracker_out(void)
{
    uint64_t n = 0;
    for (uint64_t i = 0; i <= nframes / 64; i++)
        n += (uint64_t)__builtin_popcountll(__atomic_load_n(&inuse[i], __ATOMIC_RELAXED));
    return n;
}
