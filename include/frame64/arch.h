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
    bool pge;     /* global pages (CR4.PGE) available */
    bool smep;    /* supervisor-mode execution prevention */
    bool smap;    /* supervisor-mode access prevention */
    bool rdrand;  /* the RDRAND instruction (CPUID.1:ECX[30]) */
    bool rdseed;  /* the RDSEED instruction (CPUID.7.0:EBX[18]) */
    char vendor[13];
    char brand[49];
    char hypervisor[13]; /* CPUID 0x40000000's signature ("KVMKVMKVM", "TCGTCGTCGTCG") when
                            CPUID.1:ECX[31] says a hypervisor runs this CPU, else "" */
};
void arch_cpu_info(struct cpu_info *out);

/*
 * 64 bits from the CPU's random-number generator: RDSEED (the entropy source itself) if info says
 * the CPU has it, else RDRAND, each retried a few times (they may run dry for a moment).
 * Return: false if neither is there or both kept failing.
 */
bool arch_random_u64(const struct cpu_info *info, uint64_t *out);

/* Physical address of the page tables the CPU walks now (CR3 without its flag bits). */
phys_addr_t arch_page_table_root(void);

/* Drops this CPU's translation of the page holding va (after an unmap, before the frame is reused).
 */
void arch_flush_page(uint64_t va);

/* Drops every translation of this CPU that is not global (a CR3 reload). */
void arch_flush_tlb_all(void);

/* Makes the CPU walk the page tables at pml4 (another address space, same kernel half). */
void arch_load_page_tables(phys_addr_t pml4);

/* The address the last page fault was about (CR2). */
uint64_t arch_fault_address(void);

/* Switches this CPU to the stack whose initial RSP is top and calls fn there; never returns. */
__attribute__((noreturn)) void arch_run_on_stack(uint64_t top, void (*fn)(void));

/* The stack the CPU switches to when user code traps into the kernel (TSS.RSP0). */
void gdt_set_kernel_stack(uint64_t top);

/* ---- kernel threads (boot/switch.asm, src/arch/x86_64/thread.c; policy: src/kernel/sched.c) ----
 */

/*
 * Saves this thread's callee-saved registers on its stack and its stack pointer in *save_rsp,
 * then continues the thread whose saved stack pointer is next_rsp. Interrupts must be off.
 */
void arch_switch(uint64_t *save_rsp, uint64_t next_rsp);
/*
 * Prepares the stack whose top is top (16-byte aligned) so that the first arch_switch() to the
 * returned stack pointer calls fn(arg), which must never return.
 */
uint64_t arch_thread_stack(uint64_t top, void (*fn)(void *arg), void *arg);
/* The size of an x87/SSE state image (fxsave), and its alignment. */
#define ARCH_FPU_BYTES 512
#define ARCH_FPU_ALIGN 16
/* Saves this CPU's x87/SSE registers to area, and loads them from one. */
void arch_fpu_save(void *area);
void arch_fpu_load(const void *area);
/* A clean x87/SSE image, what a new program starts with. */
void arch_fpu_init(void *area);

/* ---- the other CPUs (src/arch/x86_64/smp.c; the policy is src/kernel/smp.c) ---- */

/*
 * Copies the trampoline to page (below 1 MiB) for CPUs that will run on the page tables at pml4
 * (below 4 GiB), turns on this CPU's local APIC through lapic_regs (its registers, mapped
 * uncached by the kernel; unused under x2APIC) and calibrates the delays.
 * Return: false if the local APIC has no registers to use.
 */
bool arch_smp_prepare(phys_addr_t page, phys_addr_t pml4, volatile void *lapic_regs);
/*
 * Starts the CPU with apic_id as CPU index on a kernel stack ending at stack_top, with the three
 * interrupt-stack tops ist (INIT, SIPI, SIPI). Return: whether it checked in within half a second.
 */
