/* SPDX-License-Identifier: 0BSD */
/*
 * Signals, with Linux x86-64's semantics (docs/processes.md, "Signals"): sending (kill, tkill,
 * tgkill, SIGCHLD, faults), the choice of a thread, and delivery on every way back to ring 3:
 * a default action, or a handler run on Linux's struct rt_sigframe, which glibc's and musl's
 * sigreturn trampolines, siglongjmp and ucontext readers expect. The system calls are
 * sys_signal.c.
 *
 * Dispositions live in a frame of the process's own (struct proc_sigs), shared by its threads
 * (CLONE_SIGHAND); each thread has its mask, its pending signals and its alternate stack. The
 * process's lock guards them all. Standard and real-time signals alike are one bit each while
 * pending: a second one sent before the first is delivered is merged (real-time signals are
 * not queued).
 */
#include <frame64/arch.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/sched.h>
#include <frame64/smp.h>
#include "proc_internal.h"
#include "syscall_internal.h"

int proc_sigs_alloc(struct process *p)
{
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE)
        return K_ENOMEM;
    p->sigs = phys_to_virt(pa);
    memset(p->sigs, 0, PAGE_SIZE);
    return K_OK;
}

void proc_sigs_free(struct process *p)
{
    if (p->sigs)
        frame_free(&kernel_frames, virt_to_phys(p->sigs));
    p->sigs = NULL;
}

void proc_sigs_fork(struct process *c, struct thread *t, struct process *parent)
{
    struct thread *self = thread_current();
    uint64_t irq = irqlock_acquire(&parent->lock);
    memcpy(c->sigs->action, parent->sigs->action, sizeof(c->sigs->action));
    irqlock_release(&parent->lock, irq);
    t->sig_mask = self->sig_mask;
    if (c != parent) { /* a new process keeps the alternate stack; a thread starts without */
        t->altstack_sp = self->altstack_sp;
        t->altstack_size = self->altstack_size;
    }
}

void proc_sigs_exec(struct process *p)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    for (int i = 0; i < PROC_SIG_MAX; i++)
        if (p->sigs->action[i].handler != SIG_IGN)
            p->sigs->action[i] = (struct k_sigaction){0};
    irqlock_release(&p->lock, irq);
    struct thread *t = thread_current();
    t->altstack_sp = t->altstack_size = 0;
}

/* Whether sig's default action is to ignore it (SIGCHLD, SIGCONT, SIGURG, SIGWINCH). */
static bool default_ignored(int sig)
{
    return !proc_signal_is_fatal(sig) && !proc_signal_is_stop(sig);
}

#define STOP_SIGNALS (SIG_BIT(19) | SIG_BIT(20) | SIG_BIT(21) | SIG_BIT(22))

/* Whether a signal sent now with action a is dropped (ignored, and not blocked by the target). */
static bool ignored(const struct k_sigaction *a, int sig)
{
    return a->handler == SIG_IGN || (a->handler == SIG_DFL && default_ignored(sig));
}

/* Gets t out of a wait or a sleep, and out of ring 3 if it runs there on another CPU. */
static void kick(struct thread *t)
{
    unpark(t);
    unsigned cpu = t->cpu;
    if (sched_running_on(cpu) == t && cpu != cpu_index())
        arch_send_wake(cpu); /* the interrupt's way back to ring 3 delivers it */
}

/* Drops the signals of bits pending for p and for each of its threads (under p's lock). */
static void discard(struct process *p, uint64_t bits) REQUIRES(p->lock)
{
    p->sigs->pending &= ~bits;
    for (struct thread *t = p->threads; t; t = t->proc_next)
        t->sig_pending &= ~bits;
}

/*
 * SIGCONT was sent to p: its pending stop signals go, and if it is stopped its threads run again
 * (whatever SIGCONT's disposition: a handler runs afterwards, as any signal's).
 */
