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
 * API.
 */
#ifndef FRAME64_MM_FRAME_STACK_H
#define FRAME64_MM_FRAME_STACK_H

#include <frame64/frame.h>
#include <frame64/phys.h>

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
        return;
    }
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
    struct frame_batch *b = p->top;
    if (!b)
        return PHYS_NONE;
    if (b->count != 0) {
        phys_addr_t pa = b->frames[--b->count];
        p->stacked--;
        if (p->flags & FRAME_POISON)
            b->frames[b->count] = FRAME_POISON_WORD;
        *src = FRAME_FROM_SLOT;
        return pa;
    }
    phys_addr_t pa = p->head;
    p->head = b->next;
    p->top = p->head == PHYS_NONE ? NULL : phys_to_virt(p->head);
    p->stacked--;
    *src = FRAME_FROM_HEAD;
    return pa;
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
}

/* Frames the head node would hand over with frame_stack_pop_node() (0: the stack is empty). */
static inline uint64_t frame_stack_head_frames(const struct frame_pool *p)
{
    return p->top ? p->top->count + 1 : 0;
}

/*
 * Takes the head node off whole, O(1): the caller reads its entries after releasing the lock,
 * the last one first and the node itself last, which is the order single pops would have taken.
 * Return: the node (PHYS_NONE if the stack is empty).
 */
static inline phys_addr_t frame_stack_pop_node(struct frame_pool *p)
{
    phys_addr_t pa = p->head;
    if (pa == PHYS_NONE)
        return PHYS_NONE;
    p->stacked -= p->top->count + 1;
    p->head = p->top->next;
    p->top = p->head == PHYS_NONE ? NULL : phys_to_virt(p->head);
    return pa;
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
