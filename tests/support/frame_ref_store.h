/* SPDX-License-Identifier: 0BSD */
/*
 * The storage the shared-frame table (include/frame64/frame_ref.h) takes its frames from in host
 * tests: frames of the test arena handed out by a counting allocator that can be told to run dry,
 * so tests see exactly how many frames the table holds and can make any growth fail. A free of a
 * frame it did not hand out (or a second free) aborts: the table's accounting is under test too.
 *
 *   struct ref_store st;
 *   ref_store_init(&st, 64 * MiB);               // arena_create() of that size, all of it usable
 *   frame_ref_init(&t, ref_store_alloc, ref_store_free, &st);
 *   st.limit = st.held + 1;                      // the next allocation after one more fails
 */
#ifndef TEST_FRAME_REF_STORE_H
#define TEST_FRAME_REF_STORE_H

#include <stdio.h>
#include <stdlib.h>

#include <frame64/types.h>

#include "arena.h"

struct ref_store {
    uint64_t frames;    /* frames of the arena */
    uint64_t next;      /* bump cursor: frames below it were handed out at least once */
    phys_addr_t *freed; /* a stack of frames given back, reused first */
    uint64_t nfreed;
    uint8_t *out;   /* per frame: 1 while handed out */
    uint64_t held;  /* frames handed out now */
    uint64_t peak;  /* most frames held at once */
    uint64_t limit; /* allocations fail while held >= limit (UINT64_MAX: never) */
    uint64_t allocs, failures;
};

static inline void ref_store_init(struct ref_store *st, uint64_t arena)
{
    arena_create(arena);
    free(st->freed);
    free(st->out);
    *st = (struct ref_store){.frames = arena / PAGE_SIZE, .limit = UINT64_MAX};
    st->freed = malloc(st->frames * sizeof(*st->freed));
    st->out = calloc(st->frames, 1);
    if (!st->freed || !st->out)
        abort();
}

static inline phys_addr_t ref_store_alloc(void *ctx)
{
    struct ref_store *st = ctx;
    if (st->held >= st->limit || (!st->nfreed && st->next == st->frames)) {
        st->failures++;
        return PHYS_NONE;
    }
    uint64_t f = st->nfreed ? st->freed[--st->nfreed] / PAGE_SIZE : st->next++;
    st->out[f] = 1;
    st->allocs++;
    if (++st->held > st->peak)
        st->peak = st->held;
    return f * PAGE_SIZE;
}

static inline void ref_store_free(void *ctx, phys_addr_t pa)
{
    struct ref_store *st = ctx;
    uint64_t f = pa / PAGE_SIZE;
    if (pa % PAGE_SIZE || f >= st->next || !st->out[f]) {
        fprintf(stderr, "ref_store_free(0x%lx): not a frame the store handed out\n", pa);
        abort();
    }
    st->out[f] = 0;
    st->freed[st->nfreed++] = pa;
    st->held--;
}

/*
 * The most memory the table may hold for n shared frames (docs/frame-ref.md): the load stays at
 * or above 1/8 (8 slots of 8 bytes per frame) once the table is past its one slot frame, plus one
 * index frame per 512 slot frames.
 */
static inline uint64_t ref_store_bound(uint64_t n)
{
    if (!n)
        return 0;
    uint64_t slot_frames = (n * 64 + PAGE_SIZE - 1) / PAGE_SIZE;
    if (slot_frames < 1)
        slot_frames = 1;
    return (slot_frames + (slot_frames + 511) / 512) * PAGE_SIZE;
}

#endif