static void proc_continue(struct process *p)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    discard(p, STOP_SIGNALS);
    if (__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE)) {
        /* The parent hears of it from the first thread back on its way (kill() holds the
         * process table's lock here, as Linux tells it from the woken thread too). */
        __atomic_store_n(&p->cont_untold, 1, __ATOMIC_RELEASE);
        __atomic_store_n(&p->stopped, 0, __ATOMIC_RELEASE);
        for (struct thread *t = p->threads; t; t = t->proc_next)
            unpark(t);
    }
    irqlock_release(&p->lock, irq);
}

/*
 * The default action of stop signal sig, taken by the calling thread: p stops, its other threads
 * are sent to their stop point, and this one waits at its own.
 */
static void proc_stop(struct process *p, int sig)
{
    struct thread *self = thread_current();
    uint64_t irq = irqlock_acquire(&p->lock);
    if (!__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE)) {
        __atomic_store_n(&p->stopped, 1, __ATOMIC_RELEASE);
        p->stop_sig = (unsigned)sig;
        for (struct thread *t = p->threads; t; t = t->proc_next)
            if (t != self)
                kick(t);
    }
    irqlock_release(&p->lock, irq);
    proc_stop_point();
}

static void stop_here(struct thread *t, struct process *p);

void proc_stop_point(void)
{
    struct thread *t = thread_current();
    struct process *p = t->proc;
    if (p && __atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE))
        stop_here(t, p);
    if (p && __atomic_load_n(&p->cont_untold, __ATOMIC_ACQUIRE) &&
        __atomic_exchange_n(&p->cont_untold, 0, __ATOMIC_ACQ_REL))
        proc_tell_parent(p, CLD_CONTINUED, SIGCONT);
}

/* Parks t until p is continued or t killed. */
static void stop_here(struct thread *t, struct process *p)
{
    /* The last of its threads to stop tells the parent: then the whole process is still. */
    uint64_t irq = irqlock_acquire(&p->lock);
    bool last = ++p->stop_parked == p->nthreads;
    unsigned sig = p->stop_sig;
    irqlock_release(&p->lock, irq);
    if (last)
        proc_tell_parent(p, CLD_STOPPED, (int)sig);
    while (__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&t->killed, __ATOMIC_ACQUIRE))
        park();
    irq = irqlock_acquire(&p->lock);
    p->stop_parked--;
    irqlock_release(&p->lock, irq);
    proc_check_killed(); /* a kill is what ended the stop: it ends the thread here */
}

/* The core of both sends: to thread target of p, or to p (target NULL). */
static void send(struct process *p, struct thread *target, int sig, const struct sig_info *info)
{
    if (sig <= 0 || sig > PROC_SIG_MAX || !p->sigs)
        return;
    if (sig == SIGKILL) {
        proc_signal(p, SIGKILL);
        return;
    }
    if (sig == SIGCONT)
        proc_continue(p);
    uint64_t bit = SIG_BIT(sig), irq = irqlock_acquire(&p->lock);
    const struct k_sigaction *a = &p->sigs->action[sig - 1];
    if (proc_signal_is_stop(sig)) /* a stop discards a pending SIGCONT (Linux) */
        discard(p, SIG_BIT(SIGCONT));
    struct thread *wake = target;
    if (!wake) { /* the caller if it is one of p's threads and wants it, else the first that does */
        struct thread *self = thread_current();
        if (self && self->proc == p && !(self->sig_mask & bit))
            wake = self;
        for (struct thread *t = p->threads; t && !wake; t = t->proc_next)
            if (!(t->sig_mask & bit))
                wake = t;
    }
    bool blocked = !wake || (wake->sig_mask & bit);
    if (!blocked && ignored(a, sig)) {
        irqlock_release(&p->lock, irq);
        return;
    }
    /* Fatal: it ends now, unless stopped: then at its SIGCONT (Linux: only SIGKILL wakes it). */
    if (!blocked && a->handler == SIG_DFL && !proc_signal_is_stop(sig) &&
        !__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE)) {
        irqlock_release(&p->lock, irq);
        proc_signal(p, sig);
        return;
    }
    uint64_t *pending = target ? &target->sig_pending : &p->sigs->pending;
    struct sig_info *slot = target ? &target->sig_info[sig - 1] : &p->sigs->info[sig - 1];
    if (!(*pending & bit)) {
        *slot = *info;
        __atomic_or_fetch(pending, bit, __ATOMIC_RELEASE);
    }
    if (!blocked)
        kick(wake);
    irqlock_release(&p->lock, irq);
}

