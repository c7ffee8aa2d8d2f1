/* SPDX-License-Identifier: 0BSD */
/*
 * The signal system calls (Linux x86-64 numbers and semantics): rt_sigaction, rt_sigprocmask,
 * rt_sigpending, rt_sigsuspend, pause, sigaltstack, and the two ends of a handler's run: the
 * frame the kernel pushes (Linux's struct rt_sigframe, signal_frame_push()) and rt_sigreturn,
 * which takes the program's registers, mask and x87/SSE state back from it. Everything
 * rt_sigreturn reads is the program's to forge: the selectors are ring 3's whatever the frame
 * says, the flags only those a program may set, and a frame that cannot be read or a
 * non-canonical rip ends the process with SIGSEGV, never the kernel. Sending and delivery are
 * signal.c.
 */
#include <frame64/arch.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/sched.h>
#include "proc_internal.h"
#include "syscall_internal.h"

enum {
    SYS_rt_sigaction = 13,
    SYS_rt_sigprocmask = 14,
    SYS_pause = 34,
    SYS_rt_sigpending = 127,
    SYS_rt_sigsuspend = 130,
    SYS_sigaltstack = 131,
};

#define SIG_BLOCK            0
#define SIG_UNBLOCK          1
#define SIG_SETMASK          2
#define SS_ONSTACK           1
#define SS_DISABLE           2
#define SS_AUTODISARM        (1u << 31)
#define MINSIGSTKSZ          2048
#define UC_SIGCONTEXT_SS     2
#define UC_STRICT_RESTORE_SS 4
#define UNBLOCKABLE          (SIG_BIT(SIGKILL) | SIG_BIT(SIGSTOP))
/* What a program may set in RFLAGS: CF PF AF ZF SF TF DF OF AC ID (boot/usermode.asm's). */
#define USER_FLAGS 0x240DD5ull
#define FLAG_TF    0x100ull
#define FLAG_DF    0x400ull
#define FLAG_RF    0x10000ull

/* Linux's uapi struct sigcontext (64-bit), stack_t, ucontext and struct rt_sigframe. */
struct sigcontext_k {
    uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
    uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
    uint64_t eflags;
    uint16_t cs, gs, fs, ss;
    uint64_t err, trapno, oldmask, cr2;
    uint64_t fpstate; /* the fxsave image, or 0 */
    uint64_t reserved1[8];
};
struct stack_k {
    uint64_t sp;
    int32_t flags, pad;
    uint64_t size;
};
struct ucontext_k {
    uint64_t flags, link;
    struct stack_k stack;
    struct sigcontext_k mc;
    uint64_t sigmask;
};
struct rt_sigframe_k {
    uint64_t pretcode; /* sa_restorer: where the handler returns */
    struct ucontext_k uc;
    struct siginfo_k info;
};
_Static_assert(sizeof(struct sigcontext_k) == 256, "Linux's struct sigcontext");
_Static_assert(sizeof(struct ucontext_k) == 304, "Linux's struct ucontext");
_Static_assert(sizeof(struct siginfo_k) == 128, "Linux's siginfo_t");
_Static_assert(sizeof(struct rt_sigframe_k) == 440, "Linux's struct rt_sigframe");

/* Whether sp is on t's alternate stack (Linux's on_sig_stack()). */
static bool on_altstack(const struct thread *t, uint64_t sp)
{
    return t->altstack_size && sp > t->altstack_sp && sp - t->altstack_sp <= t->altstack_size;
}

/* The flags sigaltstack and a frame's uc_stack report for t at sp. */
static int32_t altstack_flags(const struct thread *t, uint64_t sp)
{
    return !t->altstack_size ? SS_DISABLE : on_altstack(t, sp) ? SS_ONSTACK : 0;
}

/* Sets t's alternate stack from ss, as Linux's do_sigaltstack(). Return: 0, -EPERM, -EINVAL... */
static long set_altstack(struct thread *t, uint64_t sp, const struct stack_k *ss)
{
    if (on_altstack(t, sp))
        return -EPERM;
    uint32_t mode = (uint32_t)ss->flags & ~SS_AUTODISARM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
        return -EINVAL;
    if (mode == SS_DISABLE) {
        t->altstack_sp = t->altstack_size = 0;
        return 0;
    }
    if (ss->size < MINSIGSTKSZ)
        return -ENOMEM;
    t->altstack_sp = ss->sp;
    t->altstack_size = ss->size;
    return 0;
}

