/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's clock as numbers (time_ns(), wallclock_ns()), in one page the vDSO maps read-only
 * into every process (src/exec/vdso.c, src/vdso/vdso.c), so a program reads the clocks with no
 * system call and gets exactly what the system call would give for the same TSC reading:
 *
 *   monotonic ns = (tsc - tsc0) * mult >> 32        (a 32.32 fixed-point rate: no division)
 *   realtime ns  = epoch_ns + monotonic ns
 *
 * The kernel changes the numbers between vclock_write_begin() and vclock_write_end(); readers
 * copy them with vclock_read(), which retries while a change is under way (a sequence counter,
 * odd while writing, as Linux's vDSO data). Pure: the kernel, the vDSO and the host tests share
 * it.
 */
#ifndef FRAME64_VCLOCK_H
#define FRAME64_VCLOCK_H

#include <frame64/types.h>

#define VCLOCK_NONE 0u /* no TSC clock (no local APIC timer was set up): ask the kernel */
#define VCLOCK_TSC  1u /* the numbers below hold */

struct vclock {
    uint32_t seq;      /* odd while the kernel writes */
    uint32_t mode;     /* VCLOCK_NONE or VCLOCK_TSC */
    uint64_t tsc0;     /* the TSC at monotonic time 0 */
    uint64_t mult;     /* ns per TSC count, 32.32 fixed point; 0: the clock reads 0 */
    uint64_t epoch_ns; /* realtime minus monotonic */
};

/* The page the vDSO maps: the numbers and nothing else of the kernel's. */
union vclock_page {
    struct vclock clock;
    uint8_t bytes[PAGE_SIZE];
};

/* Monotonic nanoseconds at TSC reading tsc (0 while mult is 0, as time_ns() before irq_init). */
static inline uint64_t vclock_mono_ns(const struct vclock *c, uint64_t tsc)
{
    if (!c->mult)
        return 0;
    return (uint64_t)(((unsigned __int128)(tsc - c->tsc0) * c->mult) >> 32);
}

/* Nanoseconds since 1970-01-01 UTC at TSC reading tsc. */
static inline uint64_t vclock_real_ns(const struct vclock *c, uint64_t tsc)
{
    return c->epoch_ns + vclock_mono_ns(c, tsc);
}

/* A consistent copy of *c, taken while no write is under way. */
static inline void vclock_read(const struct vclock *c, struct vclock *out)
{
    uint32_t seq;
    do {
        while ((seq = __atomic_load_n(&c->seq, __ATOMIC_ACQUIRE)) & 1)
            ;
        out->mode = __atomic_load_n(&c->mode, __ATOMIC_RELAXED);
        out->tsc0 = __atomic_load_n(&c->tsc0, __ATOMIC_RELAXED);
        out->mult = __atomic_load_n(&c->mult, __ATOMIC_RELAXED);
        out->epoch_ns = __atomic_load_n(&c->epoch_ns, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while (__atomic_load_n(&c->seq, __ATOMIC_RELAXED) != seq);
    out->seq = seq;
}

/* Around a change of *c's numbers (one writer at a time: the caller's business). */
static inline void vclock_write_begin(struct vclock *c)
{
    __atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
static inline void vclock_write_end(struct vclock *c)
{
    __atomic_store_n(&c->seq, c->seq + 1, __ATOMIC_RELEASE);
}

#endif
