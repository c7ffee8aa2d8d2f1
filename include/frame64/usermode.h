/* SPDX-License-Identifier: 0BSD */
/*
 * Ring 3: entering user mode, system calls (syscall/sysret, Linux x86-64 conventions), and
 * getting back to the kernel for good when a process ends. Implemented in
 * src/arch/x86_64/usermode.c and boot/usermode.asm; the policy (what a call does, what a fault
 * means) lives in src/exec/.
 */
#ifndef FRAME64_USERMODE_H
#define FRAME64_USERMODE_H

#include <frame64/arch.h>
#include <frame64/types.h>

/* Ring 3's selectors (boot/usermode.asm, the GDT): code, and stack and data. */
#define USERMODE_CS 0x23
#define USERMODE_SS 0x1b

/* What a system call brings, laid out by the entry stub: number and arguments, where it came from.
 */
struct syscall_frame {
    uint64_t r15, r14, r13, r12, rbp, rbx;    /* preserved for the caller */
    uint64_t r9, r8, r10, rdx, rsi, rdi, rax; /* rax: the number in, the result out */
    uint64_t rip, rflags, rsp;                /* the caller's (from rcx, r11 and its rsp) */
};

/* What the kernel does with system calls (src/exec/). */
struct usermode_ops {
    /* One system call: reads f->rax and the argument registers, writes the result to f->rax. */
    void (*syscall)(struct syscall_frame *f);
    /*
     * The call would return to a non-canonical address (sysret would fault in ring 0): the
     * process must end here. Must not return (usermode_leave()).
     */
    void (*bad_return)(struct syscall_frame *f);
};

/* The kernel registers a process's run is started from, and returned to when it ends. */
struct kernel_context {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp;
};

/*
 * Programs user code and data segments, syscall/sysret (EFER.SCE, STAR, LSTAR, FMASK), the
 * per-CPU area system calls find their stack in, and SMEP/SMAP where the CPU has them.
 */
void usermode_init(const struct cpu_info *cpu, const struct usermode_ops *ops);

/* The per-CPU part of usermode_init() (its MSRs and CR4 bits), for every other CPU. */
void usermode_init_cpu(const struct cpu_info *cpu);

/*
 * Runs user code at rip with stack rsp; system calls and exceptions from it run on the kernel
 * stack whose top is kstack_top. Return: the value given to usermode_leave(), which ends the run.
 */
uint64_t usermode_enter(struct kernel_context *k, uint64_t kstack_top, uint64_t rip, uint64_t rsp);

/*
 * As usermode_enter(), but the user code starts with the registers of f as a sysret from that
 * system call would leave them (a forked child returning from its parent's fork).
 */
uint64_t usermode_enter_frame(struct kernel_context *k, uint64_t kstack_top,
                              const struct syscall_frame *f);

struct trap_frame;
/*
 * Returns to ring 3 with every register of f (rt_sigreturn), abandoning the kernel stack the
 * caller runs on. f's cs, ss and rflags must already be a user's (the caller sanitises them) and
 * its rip canonical.
 */
__attribute__((noreturn)) void usermode_return(const struct trap_frame *f);

/* Abandons the user code (and the kernel stack it was using) and returns from usermode_enter(). */
__attribute__((noreturn)) void usermode_leave(struct kernel_context *k, uint64_t value);

/*
 * Gives the next user code a clean x87/SSE state (the kernel itself never touches those
 * registers: it is built without them), so nothing of an earlier process shows through.
 */
void usermode_reset_fpu(void);

/* The user's FS base (arch_prctl(ARCH_SET_FS): thread-local storage). */
void usermode_set_fs_base(uint64_t base);
uint64_t usermode_fs_base(void);

/*
 * Where system calls and traps from ring 3 start on this CPU's kernel stack from now on (the
 * scheduler sets it for each thread it switches to).
 */
void usermode_set_kernel_stack(uint64_t top);

/*
 * Brackets kernel accesses to user memory: with SMAP on, the kernel can touch user pages only in
 * between (STAC/CLAC); without SMAP both do nothing.
 */
void usermode_access_begin(void);
void usermode_access_end(void);

/* Whether a trap came from user mode. */
static inline bool usermode_trap(uint64_t cs)
{
    return (cs & 3) == 3;
}

#endif