__attribute__((noreturn)) static void frame_fault(uint64_t va, const char *what, uint64_t rip)
{
    char why[PROC_WHY_MAX];
    ksnprintf(why, sizeof(why), "page fault at 0x%llx (%s) at rip 0x%llx", (unsigned long long)va,
              what, (unsigned long long)rip);
    proc_exit(PROC_KILLED, SIGSEGV, why);
}

bool signal_frame_push(struct trap_frame *f, int sig, const struct k_sigaction *act,
                       const struct siginfo_k *si, uint64_t cr2)
{
    struct thread *t = thread_current();
    struct process *p = t->proc;
    uint8_t fx[ARCH_FPU_BYTES] __attribute__((aligned(ARCH_FPU_ALIGN)));
    bool on_alt = on_altstack(t, f->rsp);
    uint64_t sp = f->rsp - 128; /* the red zone of the code it interrupts */
    if ((act->flags & SA_ONSTACK) && t->altstack_size && !on_alt)
        sp = t->altstack_sp + t->altstack_size;
    uint64_t fp = ALIGN_DOWN(sp - ARCH_FPU_BYTES, 64);
    uint64_t frame = ((fp - sizeof(struct rt_sigframe_k) + 8) & ~15ull) - 8; /* as after a call */
    memset(fx, 0, sizeof(fx));
    arch_fpu_save(fx);
    struct rt_sigframe_k fr;
    memset(&fr, 0, sizeof(fr));
    fr.pretcode = act->restorer;
    fr.uc.flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
    fr.uc.stack = (struct stack_k){
        .sp = t->altstack_sp, .flags = altstack_flags(t, f->rsp), .size = t->altstack_size};
    struct sigcontext_k *mc = &fr.uc.mc;
    *mc = (struct sigcontext_k){
        .r8 = f->r8,
        .r9 = f->r9,
        .r10 = f->r10,
        .r11 = f->r11,
        .r12 = f->r12,
        .r13 = f->r13,
        .r14 = f->r14,
        .r15 = f->r15,
        .rdi = f->rdi,
        .rsi = f->rsi,
        .rbp = f->rbp,
        .rbx = f->rbx,
        .rdx = f->rdx,
        .rax = f->rax,
        .rcx = f->rcx,
        .rsp = f->rsp,
        .rip = f->rip,
        .eflags = f->rflags,
        .cs = (uint16_t)f->cs,
        .ss = (uint16_t)f->ss,
        .cr2 = cr2,
        .fpstate = fp,
    };
    if (f->vector < 32) { /* a fault: what the CPU said about it */
        mc->err = f->error;
        mc->trapno = f->vector;
    }
    uint64_t mask = t->sig_restore_mask ? t->sig_saved_mask : t->sig_mask;
    mc->oldmask = mask;
    fr.uc.sigmask = mask;
    fr.info = *si;
    if (!(act->flags & SA_RESTORER)) /* x86-64 handlers return through the C library's */
        frame_fault(frame, "a handler without SA_RESTORER: nowhere to return to", f->rip);
    if (copy_to_user(p, fp, fx, sizeof(fx)) || copy_to_user(p, frame, &fr, sizeof(fr)))
        frame_fault(frame, "no room for the signal handler's frame on the stack", f->rip);
    f->rip = act->handler;
    f->rsp = frame;
    f->rdi = (uint64_t)sig;
    f->rsi = frame + offsetof(struct rt_sigframe_k, info);
    f->rdx = frame + offsetof(struct rt_sigframe_k, uc);
    f->rax = 0;
    f->rflags &= ~(FLAG_DF | FLAG_TF | FLAG_RF);
    f->cs = USERMODE_CS;
    f->ss = USERMODE_SS;
    uint64_t irq = irqlock_acquire(&p->lock);
    t->sig_mask |= act->mask | ((act->flags & SA_NODEFER) ? 0 : SIG_BIT(sig));
    t->sig_mask &= ~UNBLOCKABLE;
    t->sig_restore_mask = false;
    irqlock_release(&p->lock, irq);
    usermode_reset_fpu(); /* the handler starts from a clean x87/SSE state, as on Linux */
    return true;
}

