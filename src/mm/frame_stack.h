/* SPDX-License-Identifier: 0BSD */
/*
 * The shape of the shared free stack, in one place (include/frame64/frame.h draws it): a chain of
 * free frames, each node a struct frame_batch whose frames[] holds up to FRAME_BATCH_MAX more
 * free frames. A single push fills the head node before a freed frame becomes the new head; a
 * single pop empties it before the head itself is handed out. A per-CPU cache's spill links a
 * node it filled outside the lock as the new head, and its refill takes the head node off whole
 * (magazines), so both are O(1) under the lock; nodes below the head are therefore not all full,
 * and the pool counts its stacked frames (stacked, changed only here). Everything that pushes,
 * pops, walks or counts the stack (the single-frame paths, the per-CPU caches' refills and spills,
 * the drain, frame_whereis()) does it through this header. Callers hold the pool's lock. Not an
 * API. Each entry that joins or leaves a node is counted for its 2 MiB area (frame_area.h); an
 * entry whose area went out whole is stale, and what takes entries off drops it.
 */
#ifndef FRAME64_MM_FRAME_STACK_H
#define FRAME64_MM_FRAME_STACK_H

#include <frame64/frame.h>
#include <frame64/phys.h>

#include "frame_area.h"

/* A frame handed out as the head of the stack keeps count/next in these first bytes. */
#define FRAME_HEADER_BYTES offsetof(struct frame_batch, frames)

#define FRAME_POISON_WORD (0x0101010101010101ull * FRAME_POISON_BYTE)

/* Where a frame leaving the stack came from: poisoning is verified differently for each. */
enum frame_source {
    FRAME_FROM_SLOT, /* an entry of the head node: the whole frame is poisoned */
    FRAME_FROM_HEAD, /* the head node itself: its header holds stack links */
    FRAME_FROM_SEED, /* the seed cursor: never freed, so never poisoned */
};

/* Frames on the stack. */
static inline uint64_t frame_stack_count(const struct frame_pool *p)
{
    return p->stacked;
}

/* Pushes free frame pa (checks done): into the head node, or as the new head. */
static inline void frame_stack_push(struct frame_pool *p, phys_addr_t pa)
{
    struct frame_batch *b = p->top;
    p->stacked++;
    p->freed++;
    if (b && b->count < FRAME_BATCH_MAX) {
        b->frames[b->count++] = pa;
        frame_area_enter(p, pa, false);
        return;
    }
    frame_area_enter(p, pa, true);
    b = phys_to_virt(pa);
    b->count = 0;
    b->next = p->head;
    p->head = pa;
    p->top = b;
}

/*
 * Pops the frame the stack hands out next: the last entry of the head node (*src FRAME_FROM_SLOT;
 * under FRAME_POISON the emptied entry is poisoned again, as the head's checks expect), or the
 * head itself once it is empty (FRAME_FROM_HEAD). Return: the frame, or PHYS_NONE if the stack is
 * empty.
 */
static inline phys_addr_t frame_stack_pop(struct frame_pool *p, enum frame_source *src)
{
    for (struct frame_batch *b; (b = p->top) != NULL;) {
        while (b->count != 0) {
            phys_addr_t pa = b->frames[--b->count];
            if (p->flags & FRAME_POISON)
                b->frames[b->count] = FRAME_POISON_WORD;
            if (!frame_area_leave(p, pa, false))
                continue; /* stale: its area is whole */
            p->stacked--;
            *src = FRAME_FROM_SLOT;
            return pa;
        }
        phys_addr_t pa = p->head;
        p->head = b->next;
        p->top = p->head == PHYS_NONE ? NULL : phys_to_virt(p->head);
        if (!frame_area_leave(p, pa, true))
            continue;
        p->stacked--;
        *src = FRAME_FROM_HEAD;
        return pa;
    }
    return PHYS_NONE;
}

