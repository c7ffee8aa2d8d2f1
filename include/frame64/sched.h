/* SPDX-License-Identifier: 0BSD */
/*
 * Threads and the scheduler (src/kernel/thread.c, src/kernel/sched.c; design in
 * docs/scheduler.md). A thread is a kernel stack with a guard page, the registers arch_switch()
 * saved on it, and, for a thread that runs a program, its x87/SSE state, FS base and address
 * space. Every CPU has a run queue of threads ready to run, one idle thread that halts when there
 * is nothing, and the thread it booted on (pinned to it: it runs the CPU's smp_run_all() work).
 *
 * The kernel is not preemptible: a thread runs in the kernel until it blocks (park(), a wait
 * queue, a sleep) or yields; the timer preempts only code in ring 3, at the end of its time
 * slice. System calls and faults run with interrupts off, so a switch always happens with
 * interrupts off, and per-CPU data (the frame caches) is never shared by two threads at once.
 * An idle CPU takes a waiting thread from the busiest queue; a thread woken up goes to an idle
 * CPU when its own is busy.
 */
#ifndef FRAME64_SCHED_H
#define FRAME64_SCHED_H

#include <frame64/arch.h>
#include <frame64/irqlock.h>
#include <frame64/kstack.h>
#include <frame64/types.h>
#include <frame64/usermode.h>

#define THREAD_NAME_MAX   32
#define SCHED_SLICE_TICKS 2 /* a program runs at most this many timer ticks before others */

enum thread_state {
    THREAD_RUNNING,  /* on a CPU now */
    THREAD_RUNNABLE, /* in a run queue, or about to be put in one */
    THREAD_SLEEPING, /* parked: only unpark() makes it runnable */
    THREAD_DEAD,     /* gone for good; its stack is freed once it is off its CPU */
};

struct process;

/* What a pending signal carries to its handler's siginfo (src/exec/signal.c). */
struct sig_info {
    int32_t code;   /* si_code: SI_USER, SI_TKILL, CLD_EXITED, ... */
    uint32_t pid;   /* si_pid: who sent it, or the child that ended */
    int32_t status; /* si_status (SIGCHLD) */
};

/*
 * A thread, in one frame of its own (so its memory follows the threads that exist). The fields
 * above the line belong to the scheduler; the ones below to the code that runs programs
 * (src/exec), which the scheduler only saves and restores.
 */
struct thread {
    uint64_t rsp;            /* the stack pointer arch_switch() saved, while not running */
    struct thread *next;     /* run-queue link: guarded by that queue's lock */
    struct irqlock lock;     /* state and token against unpark() */
    enum thread_state state; /* see enum thread_state */
    uint32_t on_cpu;         /* 1 from being picked until its registers are saved (atomic) */
    uint32_t token;          /* an unpark() that found it awake: the next park() returns */
    unsigned cpu;            /* where it runs, or last ran */
    int pin;                 /* the one CPU it may run on, or -1 */
    bool idle;               /* a CPU's idle thread: never queued, never parks */
    bool kernel;             /* runs kernel work only: woken ahead of programs */
    bool joinable;           /* freed by thread_reap(), not by the scheduler, when it ends */
    unsigned tid;
    char name[THREAD_NAME_MAX];
    struct kstack kstack;
    uint64_t trap_top;   /* where traps from ring 3 start on its stack (0: it has no program) */
    phys_addr_t pml4;    /* the page tables it runs on (0: the kernel's) */
    uint64_t slice;      /* timer ticks left in its time slice */
    uint64_t wake_at_ns; /* a timed sleep's deadline (time_ns()), 0 if none */
    struct thread *sleep_next;
    struct thread *dead_next;
    uint64_t switches; /* times it was switched to */
    uint64_t run_ns;   /* time on a CPU, up to its last switch away */
    uint64_t ran_at;   /* time_ns() when it was last switched to */
    void (*fn)(void *arg);
    void *arg;
    /* ---- the program's, when it runs one (src/exec) ---- */
    struct process *proc;
    unsigned utid;              /* its thread ID as programs see it (the PID for the first) */
    struct kernel_context kctx; /* where usermode_leave() returns to */
    uint64_t fs_base;
    uint64_t clear_child_tid;   /* CLONE_CHILD_CLEARTID / set_tid_address */
    uint64_t set_child_tid;     /* CLONE_CHILD_SETTID: written before its first step in ring 3 */
    struct syscall_frame start; /* a forked thread's registers in ring 3 at its start */
    uint32_t killed;          /* asked to end (exit_group, a kill): checked on the way to ring 3 */
    struct thread *proc_next; /* the process's list of threads (its lock) */
    /* Signals (src/exec/signal.c), under the process's lock; the mask is changed by it alone. */
    uint64_t sig_mask;                   /* blocked: bit sig - 1 */
    uint64_t sig_pending;                /* sent to this thread (tkill, tgkill) */
    uint64_t sig_saved_mask;             /* rt_sigsuspend's caller's, back once a handler ran */
    bool sig_restore_mask;               /* sig_saved_mask is to be restored */
    uint64_t altstack_sp, altstack_size; /* sigaltstack (size 0: none) */
    struct sig_info sig_info[64];        /* what each pending one of sig_pending carries */
    uint8_t fpu[ARCH_FPU_BYTES] __attribute__((aligned(ARCH_FPU_ALIGN)));
};

