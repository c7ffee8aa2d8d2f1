/* SPDX-License-Identifier: 0BSD */
/*
 * The porting layer's hosted per-CPU primitives (include/frame64/frame_port.h; the kernel's are
 * src/arch/x86_64/include/arch/cpu_local.h), used by the examples, host tests and benchmarks:
 * each thread says which CPU it stands for with host_cpu_set() (0 until it does), so pure code
 * that keeps per-CPU state runs unchanged with real threads. There are no interrupts to turn off.
 * host_cpu is defined by examples/port/host_port.c (tests: tests/support/host_support.c).
 */
#ifndef ARCH_CPU_LOCAL_H
#define ARCH_CPU_LOCAL_H

#include <stdint.h>

extern _Thread_local unsigned host_cpu;

/* The CPU this thread stands for from now on (below CPU_MAX). */
static inline void host_cpu_set(unsigned index)
{
    host_cpu = index;
}

static inline unsigned arch_cpu_index(void)
{
    return host_cpu;
}

static inline uint64_t arch_irq_save(void)
{
    return 0;
}

static inline void arch_irq_restore(uint64_t flags)
{
    (void)flags;
}

/* A spin-wait hint: the other hyperthread gets the core while this one waits. */
static inline void arch_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

#endif
