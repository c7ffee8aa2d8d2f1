/* SPDX-License-Identifier: 0BSD */
/*
 * Ring 3 for the portable kernel (include/frame64/usermode.h): syscall/sysret programming, the
 * per-CPU area the system-call entry (boot/usermode.asm) finds its kernel stack in through GS,
 * SMEP and SMAP, and the user FS base.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <frame64/panic.h>
#include <frame64/trap.h>
#include <frame64/usermode.h>

_Static_assert(__builtin_offsetof(struct arch_cpu, user_rsp) == ARCH_CPU_USER_RSP,
               "usermode.asm offsets");
_Static_assert(__builtin_offsetof(struct arch_cpu, index) == ARCH_CPU_INDEX, "gdt.c offsets");

static const struct usermode_ops *ops;
static bool smap;

extern void syscall_entry(void);
extern uint64_t usermode_iret(struct kernel_context *k, uint64_t kstack_top, uint64_t rip,
                              uint64_t rsp);
extern uint64_t usermode_iret_frame(struct kernel_context *k, uint64_t kstack_top,
                                    const struct syscall_frame *f);

#define RFLAGS_CF   (1u << 0)
#define RFLAGS_PF   (1u << 2)
#define RFLAGS_AF   (1u << 4)
#define RFLAGS_ZF   (1u << 6)
#define RFLAGS_SF   (1u << 7)
#define RFLAGS_TF   (1u << 8)
#define RFLAGS_IF   (1u << 9)
#define RFLAGS_DF   (1u << 10)
#define RFLAGS_OF   (1u << 11)
#define RFLAGS_IOPL (3u << 12)
#define RFLAGS_NT   (1u << 14)
#define RFLAGS_RF   (1u << 16)
#define RFLAGS_AC   (1u << 18)
#define RFLAGS_ID   (1u << 21)

/*
 * What the system-call entry clears (Linux's syscall mask): everything a program can set that
 * must not reach ring 0. IF: no interrupt before the stack switch, and system calls run with
 * interrupts off for now (docs/interrupts.md); DF: C expects it clear; TF: no single-step trap in
 * the kernel; AC: SMAP on; NT: an iretq with NT set faults (#GP) instead of returning, which is
 * how a program could stop the kernel; IOPL, RF, ID and the arithmetic flags: nothing of the
 * caller's state leaks into the kernel's decisions.
 */
#define SYSCALL_FLAGS_MASK                                                                         \
    (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | RFLAGS_TF | RFLAGS_IF |           \
     RFLAGS_DF | RFLAGS_OF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_RF | RFLAGS_AC | RFLAGS_ID)

/* Flags the kernel must never run with once a program has been in ring 3. */
#define KERNEL_FORBIDDEN_FLAGS (RFLAGS_TF | RFLAGS_DF | RFLAGS_IOPL | RFLAGS_NT | RFLAGS_AC)

/* The state fxrstor loads for a fresh process: x87 control word 0x37F, MXCSR 0x1F80, all zero. */
static uint8_t clean_fpu[512]
    __attribute__((aligned(16))) = {[0] = 0x7F, [1] = 0x03, [24] = 0x80, [25] = 0x1F};

void usermode_reset_fpu(void)
{
    __asm__ volatile("fxrstor %0" : : "m"(clean_fpu));
}

void usermode_init(const struct cpu_info *cpu, const struct usermode_ops *o)
{
    ops = o;
    usermode_init_cpu(cpu);
}

void usermode_init_cpu(const struct cpu_info *cpu)
{
    /*
     * User programs use SSE (the x86-64 ABI's floating point): FPU present, fxsave, #XM. NE: an
     * unmasked x87 exception raises #MF in the program (Linux: SIGFPE) instead of the legacy
     * FERR# line, where it would be lost. AM: a program that sets AC gets alignment checks (#AC,
     * Linux's SIGBUS), as on Linux; it applies in ring 3 only, so STAC in the kernel is unaffected.
     */
    write_cr0((read_cr0() & ~CR0_EM) | CR0_MP | CR0_NE | CR0_AM);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* syscall loads CS 0x08 / SS 0x10; sysret CS 0x20|3 / SS 0x18|3 (gdt.c's order). */
    wrmsr(MSR_STAR, (0x10ull << 48) | (0x08ull << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_FMASK, SYSCALL_FLAGS_MASK);
    uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
    if (cpu->smep)
        cr4 |= CR4_SMEP;
    if (cpu->smap)
        cr4 |= CR4_SMAP;
    write_cr4(cr4);
    smap = cpu->smap;
}

/* Called by syscall_entry on the kernel stack. */
void usermode_syscall(struct syscall_frame *f)
{
    ops->syscall(f);
}

/* Called by syscall_entry instead of a sysret that would fault. */
void usermode_bad_return(struct syscall_frame *f)
{
    ops->bad_return(f);
}

/*
 * The program runs with interrupts on (usermode_iret's RFLAGS). It comes back through a system
 * call or an exception, both with interrupts off; the caller gets them as it had them.
 */

/* After a program's run: its kernel stack is abandoned and the kernel's flags checked. */
static void after_program(bool interrupts)
{
    trap_forget_active(); /* the program's kernel stack is abandoned, with any exception frame */
    uint64_t flags = read_rflags();
    if (flags & KERNEL_FORBIDDEN_FLAGS)
        panic("the kernel runs with RFLAGS %lx after a program: TF, DF, IOPL, NT and AC must be "
              "clear in ring 0 (an entry path let the program's flags through)",
              flags);
    if (interrupts)
        __asm__ volatile("sti" : : : "memory");
}

uint64_t usermode_enter_frame(struct kernel_context *k, uint64_t kstack_top,
                              const struct syscall_frame *f)
{
    bool interrupts = read_rflags() & RFLAGS_IF;
    __asm__ volatile("cli" : : : "memory");
    usermode_set_kernel_stack(kstack_top);
    uint64_t value = usermode_iret_frame(k, kstack_top, f);
    after_program(interrupts);
    return value;
}

uint64_t usermode_enter(struct kernel_context *k, uint64_t kstack_top, uint64_t rip, uint64_t rsp)
{
    bool interrupts = read_rflags() & RFLAGS_IF;
    __asm__ volatile("cli" : : : "memory"); /* none until iretq: GS is swapped on the way */
    usermode_set_kernel_stack(kstack_top);
    uint64_t value = usermode_iret(k, kstack_top, rip, rsp);
    after_program(interrupts);
    return value;
}

void usermode_set_fs_base(uint64_t base)
{
    wrmsr(MSR_FS_BASE, base);
}

uint64_t usermode_fs_base(void)
{
    return rdmsr(MSR_FS_BASE);
}

void usermode_set_kernel_stack(uint64_t top)
{
    arch_cpu_this()->kernel_rsp = top;
    gdt_set_kernel_stack(top);
}

void usermode_access_begin(void)
{
    if (smap)
        __asm__ volatile("stac" : : : "memory");
}

void usermode_access_end(void)
{
    if (smap)
        __asm__ volatile("clac" : : : "memory");
}
