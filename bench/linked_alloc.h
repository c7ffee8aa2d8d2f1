/* SPDX-License-Identifier: 0BSD */
/*
 * A comparison allocator for bench_frames: the plain xv6-style free list, one link in the first
 * word of every free frame, seeded lazily from the top of the highest free range down as
 * frame64's cursor is. It is what frame64's free stack would be without its batches: every pop
 * reads the frame it hands out, which may have gone cold. Single frames only; runs are not its
 * job. Only bench/ uses it.
 */
#ifndef BENCH_LINKED_ALLOC_H
#define BENCH_LINKED_ALLOC_H

#include <frame64/region.h>
#include <frame64/types.h>

struct linked_alloc {
    phys_addr_t head;              /* the first free frame, PHYS_NONE: the list is empty */
    const struct region_list *map; /* where unseeded frames are: its REGION_FREE entries */
    size_t range;                  /* the entry the cursor is in (count: none left) */
    phys_addr_t next;              /* frames below this in that entry are not seeded yet */
    uint64_t free_frames;          /* listed or not yet seeded */
};

/* Takes over the free ranges of map (which must outlive it) without touching a frame. */
void linked_init(struct linked_alloc *a, const struct region_list *map);

/* A free frame: the head of the list, else the next one down from the cursor. Return: it, or
 * PHYS_NONE when none is left. */
phys_addr_t linked_alloc(struct linked_alloc *a);

/* Puts pa at the head of the list (no checks: a baseline, as lean as it gets). */
void linked_free(struct linked_alloc *a, phys_addr_t pa);

#endif
