/* SPDX-License-Identifier: 0BSD */
/*
 * Where a frame of a pool is right now (the monitor's `whoowns`): on the free stack, carved from
 * the region list but not yet handed out, handed out, or still in the region list. A query only:
 * it takes the pool's lock, walks the free stack (O(free frames / 511) batches), changes nothing.
 */
#ifndef FRAME64_FRAME_WHEREIS_H
#define FRAME64_FRAME_WHEREIS_H

#include <frame64/frame.h>

enum frame_where {
    FRAME_WHERE_NOT_RAM,    /* in no range of the pool's region list */
    FRAME_WHERE_UNSEEDED,   /* REGION_FREE in the list: never seeded (or given back to the list) */
    FRAME_WHERE_CURSOR,     /* carved for the stack, not yet handed out by the seed cursor */
    FRAME_WHERE_STACKED,    /* free, on the stack */
    FRAME_WHERE_CACHED,     /* free, in a CPU's frame cache (or being handed from one) */
    FRAME_WHERE_HANDED_OUT, /* REGION_FRAMES, neither stacked nor in the cursor: frame_alloc() gave
                               it */
    FRAME_WHERE_RUN,   /* REGION_DMA: part of a run handed out by frame_alloc_run()/dma_alloc() */
    FRAME_WHERE_OTHER, /* another owner's range (kernel, module, firmware...): never a frame */
    FRAME_WHERE_WHOLE, /* free, in a whole 2 MiB area given back by frame_free_huge() */
    FRAME_WHERE_HUGE,  /* REGION_FRAMES: part of a 2 MiB frame frame_alloc_huge() took off the
                          stack */
};

/* Where the frame holding pa is. */
enum frame_where frame_whereis(struct frame_pool *p, phys_addr_t pa);

/* A sentence fragment for w ("free, on the stack", ...). */
const char *frame_where_name(enum frame_where w);

#endif