/* The MXCSR bits this CPU accepts (fxrstor of any other is #GP in the kernel). */
static uint32_t mxcsr_mask(void)
{
    static uint32_t mask;
    if (!mask) {
        uint8_t fx[ARCH_FPU_BYTES] __attribute__((aligned(ARCH_FPU_ALIGN)));
        memset(fx, 0, sizeof(fx));
        arch_fpu_save(fx);
        memcpy(&mask, fx + 28, sizeof(mask));
        if (!mask)
            mask = 0xFFBF; /* the architectural default */
    }
    return mask;
}

void sys_rt_sigreturn(struct process *p, struct syscall_frame *sf)
{
    struct thread *t = thread_current();
    uint64_t frame = sf->rsp - 8; /* the handler's ret took the restorer's address */
    struct rt_sigframe_k fr;
    if (copy_from_user(p, &fr, frame, offsetof(struct rt_sigframe_k, info)))
        frame_fault(frame, "rt_sigreturn found no signal frame there", sf->rip);
    const struct sigcontext_k *mc = &fr.uc.mc;
    if (mc->rip >> 47)
        frame_fault(mc->rip, "rt_sigreturn to a non-canonical address", sf->rip);
    uint8_t fx[ARCH_FPU_BYTES] __attribute__((aligned(ARCH_FPU_ALIGN)));
    if (mc->fpstate && copy_from_user(p, fx, mc->fpstate, sizeof(fx)))
        frame_fault(mc->fpstate, "rt_sigreturn found no x87/SSE state there", sf->rip);
    struct trap_frame r = {
        .r15 = mc->r15,
        .r14 = mc->r14,
        .r13 = mc->r13,
        .r12 = mc->r12,
        .r11 = mc->r11,
        .r10 = mc->r10,
        .r9 = mc->r9,
        .r8 = mc->r8,
        .rbp = mc->rbp,
        .rdi = mc->rdi,
        .rsi = mc->rsi,
        .rdx = mc->rdx,
        .rcx = mc->rcx,
        .rbx = mc->rbx,
        .rax = mc->rax,
        .vector = (uint64_t)-1,
        .rip = mc->rip,
        .cs = USERMODE_CS,
        .rflags = (mc->eflags & USER_FLAGS) | 0x202,
        .rsp = mc->rsp,
        .ss = USERMODE_SS,
    };
    if (mc->fpstate) {
        uint32_t mxcsr;
        memcpy(&mxcsr, fx + 24, sizeof(mxcsr));
        mxcsr &= mxcsr_mask();
        memcpy(fx + 24, &mxcsr, sizeof(mxcsr));
        arch_fpu_load(fx);
    } else {
        usermode_reset_fpu();
    }
    uint64_t irq = irqlock_acquire(&p->lock);
    t->sig_mask = fr.uc.sigmask & ~UNBLOCKABLE;
    irqlock_release(&p->lock, irq);
    set_altstack(t, sf->rsp, &fr.uc.stack); /* Linux's restore_altstack(): refusals ignored */
    proc_check_killed();
    signal_deliver(&r); /* one the restored mask lets through runs now */
    usermode_return(&r);
}

