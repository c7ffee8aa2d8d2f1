/* SPDX-License-Identifier: 0BSD */
/*
 * Kernel lock for allocator state: interrupts off on this CPU, then a test-and-set spin, so the
 * same code stays correct once other CPUs run. Pure code includes
 * <arch/irqlock.h>; host builds get tests/support/include/arch/irqlock.h instead.
 */
#ifndef ARCH_IRQLOCK_H
#define ARCH_IRQLOCK_H

#include <stdint.h>

struct irqlock {
    volatile uint32_t locked;
};

#define IRQLOCK_INIT                                                                               \
    {                                                                                              \
        0                                                                                          \
    }

/* Disables interrupts and takes the lock. Return: the flags to hand to irqlock_release(). */
static inline uint64_t irqlock_acquire(struct irqlock *l)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
    return flags;
}

/* Drops the lock and turns interrupts back on if they were on before irqlock_acquire(). */
static inline void irqlock_release(struct irqlock *l, uint64_t flags)
{
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    if (flags & (1u << 9)) /* RFLAGS.IF */
        __asm__ volatile("sti" : : : "memory");
}

#endif
