/* SPDX-License-Identifier: 0BSD */
/* Shared by src/mm/frame.c and src/mm/frame_check.c; not an API. */
#ifndef FRAME64_MM_FRAME_INTERNAL_H
#define FRAME64_MM_FRAME_INTERNAL_H

#include <frame64/frame.h>

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