static long sys_rt_sigaction(struct process *p, long sig, uint64_t act, uint64_t oact,
                             uint64_t size)
{
    struct k_sigaction new, old;
    if (size != 8 || sig < 1 || sig > PROC_SIG_MAX)
        return -EINVAL;
    if (act && (sig == SIGKILL || sig == SIGSTOP))
        return -EINVAL;
    if (act && copy_from_user(p, &new, act, sizeof(new)))
        return -EFAULT;
    uint64_t irq = irqlock_acquire(&p->lock);
    old = p->sigs->action[sig - 1];
    if (act) {
        new.mask &= ~UNBLOCKABLE;
        p->sigs->action[sig - 1] = new;
        bool dropped =
            new.handler == SIG_IGN || (new.handler == SIG_DFL && !proc_signal_is_fatal((int)sig) &&
                                       !proc_signal_is_stop((int)sig));
        if (dropped) { /* Linux discards a pending signal that is now ignored */
            p->sigs->pending &= ~SIG_BIT(sig);
            for (struct thread *t = p->threads; t; t = t->proc_next)
                t->sig_pending &= ~SIG_BIT(sig);
        }
    }
    irqlock_release(&p->lock, irq);
    if (oact && copy_to_user(p, oact, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

static long sys_rt_sigprocmask(struct process *p, long how, uint64_t set, uint64_t oset,
                               uint64_t size)
{
    struct thread *t = thread_current();
    uint64_t s = 0, old = t->sig_mask;
    if (size != 8)
        return -EINVAL;
    if (set && copy_from_user(p, &s, set, sizeof(s)))
        return -EFAULT;
    if (set) {
        uint64_t m = how == SIG_BLOCK     ? old | s
                     : how == SIG_UNBLOCK ? old & ~s
                     : how == SIG_SETMASK ? s
                                          : 0;
        if (how != SIG_BLOCK && how != SIG_UNBLOCK && how != SIG_SETMASK)
            return -EINVAL;
        uint64_t irq = irqlock_acquire(&p->lock);
        t->sig_mask = m & ~UNBLOCKABLE;
        irqlock_release(&p->lock, irq);
    }
    if (oset && copy_to_user(p, oset, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

static long sys_rt_sigpending(struct process *p, uint64_t set, uint64_t size)
{
    struct thread *t = thread_current();
    if (size > 8)
        return -EINVAL;
    uint64_t irq = irqlock_acquire(&p->lock);
    uint64_t pending = (t->sig_pending | p->sigs->pending) & t->sig_mask;
    irqlock_release(&p->lock, irq);
    return copy_to_user(p, set, &pending, size) ? -EFAULT : 0;
}

/* rt_sigsuspend and pause: park until a signal has a handler to run (or the end). */
long signal_wait_mask(struct process *p, uint64_t uset, uint64_t size)
{
    uint64_t m;
    if (size != sizeof(m))
        return -EINVAL;
    if (copy_from_user(p, &m, uset, sizeof(m)))
        return -EFAULT;
    struct thread *t = thread_current();
    uint64_t irq = irqlock_acquire(&p->lock);
    t->sig_saved_mask = t->sig_mask;
    t->sig_restore_mask = true;
    t->sig_mask = m & ~UNBLOCKABLE;
    irqlock_release(&p->lock, irq);
    return 0;
}

static long suspend(struct process *p, bool with_mask, uint64_t uset, uint64_t size)
{
    long r = with_mask ? signal_wait_mask(p, uset, size) : 0;
    if (r)
        return r;
    while (!thread_interrupted())
        park();
    return -PROC_ERESTARTNOHAND;
}

static long sys_sigaltstack(struct process *p, const struct syscall_frame *f, uint64_t uss,
                            uint64_t uoss)
{
    struct thread *t = thread_current();
    struct stack_k ss,
        old = {.sp = t->altstack_sp, .flags = altstack_flags(t, f->rsp), .size = t->altstack_size};
    if (uss) {
        if (copy_from_user(p, &ss, uss, sizeof(ss)))
            return -EFAULT;
        long r = set_altstack(t, f->rsp, &ss);
        if (r)
            return r;
    }
    if (uoss && copy_to_user(p, uoss, &old, sizeof(old)))
        return -EFAULT;
    return 0;
}

long sys_signal_dispatch(struct process *p, const struct syscall_frame *f)
{
    switch (f->rax) {
    case SYS_rt_sigaction:
        return sys_rt_sigaction(p, (long)f->rdi, f->rsi, f->rdx, f->r10);
    case SYS_rt_sigprocmask:
        return sys_rt_sigprocmask(p, (long)f->rdi, f->rsi, f->rdx, f->r10);
    case SYS_rt_sigpending:
        return sys_rt_sigpending(p, f->rdi, f->rsi);
    case SYS_rt_sigsuspend:
        return suspend(p, true, f->rdi, f->rsi);
    case SYS_pause:
        return suspend(p, false, 0, 0);
    case SYS_sigaltstack:
        return sys_sigaltstack(p, f, f->rdi, f->rsi);
    default:
        return -ENOSYS;
    }
}
