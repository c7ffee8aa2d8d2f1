/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the page-frame manager's files (src/mm/frame.c: single frames and stats; frame_run.c:
 * runs; frame_drain.c: giving stacked frames back to the region list; frame_check.c: debug
 * checks); not an API.
 */
#ifndef FRAME64_MM_FRAME_INTERNAL_H
#define FRAME64_MM_FRAME_INTERNAL_H

#include <frame64/frame.h>
#include <frame64/phys.h>

/* A frame handed out as the head of the stack keeps count/next in these first bytes. */
#define FRAME_HEADER_BYTES offsetof(struct frame_batch, frames)

#define FRAME_POISON_WORD (0x0101010101010101ull * FRAME_POISON_BYTE)

/* Where frame_alloc() found a frame: poisoning is verified differently for each. */
enum frame_source {
    FRAME_FROM_SLOT, /* an entry of the head batch: the whole frame is poisoned */
    FRAME_FROM_HEAD, /* the head frame itself: its header holds stack links */
    FRAME_FROM_SEED, /* the seed cursor: never freed, so never poisoned */
};

static inline bool frame_inuse_test(const struct frame_pool *p, phys_addr_t pa)
{
    uint64_t i = pa >> PAGE_SHIFT;
    return (p->inuse[i >> 6] >> (i & 63)) & 1;
}

static inline void frame_inuse_flip(struct frame_pool *p, phys_addr_t pa)
{
    uint64_t i = pa >> PAGE_SHIFT;
    p->inuse[i >> 6] ^= (uint64_t)1 << (i & 63);
}

/*
 * Frames on the stack, derived so the fast paths update no counter: every batch below the head
 * is full (pushes fill the head before starting a new one; pops empty it before moving down).
 */
static inline uint64_t frame_stacked(const struct frame_pool *p)
{
    if (!p->top)
        return 0;
    if (p->flags & FRAME_LINKED)
        return p->batches;
    return (p->batches - 1) * (FRAME_BATCH_MAX + 1) + p->top->count + 1;
}

/* Pushes free frame pa (lock held, checks done): into the head batch, or as the new head. */
static inline void frame_stack_push(struct frame_pool *p, phys_addr_t pa)
{
    struct frame_batch *b = p->top;
    if (b && !(p->flags & FRAME_LINKED) && b->count < FRAME_BATCH_MAX) {
        b->frames[b->count++] = pa;
        return;
    }
    b = phys_to_virt(pa);
    b->count = 0;
    b->next = p->head;
    p->head = pa;
    p->top = b;
    p->batches++;
}

/*
 * Where per-CPU frame caches, once they exist, give their frames back to the shared stack: a
 * drain must see every free frame, so it calls this first (lock held). Nothing to do today.
 */
static inline void frame_caches_flush(struct frame_pool *p)
{
    (void)p;
}

/* The widest slice one drain round collects (what one directory frame of bitmap leaves covers). */
#define FRAME_DRAIN_SPAN (64 * GiB)

/* What one drain round (frame_drain_round()) did. */
enum frame_drain_result {
    FRAME_DRAIN_NONE,    /* no stacked frame lies in the window: nothing changed */
    FRAME_DRAIN_DONE,    /* frames went back to the region list (as many as were worth it) */
    FRAME_DRAIN_STALLED, /* the list could not hold the result: every frame is still stacked */
};

/* A drain request for the frames of [lo, hi), updated by each round to what is left. */
struct frame_drain_req {
    phys_addr_t lo, hi;   /* the window still to drain */
    phys_addr_t whole_lo; /* the window as it started (its edges force nothing) */
    phys_addr_t whole_hi;
    bool bottom_up;    /* rounds go up from lo (a ceiling), else down from hi */
    uint64_t min_size; /* crumbs shorter than this that touch no free range stay stacked */
};

/*
 * One drain round, lock held (irq is what releasing it needs before a panic): collects the
 * stacked frames of one slice of the window (at most FRAME_DRAIN_SPAN) into a bitmap built in
 * free frames, gives them to the region list as maximal ranges in one merge, stacks the rest
 * again. Return: what happened (enum frame_drain_result).
 */
int frame_drain_round(struct frame_pool *p, struct frame_drain_req *r, uint64_t irq);

/* Carves and zeroes the FRAME_CHECK bitmap. Return: K_OK or K_ENOMEM. */
int frame_check_init(struct frame_pool *p);

/*
 * Debug checks on a frame about to be handed out (lock held): stack corruption, in-use bit,
 * poison. Releases the lock with irq before it panics.
 */
void frame_check_alloc(struct frame_pool *p, phys_addr_t pa, enum frame_source src, uint64_t irq);

/* Debug checks on a frame being freed (lock held), then poisons it. Releases the lock to panic. */
void frame_check_free(struct frame_pool *p, phys_addr_t pa, uint64_t irq);

/* Says what is wrong with freeing pa and panics. Call with the lock released. */
__attribute__((noreturn)) void frame_bad_free(struct frame_pool *p, phys_addr_t pa);

#endif
