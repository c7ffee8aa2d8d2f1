/* SPDX-License-Identifier: 0BSD */
/*
 * What the portable kernel asks of the CPU and the machine. Implemented in src/arch/x86_64/;
 * code outside that folder calls these instead of touching hardware.
 */
#ifndef FRAME64_ARCH_H
#define FRAME64_ARCH_H

#include <frame64/types.h>

/* Loads the kernel's GDT and TSS (with interrupt stacks for #DF, NMI and #MC). */
void gdt_init(void);
/* Loads an IDT with handlers for all 32 CPU exceptions. */
void idt_init(void);

struct cpu_info {
    unsigned phys_bits; /* physical address width (CPUID 0x80000008), 36 if unknown */
    unsigned virt_bits;
    bool nx;      /* execute-disable available (and EFER.NXE set) */
    bool huge_1g; /* 1 GiB pages available */
    char vendor[13];
    char brand[49];
};
void arch_cpu_info(struct cpu_info *out);

/* Physical address of the page tables the CPU walks now (CR3 without its flag bits). */
phys_addr_t arch_page_table_root(void);

/* Cycle counter (rdtsc), for rough timings only. */
uint64_t arch_cycles(void);
/* EFER.LMA: long mode is active. */
bool arch_long_mode_active(void);

/* Executes int3 (tests of the exception path). */
void arch_breakpoint(void);

/* Ends the run: QEMU's isa-debug-exit with status (QEMU exits with 2*status+1), else halts. */
__attribute__((noreturn)) void arch_poweroff(unsigned status);
/* Halts this CPU for good, interrupts off. */
__attribute__((noreturn)) void arch_halt(void);

#endif
