/* SPDX-License-Identifier: 0BSD */
/*
 * The per-CPU area of the x86_64 code, reached through GS (the kernel's GS base points at the
 * CPU's own struct arch_cpu; swapgs trades it for the user's on every entry from ring 3).
 * boot/usermode.asm reads the first two fields at fixed offsets.
 */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#include <frame64/cpu.h>
#include <stdint.h>

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct arch_cpu {
    uint64_t kernel_rsp;   /* 0: the kernel stack system calls run on */
    uint64_t user_rsp;     /* 8: the caller's stack pointer while the entry saves it */
    struct arch_cpu *self; /* 16: this structure's own address, read through GS */
    uint64_t index;        /* 24: cpu_index() */
    uint32_t apic_id;
    uint64_t gdt[7] __attribute__((aligned(16)));
    struct tss tss;
};

#define ARCH_CPU_USER_RSP 8
#define ARCH_CPU_INDEX    24

extern struct arch_cpu arch_cpus[CPU_MAX];

/* This CPU's area. */
static inline struct arch_cpu *arch_cpu_this(void)
{
    struct arch_cpu *c;
    __asm__ volatile("mov %%gs:16, %0" : "=r"(c));
    return c;
}

/* Builds and loads CPU index's GDT and TSS and points its GS base at its area. */
void gdt_init_cpu(unsigned index);

#endif
