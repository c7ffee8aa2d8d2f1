/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's spin lock: interrupts off on this CPU, then test-and-test-and-set, so a holder is
 * never interrupted by code that wants the same lock and waiters spin on a shared cache line
 * without writing it. Pure code, kernel and host alike: the per-CPU primitives come from
 * <arch/cpu_local.h> (on the host, where there are no interrupts, only the spin remains, so host
 * tests and benchmarks run the kernel's lock).
 *
 * Every lock has a rank (include/frame64/lock_order.h). With FRAME64_LOCK_DEBUG (debug kernels,
 * host tests) each CPU records what it holds, and taking a lock it already holds (recursion: it
 * would spin forever) or one whose rank is not above every lock it holds (an order inversion:
 * two CPUs doing it the other way round deadlock) panics naming both locks.
 */
#ifndef FRAME64_IRQLOCK_H
#define FRAME64_IRQLOCK_H

#include <arch/cpu_local.h>
#include <frame64/lock_order.h>
#include <frame64/thread_safety.h>
#include <stdbool.h>
#include <stdint.h>

struct CAPABILITY("irqlock") irqlock {
    uint32_t locked;
    uint32_t rank;    /* enum lock_rank: a CPU takes locks in increasing rank */
    const char *name; /* for the lock-debug reports */
};

#define IRQLOCK_INIT(name_, rank_)                                                                 \
    {                                                                                              \
        .locked = 0, .rank = (rank_), .name = (name_)                                              \
    }

#ifdef FRAME64_LOCK_DEBUG
/* src/lib/lock_debug.c: checks and records l on this CPU (before spinning), forgets it. */
void lock_debug_acquire(const struct irqlock *l);
void lock_debug_release(const struct irqlock *l);
#else
static inline void lock_debug_acquire(const struct irqlock *l)
{
    (void)l;
}
static inline void lock_debug_release(const struct irqlock *l)
{
    (void)l;
}
#endif

/*
 * The three operations are what -Wthread-safety reasons about (thread_safety.h); their own bodies
 * are the lock itself, outside the analysis.
 */
static inline uint64_t irqlock_acquire(struct irqlock *l) ACQUIRE(*l) NO_THREAD_SAFETY_ANALYSIS;
static inline bool irqlock_try_acquire(struct irqlock *l, uint64_t *flags)
    TRY_ACQUIRE(true, *l) NO_THREAD_SAFETY_ANALYSIS;
static inline void irqlock_release(struct irqlock *l, uint64_t flags)
    RELEASE(*l) NO_THREAD_SAFETY_ANALYSIS;

/* Disables interrupts and takes the lock. Return: the flags to hand to irqlock_release(). */
static inline uint64_t irqlock_acquire(struct irqlock *l)
{
    uint64_t flags = arch_irq_save();
    lock_debug_acquire(l);
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED))
            arch_relax();
    return flags;
}

/* One attempt. Return: true with the lock held and *flags set; false with nothing changed. */
static inline bool irqlock_try_acquire(struct irqlock *l, uint64_t *flags)
{
    *flags = arch_irq_save();
    if (__atomic_load_n(&l->locked, __ATOMIC_RELAXED) ||
        __atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE)) {
        arch_irq_restore(*flags);
        return false;
    }
    lock_debug_acquire(l);
    return true;
}

/* Drops the lock and turns interrupts back on if they were on before it was taken. */
static inline void irqlock_release(struct irqlock *l, uint64_t flags)
{
    lock_debug_release(l);
    __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
    arch_irq_restore(flags);
}

#endif
