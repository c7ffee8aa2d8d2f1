/* SPDX-License-Identifier: 0BSD */
/*
 * Ring 3 for the portable kernel (include/frame64/usermode.h): syscall/sysret programming, the
 * per-CPU area the system-call entry (boot/usermode.asm) finds its kernel stack in through GS,
 * SMEP and SMAP, and the user FS base.
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <frame64/usermode.h>

_Static_assert(__builtin_offsetof(struct arch_cpu, user_rsp) == ARCH_CPU_USER_RSP,
               "usermode.asm offsets");
_Static_assert(__builtin_offsetof(struct arch_cpu, index) == ARCH_CPU_INDEX, "gdt.c offsets");

static const struct usermode_ops *ops;
static bool smap;

extern void syscall_entry(void);
extern uint64_t usermode_iret(struct kernel_context *k, uint64_t kstack_top, uint64_t rip,
                              uint64_t rsp);

#define RFLAGS_TF (1u << 8)
#define RFLAGS_IF (1u << 9)
#define RFLAGS_DF (1u << 10)
#define RFLAGS_AC (1u << 18)

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
    /* User programs use SSE (the x86-64 ABI's floating point): FPU present, fxsave, #XM. */
    write_cr0((read_cr0() & ~CR0_EM) | CR0_MP);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    /* syscall loads CS 0x08 / SS 0x10; sysret CS 0x20|3 / SS 0x18|3 (gdt.c's order). */
    wrmsr(MSR_STAR, (0x10ull << 48) | (0x08ull << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /* The entry starts with interrupts off, direction up, no single-step, no user access. */
    wrmsr(MSR_FMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC);
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

uint64_t usermode_enter(struct kernel_context *k, uint64_t kstack_top, uint64_t rip, uint64_t rsp)
{
    arch_cpu_this()->kernel_rsp = kstack_top;
    gdt_set_kernel_stack(kstack_top);
    return usermode_iret(k, kstack_top, rip, rsp);
}

void usermode_set_fs_base(uint64_t base)
{
    wrmsr(MSR_FS_BASE, base);
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
