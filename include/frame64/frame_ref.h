/* SPDX-License-Identifier: 0BSD */
/*
 * The reference counts of shared frames (fork's copy-on-write): which frames have more than one
 * owner, and how many. The frame manager keeps no per-frame metadata (its free stack lives inside
 * the free frames, docs/frame-allocator.md), so this is not a count per frame of RAM: a frame the
 * table does not hold has exactly one owner, which is what almost every frame has, and costs
 * nothing. Only shared frames have an entry, in a hash table of whole 4 KiB frames that grows and
 * shrinks with their number (docs/frame-ref.md: design and measured cost per shared frame).
 *
 * Pure: the table takes its storage frames through callbacks (the frame manager in the kernel,
 * an arena in host tests) and reaches them through phys_to_virt(). Every call takes the table's
 * own irqlock, so several CPUs can fork and fault at once.
 *
 *   fork:   frame_ref_share(t, pa) for each frame it maps in both (K_ENOMEM: fork fails, undo the
 *           shares already made with frame_ref_unshare_shared()).
 *   exit / CoW fault: if (frame_ref_unshare(t, pa) == 0) frame_free(pool, pa);
 */
#ifndef FRAME64_FRAME_REF_H
#define FRAME64_FRAME_REF_H

#include <frame64/irqlock.h>
#include <frame64/types.h>
#include <stddef.h>
#include <stdint.h>

/* The most owners one frame can have; a share beyond it is refused (K_ERANGE), never wrapped. */
#define FRAME_REF_MAX ((1u << 24) - 1)

/* Frames the table can count lie below this (x86-64's 52-bit physical addresses). */
#define FRAME_REF_PA_LIMIT ((phys_addr_t)1 << 52)

/*
 * Index frames the table's own structure can hold: each points to 512 slot frames of 512 slots,
 * so the table reaches 128 * 512 * 512 = 32M slots (24M shared frames, 96 GiB of shared memory)
 * before growth is refused with K_ENOMEM.
 */
#define FRAME_REF_INDEX_MAX 128

/* One 4 KiB frame for the table's storage (contents undefined), or PHYS_NONE when exhausted. */
typedef phys_addr_t (*frame_ref_alloc_fn)(void *ctx);
/* Gives back a frame from the alloc callback. */
typedef void (*frame_ref_free_fn)(void *ctx, phys_addr_t pa);

struct frame_ref_stats {
    uint64_t shared;    /* frames with two or more owners: the table's entries */
    uint64_t refs;      /* owners of those frames, summed */
    uint64_t slots;     /* slots of the hash table (0 while nothing is shared) */
    uint64_t frames;    /* storage frames held: slot frames and index frames */
    uint64_t bytes;     /* frames * 4 KiB: the table's whole memory */
    uint64_t resizes;   /* times the table was rebuilt larger or smaller (information) */
    uint64_t no_memory; /* resizes that found no frames: growth refused or a shrink put off */
};

/*
 * The hash table's storage: slot s is index[s >> 18][(s >> 9) & 511][s & 511], so its slot frames
 * need not be contiguous. Private to src/mm/frame_ref.c.
 */
struct frame_ref_table {
    unsigned shift;                        /* log2(slots) while the table exists, else 0 */
    uint64_t frames;                       /* slot frames and index frames held */
    uint64_t **index[FRAME_REF_INDEX_MAX]; /* each: a frame of 512 slot-frame pointers */
};

/* A table of shared frames. Its fields are private to src/mm/frame_ref.c (here so it can be
 * static). */
struct frame_ref {
    struct irqlock lock;
    frame_ref_alloc_fn alloc_frame;
    frame_ref_free_fn free_frame;
    void *ctx;
    uint64_t entries; /* shared frames */
    uint64_t refs;    /* their owners, summed */
    uint64_t resizes;
    uint64_t no_memory;
    struct frame_ref_table tab;
};

/* An empty table (no memory held) that takes its storage from alloc_frame, gives it to free_frame.
 */
void frame_ref_init(struct frame_ref *t, frame_ref_alloc_fn alloc_frame,
                    frame_ref_free_fn free_frame, void *ctx);

/*
 * Gives every storage frame back. The table must be empty (it panics otherwise: the frames
 * still shared would lose their counts).
 */
void frame_ref_destroy(struct frame_ref *t);

/*
 * One more owner of the frame at pa: a frame not in the table (one owner) gets count 2, a shared
 * one its count plus one. Return: K_OK; K_ENOMEM when the table had to grow and found no frames;
 * K_ERANGE when the frame already has FRAME_REF_MAX owners. On an error nothing changed.
 * Panics on a misaligned pa or one at or above FRAME_REF_PA_LIMIT.
 */
int frame_ref_share(struct frame_ref *t, phys_addr_t pa);

/*
 * frame_ref_share() of n frames as one step (a frame may appear several times: one owner more per
 * appearance), under one acquisition of the lock: fork shares a page table's worth at a time.
 * Return: as frame_ref_share(); on an error none of the n was shared.
 */
int frame_ref_share_many(struct frame_ref *t, const phys_addr_t *pa, size_t n);

/*
 * Return: the owners of the frame at pa: its count if shared, else 1 (the table does not know
 * frames nobody shares: 1 also answers for a frame that is free or never was handed out).
 */
uint32_t frame_ref_count(struct frame_ref *t, phys_addr_t pa);

/*
 * One owner fewer. Return: the owners left. 0 means the frame was not shared, the caller was its
 * only owner and now frees it; 1 means the last other owner keeps it (the entry is gone, its
 * memory returns as the table shrinks); more means it stays shared. The table cannot tell an
 * unshared frame from one unshared too often (the one owner of an absent frame is implicit): the
 * frame manager's double-free check catches that, or frame_ref_unshare_shared() where the caller
 * knows the frame is shared.
 */
uint32_t frame_ref_unshare(struct frame_ref *t, phys_addr_t pa);

/*
 * frame_ref_unshare() of a frame the caller knows is shared (undoing a share of a fork that failed,
 * while the parent still owns the frame). Return: the owners left, 1 or more. Panics naming the
 * frame if the table does not hold it: a count gone below what the caller holds.
 */
uint32_t frame_ref_unshare_shared(struct frame_ref *t, phys_addr_t pa);

/* A consistent snapshot of the counters. */
struct frame_ref_stats frame_ref_stats(struct frame_ref *t);

#endif
