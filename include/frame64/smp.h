/* SPDX-License-Identifier: 0BSD */
/*
 * Every CPU (src/kernel/smp.c, with the x86_64 parts in src/arch/x86_64/smp.c): finding them in the
 * ACPI MADT, starting them, running work on all of them at once, TLB shootdown, and stopping
 * them when one CPU dies. What must not wait reaches the other CPUs as NMIs: they arrive whatever
 * a CPU is doing (interrupts off too), and their handler takes no lock. Idle CPUs halt with
 * interrupts on; work for them comes with a wake-up interrupt.
 */
#ifndef FRAME64_SMP_H
#define FRAME64_SMP_H

#include <frame64/cpu.h>
#include <frame64/types.h>

/*
 * Starts every usable processor the MADT lists, one at a time, and prints exactly one line,
 * "smp: N of M CPUs online". A missing or bad MADT is a message and a single-CPU boot.
 * ap_page is the page below 1 MiB that bootmem reserved for starting them (0: none).
 */
void smp_init(phys_addr_t ap_page);

/* Runs fn(arg) on every online CPU at once, this one included, and returns when all are done. */
void smp_run_all(void (*fn)(void *arg), void *arg);

struct kstack;
/*
 * Starts the scheduler on every CPU (sched_init_cpu()): the boot CPU's thread is the one on
 * boot_stack, every other CPU's the one that waits for smp_run_all() work. Prints one line.
 */
void smp_sched_init(const struct kstack *boot_stack);

/*
 * The kernel's one TLB flush: makes every CPU that may hold translations of [start, end) in the
 * page tables at pml4 (0 or kernel_pml4: the kernel half, which every CPU holds, as global
 * entries) drop them -- this one if it has them loaded, the others by a shootdown -- and returns
 * when each has. all, or a range past VMSPACE_FLUSH_MAX_PAGES pages, flushes whole TLBs. Used by
 * address spaces, kernel stacks and the AP start page; call it after the unmap and before the
 * frames are freed. A CPU that never answers is a panic.
 */
void tlb_flush(phys_addr_t pml4, uint64_t start, uint64_t end, bool all);

/* Records that this CPU now runs on the page tables at pml4 (so shootdowns know whom to ask). */
void smp_note_page_tables(phys_addr_t pml4);

/* Stops every other CPU for good (NMI); they halt. For the way down: panic, a fatal exception. */
void smp_stop_others(void);

/* Turns TLB shootdown off (ktest.noshootdown: proves that its ktest can fail). */
extern bool smp_shootdown_off;

#endif
