/* SPDX-License-Identifier: 0BSD */
/* The register frame every exception stub builds (boot/isr.asm), and what handles it. */
#ifndef FRAME64_TRAP_H
#define FRAME64_TRAP_H

#include <frame64/types.h>

struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* Called by the stubs. Returns to resume the interrupted code (only for handled vectors). */
void exception_dispatch(struct trap_frame *f);

/* Fills f with the caller's registers (boot/isr.asm); vector is set to -1. */
void arch_save_regs(struct trap_frame *f);

/* Prints a frame: vector name, error code, RIP, CR2 for page faults, RSP and the registers. */
void trap_dump(const struct trap_frame *f);

/*
 * A kernel policy for one exception vector (src/kernel/fault.c installs them): it may print what it
 * knows of the fault. Return: true to resume the interrupted code (the fault was dealt with), false
 * to die with the register dump.
 */
typedef bool (*trap_handler_fn)(struct trap_frame *f);
void trap_set_handler(unsigned vector, trap_handler_fn fn);

/*
 * If f stopped inside a routine built to survive faults (arch_probe_read()), moves it to that
 * routine's failure exit. Return: whether it did.
 */
bool trap_fixup(struct trap_frame *f);

/*
 * Forgets the exception this CPU was handling: its handler left for good (a program killed from a
 * trap returns to the kernel through usermode_leave(), abandoning the frame).
 */
void trap_forget_active(void);

/*
 * Called on the way down, before a fatal exception's dump (src/kernel/fault.c: the console's
 * emergency mode, then stop the other CPUs).
 */
void trap_set_fatal(void (*fn)(void));

/*
 * Lets a test catch the next breakpoint (#BP, int3): the handler counts it and resumes.
 * Return of trap_breakpoints_caught(): how many were caught since boot.
 */
void trap_expect_breakpoint(bool on);
uint64_t trap_breakpoints_caught(void);

#endif
