/* SPDX-License-Identifier: 0BSD */
/*
 * Kernel stacks in the kernel-stack area (layout.h): each stack sits at the top of its own
 * 64 KiB slot, and the page below it is never mapped, so running off the bottom faults on that
 * guard page instead of overwriting whatever lies below. The frames come from the frame manager.
 */
#ifndef FRAME64_KSTACK_H
#define FRAME64_KSTACK_H

#include <frame64/types.h>

/* The largest stack a slot holds: the slot less its guard page. */
#define KSTACK_MAX        (KSTACK_SLOT_BYTES - PAGE_SIZE)
#define KSTACK_SLOT_BYTES ((uint64_t)0x10000)

struct kstack {
    const char *name; /* for reports ("boot", "#DF", "exec hello") */
    uint64_t bottom;  /* lowest mapped byte; bottom - PAGE_SIZE is the guard page */
    uint64_t top;     /* one past the highest byte: the initial RSP */
    unsigned slot;
};

/*
 * Maps bytes (rounded up to pages, at most KSTACK_MAX) of fresh frames as a stack in a free slot.
 * Return: K_OK; K_EINVAL for a size of 0 or above KSTACK_MAX; K_ENOMEM when no slot or frame is
 * left (nothing is kept).
 */
int kstack_create(struct kstack *s, const char *name, uint64_t bytes);

/* Unmaps s, flushes its translations, then gives its frames back (in that order). */
void kstack_destroy(struct kstack *s);

/* The live stack whose guard page (or the rest of its slot below it) holds va, or NULL. */
const struct kstack *kstack_guarding(uint64_t va);

/* Calls fn for every live stack (for the W^X audit's guard-page check). Return: how many. */
unsigned kstack_for_each(void (*fn)(const struct kstack *s, void *ctx), void *ctx);

#endif