/*
 * Links node pa, whose count and frames[] the caller wrote (outside the lock: the frames are its
 * own until now), as the new head: a whole batch in O(1). Later single pushes fill it up.
 */
static inline void frame_stack_push_node(struct frame_pool *p, phys_addr_t pa)
{
    struct frame_batch *b = phys_to_virt(pa);
    b->next = p->head;
    p->head = pa;
    p->top = b;
    p->stacked += b->count + 1;
    p->freed += b->count + 1;
    frame_area_enter(p, pa, true);
    for (uint64_t i = 0; i < b->count; i++)
        frame_area_enter(p, b->frames[i], false);
}

/* Frames the head node would hand over with frame_stack_pop_node() (0: the stack is empty). */
static inline uint64_t frame_stack_head_frames(const struct frame_pool *p)
{
    return p->top ? p->top->count + 1 : 0;
}

/*
 * Takes the head node off whole into out[]: the node itself first, then its live entries in
 * their order (stale ones dropped, the node too if its area is whole), so that handing out[] out
 * from the end gives the order single pops would have. Return: how many frames (0: none live).
 */
static inline uint64_t frame_stack_pop_node(struct frame_pool *p, phys_addr_t *out)
{
    phys_addr_t pa = p->head;
    if (pa == PHYS_NONE)
        return 0;
    const struct frame_batch *b = p->top;
    uint64_t n = 1;
    for (uint64_t i = 0; i < b->count; i++) { /* stale ones are overwritten by the next */
        out[n] = b->frames[i];
        n += frame_area_leave_entry(p, b->frames[i]);
    }
    p->head = b->next; /* read before the node is dropped: its area's link may go into it */
    p->top = p->head == PHYS_NONE ? NULL : phys_to_virt(p->head);
    if (frame_area_leave(p, pa, true)) { /* the node itself, unless its area is whole */
        out[0] = pa;
    } else {
        for (uint64_t i = 1; i < n; i++)
            out[i - 1] = out[i];
        n--;
    }
    p->stacked -= n;
    return n;
}

/*
 * Takes up to max entries off the top of the head node into out[] (stale ones dropped on the
 * way), in the order they lie in the node. Return: how many.
 */
static inline uint64_t frame_stack_pop_entries(struct frame_pool *p, phys_addr_t *out, uint64_t max)
{
    struct frame_batch *b = p->top;
    uint64_t n = 0;
    while (b->count > 0 && n < max) {
        phys_addr_t pa = b->frames[--b->count];
        out[n] = pa;
        n += frame_area_leave_entry(p, pa);
    }
    for (uint64_t i = 0; i < n / 2; i++) { /* the top one last */
        phys_addr_t e = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = e;
    }
    p->stacked -= n;
    return n;
}

/* Takes the whole chain off the stack, which is then empty. Return: its first node, or PHYS_NONE.
 */
static inline phys_addr_t frame_stack_detach(struct frame_pool *p)
{
    phys_addr_t head = p->head;
    p->head = PHYS_NONE;
    p->top = NULL;
    p->stacked = 0;
    return head;
}

/* The first node of the stack's chain (PHYS_NONE: empty), for a walk with frame_stack_read(). */
static inline phys_addr_t frame_stack_first(const struct frame_pool *p)
{
    return p->head;
}

/*
 * One node of a chain as its frame holds it: the node is a free frame itself and holds count
 * more. Nothing is validated: a walk that may meet corruption checks count against
 * FRAME_BATCH_MAX and each address against the pool before it trusts them.
 */
struct frame_stack_node {
    phys_addr_t next; /* the node below, PHYS_NONE at the bottom */
    uint64_t count;   /* entries in frames[] */
    const phys_addr_t *frames;
};

static inline struct frame_stack_node frame_stack_read(phys_addr_t node)
{
    const struct frame_batch *b = phys_to_virt(node);
    return (struct frame_stack_node){b->next, b->count, b->frames};
}

#endif
