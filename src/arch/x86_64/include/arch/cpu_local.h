/* SPDX-License-Identifier: 0BSD */
/*
 * What pure code needs to keep per-CPU state: which CPU this is (one load through GS, no call),
 * turning interrupts off and back on around a touch of that state, and a spin-wait hint. Host
 * builds get examples/port/include/arch/cpu_local.h instead, where each thread names its CPU.
 */
#ifndef ARCH_CPU_LOCAL_H
#define ARCH_CPU_LOCAL_H

#include <stdint.h>

/* cpu_index() inline: struct arch_cpu.index, at offset 24 of the area GS points at. */
static inline unsigned arch_cpu_index(void)
{
    uint64_t i;
    __asm__ volatile("mov %%gs:24, %0" : "=r"(i));
    return (unsigned)i;
}

/* Turns interrupts off. Return: the flags arch_irq_restore() needs. */
static inline uint64_t arch_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
    return flags;
}

/* Turns interrupts back on if they were on before arch_irq_save(). */
static inline void arch_irq_restore(uint64_t flags)
{
    if (flags & (1u << 9)) /* RFLAGS.IF */
        __asm__ volatile("sti" : : : "memory");
}

static inline void arch_relax(void)
{
    __asm__ volatile("pause");
}

#endif