void proc_send_signal(struct process *p, int sig, const struct sig_info *info)
{
    send(p, NULL, sig, info);
}

void proc_signal_thread(struct thread *t, int sig, const struct sig_info *info)
{
    send(t->proc, t, sig, info);
}

/* The signals pending for t that it does not block. */
static uint64_t deliverable(const struct thread *t, const struct process *p)
{
    uint64_t pending = __atomic_load_n(&t->sig_pending, __ATOMIC_ACQUIRE) |
                       __atomic_load_n(&p->sigs->pending, __ATOMIC_ACQUIRE);
    return pending & ~t->sig_mask;
}

bool thread_interrupted(void)
{
    struct thread *t = thread_current();
    if (__atomic_load_n(&t->killed, __ATOMIC_ACQUIRE))
        return true;
    if (t->proc && __atomic_load_n(&t->proc->stopped, __ATOMIC_ACQUIRE))
        return true; /* out of a sleep to its stop point */
    return t->proc && t->proc->sigs && deliverable(t, t->proc);
}

/*
 * Takes the next signal t is to act on (its own first, then the process's, lowest number first)
 * with its info and action; an ignored one is dropped on the way, a fatal default one ends the
 * process. SA_RESETHAND's reset happens here. Return: the signal, or 0 (none to run).
 */
static int dequeue(struct thread *t, struct process *p, struct sig_info *info,
                   struct k_sigaction *act)
{
    for (;;) {
        uint64_t irq = irqlock_acquire(&p->lock);
        uint64_t mine = t->sig_pending & ~t->sig_mask, shared = p->sigs->pending & ~t->sig_mask;
        if (!mine && !shared) {
            irqlock_release(&p->lock, irq);
            return 0;
        }
        int sig = __builtin_ctzll(mine ? mine : shared) + 1;
        if (mine) {
            t->sig_pending &= ~SIG_BIT(sig);
            *info = t->sig_info[sig - 1];
        } else {
            p->sigs->pending &= ~SIG_BIT(sig);
            *info = p->sigs->info[sig - 1];
        }
        *act = p->sigs->action[sig - 1];
        if (act->handler > SIG_IGN && (act->flags & SA_RESETHAND))
            p->sigs->action[sig - 1] = (struct k_sigaction){0};
        irqlock_release(&p->lock, irq);
        if (ignored(act, sig))
            continue;
        if (act->handler == SIG_DFL && proc_signal_is_stop(sig)) {
            if (sig != SIGSTOP && proc_pgrp_orphaned(p))
                continue;      /* nobody could continue it */
            proc_stop(p, sig); /* until SIGCONT, or a kill (which ends the thread there) */
            continue;
        }
        if (act->handler == SIG_DFL) {
            proc_signal_locked(p, sig);
            proc_check_killed(); /* ends it here: proc_signal() marked this thread */
            return 0;
        }
        return sig;
    }
}

/* Runs sig's handler act on f with info as its siginfo. Return: true (or it ends the process). */
static bool run_handler(struct trap_frame *f, int sig, const struct k_sigaction *act,
                        const struct sig_info *info)
{
    struct siginfo_k si = {.signo = sig, .code = info->code};
    si.f[0] = info->pid; /* si_pid, then si_uid (root: 0) */
    if (sig == SIGCHLD)
        si.f[2] = (uint32_t)info->status; /* si_status */
    return signal_frame_push(f, sig, act, &si, 0);
}