/* ---- set-up ---- */

/*
 * Makes the code running on this CPU its boot thread (on stack, pinned here) and creates its idle
 * thread; the boot CPU first, then every other (smp_run_all()). Scheduling starts on a CPU once it
 * has both. Return: K_OK, or K_ENOMEM (printed).
 */
int sched_init_cpu(const struct kstack *stack);
/* Whether threads are scheduled on this CPU yet (before: park() and sleeps halt instead). */
bool sched_running(void);
/* CPU cpu's boot thread (pinned to it), or NULL before sched_init_cpu() ran there. */
struct thread *sched_boot_thread(unsigned cpu);

/* ---- threads ---- */

/*
 * A new thread named name that will run fn(arg) (which ends with thread_exit()), with a kernel
 * stack of stack_bytes (its guard page below), not yet runnable. Return: the thread, or NULL when
 * memory or the kernel's stack slots are exhausted.
 */
struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg,
                             uint64_t stack_bytes);
/* Makes a new thread runnable, preferably on CPU cpu (pinned there if pin). */
void thread_start(struct thread *t, unsigned cpu, bool pin);
/*
 * Frees a thread that was created but never started (its stack and frame): a set-up that failed
 * part way.
 */
void thread_discard(struct thread *t);
/*
 * Ends the calling thread: its stack and frame are freed once another thread runs here, or by
 * thread_reap() if it is joinable.
 */
__attribute__((noreturn)) void thread_exit(void);
/*
 * Frees joinable thread t once it has ended and left its CPU (waits for that: the caller knows
 * it is ending), so whoever counts frames afterwards finds them back.
 */
void thread_reap(struct thread *t);
/* The thread running on this CPU (NULL before sched_init_cpu()). */
struct thread *thread_current(void);
/* The time t has spent on a CPU, up to now if it runs (its CPU-time clock). */
uint64_t thread_cpu_ns(const struct thread *t);
/* Threads that exist now (created and not yet freed), and thread frames freed so far. */
uint64_t thread_count(void);

/* ---- scheduling ---- */

/* Gives the CPU to another runnable thread, if there is one; returns when this one runs again. */
void sched_yield(void);
/*
 * Blocks the calling thread until unpark(); returns at once if an unpark() came since the last
 * park() (a token, so a wake-up between a check and the park is never lost). May return without
 * an unpark(): callers re-check their condition in a loop.
 */
void park(void);
/* Makes t runnable if it is parked, else leaves it a token. Any context, interrupts included. */
void unpark(struct thread *t);
/*
 * Parks the calling thread until time_ns() reaches deadline_ns (the timer's next tick after it)
 * or an unpark(). Without a scheduler yet, halts until then.
 */
void sched_sleep_until(uint64_t deadline_ns);

/* Runnable threads waiting in CPU cpu's queue now (for ps and the tests). */
unsigned sched_queued(unsigned cpu);
/* The thread running on CPU cpu now, or NULL. */
struct thread *sched_running_on(unsigned cpu);

struct sched_stats {
    uint64_t switches;  /* context switches on this CPU */
    uint64_t preempted; /* of them, programs preempted at the end of their slice */
    uint64_t stolen;    /* threads this CPU took from another CPU's queue */
    uint64_t idle_ns;   /* time in its idle thread */
};
void sched_get_stats(unsigned cpu, struct sched_stats *st);

/* The timer's tick on CPU cpu (src/kernel/irq.c calls it): timed sleeps, time slices. */
void sched_tick(unsigned cpu);

/*
 * What runs at every return to ring 3 from an interrupt, after a preemption: src/exec ends a
 * thread that was killed there. Called with interrupts off on the thread's own stack.
 */
void sched_set_user_return(void (*fn)(struct trap_frame *f));

/*
 * Work a CPU does when it goes idle: once per idle stretch, after it has halted and woken (a
 * timer tick, an interrupt) still with nothing to run, so that the gaps of a busy CPU do not
 * count, on its idle thread with interrupts off. Short, never blocking, never allocating. A
 * subsystem registers its own (IDLE_WORK, a linker set as ktests and monitor commands are): the
 * frame manager gives the CPU's cached frames back to the shared stack there
 * (src/kernel/frame_idle.c), as Linux's per-CPU page lists decay on an idle CPU.
 */
struct idle_work {
    const char *name;
    void (*fn)(unsigned cpu);
};
#define IDLE_WORK(id, fn)                                                                          \
    static const struct idle_work idle_work_##id                                                   \
        __attribute__((used, section("idle_works"), aligned(8))) = {#id, fn}

#endif
