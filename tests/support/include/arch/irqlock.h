/* SPDX-License-Identifier: 0BSD */
/*
 * Host stand-in for the kernel's interrupt-disabling lock: no interrupts here, but re-entry is
 * still a bug, so it is caught.
 */
#ifndef ARCH_IRQLOCK_H
#define ARCH_IRQLOCK_H

#include <stdint.h>
#include <stdlib.h>

struct irqlock {
    uint32_t locked;
};

#define IRQLOCK_INIT                                                                               \
    {                                                                                              \
        0                                                                                          \
    }

static inline uint64_t irqlock_acquire(struct irqlock *l)
{
    if (l->locked)
        abort(); /* the allocator re-entered itself */
    l->locked = 1;
    return 0;
}

static inline void irqlock_release(struct irqlock *l, uint64_t flags)
{
    (void)flags;
    l->locked = 0;
}

#endif