bool arch_start_cpu(unsigned index, uint32_t apic_id, uint64_t stack_top, const uint64_t ist[3]);
/* This CPU's local APIC ID. */
uint32_t arch_apic_id(void);
/* Sends an NMI to CPU index. */
void arch_send_nmi(unsigned index);
/* Busy-waits about us microseconds (after arch_smp_prepare() calibrated the clock). */
void arch_delay_us(uint64_t us);
/* Drops every translation of this CPU, global ones too (toggles CR4.PGE). */
void arch_flush_tlb_global(void);

/* Asks CPU index to look for work: an interrupt (ARCH_IRQ_WAKE) that ends its hlt. */
void arch_send_wake(unsigned index);

/* ---- interrupts (src/arch/x86_64/irq.c, clock.c; the policy is src/kernel/irq.c) ---- */

#define ARCH_IRQ_ISA(irq) (0x30u + (irq)) /* ISA IRQ 0-15 as the I/O APIC delivers them */
#define ARCH_IRQ_TIMER    0xF0u           /* each CPU's local APIC timer */
#define ARCH_IRQ_WAKE     0xF1u           /* arch_send_wake() */
#define ARCH_IRQ_SPURIOUS 0xFFu           /* the local APIC's spurious vector */

struct trap_frame;
/*
 * Turns on this CPU's local APIC through lapic_regs (as arch_smp_prepare() does) and measures
 * the TSC and the APIC timer against the PIT (once). Return: false without a local APIC.
 */
bool arch_interrupts_prepare(volatile void *lapic_regs);
/*
 * The kernel's dispatcher for the timer and ISA vectors: called with interrupts off, on the
 * interrupted code's stack; the end of interrupt is sent after it returns.
 */
void arch_irq_set_handler(void (*fn)(struct trap_frame *f));
/*
 * Called after every interrupt has been acknowledged, interrupts still off, on the interrupted
 * code's stack: where the scheduler may switch away from a preempted program.
 */
void arch_irq_set_exit_hook(void (*fn)(struct trap_frame *f));
/* Called by exception_dispatch() for the vectors from 32 up. */
void arch_irq_dispatch(struct trap_frame *f);
/* sti, cli, and whether interrupts are on (RFLAGS.IF). */
void arch_irq_enable(void);
void arch_irq_disable(void);
bool arch_irq_enabled(void);
/* Turns interrupts on and halts until one arrives (sti; hlt: none can come in between). */
void arch_wait_for_interrupt(void);
/*
 * Makes this CPU's local APIC timer interrupt hz times a second (ARCH_IRQ_TIMER), from the
 * calibrated rate. Return: the timer's count per interrupt, 0 if it cannot (no APIC, no rate).
 */
uint64_t arch_timer_start(unsigned hz);
/* The APIC timer's calibrated rate (its counts per second), and the TSC's (cycles per second). */
uint64_t arch_timer_hz(void);
uint64_t arch_tsc_hz(void);

/* Masks every line of the legacy 8259 PICs (nothing is routed through them). */
void arch_mask_legacy_irqs(void);

/* Gives interrupt-stack-table entry ist (1..7; #DF uses 1, NMI 2, #MC 3) the stack top. */
void gdt_set_ist(unsigned ist, uint64_t top);

/*
 * Reads the 8 bytes at va into *out, or reports the fault instead of dying: the page-fault policy
 * recognises this routine (trap_fixup()) and resumes it with K_EFAULT. For tests of the fault
 * paths. Return: K_OK or K_EFAULT.
 */
int arch_probe_read(uint64_t va, uint64_t *out);

/*
 * Programs the PAT (where the CPU has one) so that a PTE with PWT alone is write-combining.
 * Return of arch_has_write_combining(): whether it is.
 */
void arch_pat_init(void);
bool arch_has_write_combining(void);

/* Turns on global pages (CR4.PGE): kernel-half translations then survive address-space switches. */
void arch_enable_global_pages(void);

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