void signal_deliver(struct trap_frame *f)
{
    struct thread *t = thread_current();
    struct sig_info info;
    struct k_sigaction act;
    proc_stop_point();
    if (!t->proc || !t->proc->sigs || !deliverable(t, t->proc))
        return;
    int sig = dequeue(t, t->proc, &info, &act);
    if (sig)
        run_handler(f, sig, &act, &info);
}

/* A system call's registers as a trap frame (rcx and r11 as the syscall instruction left them). */
static void from_syscall(struct trap_frame *t, const struct syscall_frame *f)
{
    *t = (struct trap_frame){
        .r15 = f->r15,
        .r14 = f->r14,
        .r13 = f->r13,
        .r12 = f->r12,
        .r11 = f->rflags,
        .r10 = f->r10,
        .r9 = f->r9,
        .r8 = f->r8,
        .rbp = f->rbp,
        .rdi = f->rdi,
        .rsi = f->rsi,
        .rdx = f->rdx,
        .rcx = f->rip,
        .rbx = f->rbx,
        .rax = f->rax,
        .vector = (uint64_t)-1, /* no fault: err and trapno 0 in the handler's context */
        .rip = f->rip,
        .cs = USERMODE_CS,
        .rflags = f->rflags,
        .rsp = f->rsp,
        .ss = USERMODE_SS,
    };
}

void signal_syscall_return(struct syscall_frame *f, uint64_t nr)
{
    struct thread *t = thread_current();
    struct process *p = t->proc;
    long r = (long)f->rax;
    bool restartable = r <= -PROC_ERESTARTSYS && r >= -PROC_ERESTART_RESTARTBLOCK;
    proc_stop_point(); /* a call a stop cut short is restarted below */
    if (!restartable && !t->sig_restore_mask && !deliverable(t, p))
        return;
    struct trap_frame tf;
    struct sig_info info;
    struct k_sigaction act;
    from_syscall(&tf, f);
    int sig = deliverable(t, p) ? dequeue(t, p, &info, &act) : 0;
    /* Linux's order: the restart is decided first, so the handler's frame holds its outcome. */
    if (restartable) {
        bool again = !sig || r == -PROC_ERESTARTNOINTR ||
                     (r == -PROC_ERESTARTSYS && (act.flags & SA_RESTART));
        if (again) {
            tf.rax = nr;
            tf.rip -= 2; /* the syscall instruction again */
        } else {
            tf.rax = (uint64_t)-EINTR;
        }
    }
    if (sig)
        run_handler(&tf, sig, &act, &info);
    if (t->sig_restore_mask) { /* no handler ran after rt_sigsuspend: its mask goes back now */
        t->sig_mask = t->sig_saved_mask;
        t->sig_restore_mask = false;
    }
    f->rip = tf.rip;
    f->rsp = tf.rsp;
    f->rflags = tf.rflags;
    f->rax = tf.rax;
    f->rdi = tf.rdi;
    f->rsi = tf.rsi;
    f->rdx = tf.rdx;
}

bool signal_fault(struct trap_frame *f, int sig, int code, uint64_t addr)
{
    struct thread *t = thread_current();
    struct process *p = t->proc;
    uint64_t irq = irqlock_acquire(&p->lock);
    struct k_sigaction act = p->sigs->action[sig - 1];
    bool run = act.handler > SIG_IGN && !(t->sig_mask & SIG_BIT(sig));
    if (run && (act.flags & SA_RESETHAND))
        p->sigs->action[sig - 1] = (struct k_sigaction){0};
    irqlock_release(&p->lock, irq);
    if (!run)
        return false; /* blocked or ignored: Linux forces the default action, which kills */
    struct siginfo_k si = {.signo = sig, .code = code};
    memcpy(&si.f[0], &addr, sizeof(addr)); /* si_addr */
    return signal_frame_push(f, sig, &act, &si, addr);
}
