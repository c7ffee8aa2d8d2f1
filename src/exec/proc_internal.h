/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the process files of src/exec (process.c: running a program on a thread;
 * proc_table.c: IDs, families, the end, wait and kill; proc_load.c: an ELF image into a space;
 * sys_proc.c: the system calls about processes). Not an API.
 */
#ifndef FRAME64_EXEC_PROC_INTERNAL_H
#define FRAME64_EXEC_PROC_INTERNAL_H

#include <frame64/process.h>
#include <frame64/sched.h>
#include <frame64/trap.h>

#define PROC_PID_MAX 4194304 /* Linux's pid_max on 64-bit machines */
#define PROC_SIG_MAX 64
#define PROC_WNOHANG 1
/* Linux errno values the table returns (negated). */
#define PROC_EPERM  1
#define PROC_ESRCH  3
#define PROC_EINTR  4
#define PROC_ECHILD 10
#define PROC_EINVAL 22
/* Linux's restart codes: never seen by a program (signal_syscall_return() turns them). */
#define PROC_ERESTARTSYS           512 /* restart if the handler has SA_RESTART, else EINTR */
#define PROC_ERESTARTNOINTR        513 /* always restart */
#define PROC_ERESTARTNOHAND        514 /* EINTR if a handler ran, else restart */
#define PROC_ERESTART_RESTARTBLOCK 516 /* EINTR if a handler ran, else restart */

/* A process's address space is shared by its threads: every change and user copy holds this. */
static inline uint64_t mm_lock(struct process *p) ACQUIRE(p->mm_lock)
{
    return irqlock_acquire(&p->mm_lock);
}
static inline void mm_unlock(struct process *p, uint64_t irq) RELEASE(p->mm_lock)
{
    irqlock_release(&p->mm_lock, irq);
}

/* A new thread ID for a second thread of a process (from the PID space). */
unsigned proc_alloc_tid(void);
/* futex(FUTEX_WAKE) of up to n waiters on uaddr in p (private or not). Return: how many woke. */
long futex_wake(struct process *p, uint64_t uaddr, long n, bool private, uint32_t bitset);

/* The env every process's space is in. */
/* Where a loaded program starts. */
struct proc_start {
    uint64_t entry, rsp, brk;
    uint64_t vdso; /* its vDSO's clock page (vdso_map()) */
};
/*
 * vdso.c: maps the clock page at a page of the gap below the stack that random picks and the
 * vDSO just above it, into vs, and sets *clock_page. Return: K_OK, or vmspace_map_phys()'s error
 * (K_ENOMEM).
 */
int vdso_map(struct vmspace *vs, uint64_t random, uint64_t *clock_page);
/* Whether mprotect may give [addr, addr + len) prot: never write to p's vDSO or clock page. */
bool vdso_protect_ok(const struct process *p, uint64_t addr, uint64_t len, unsigned prot);
/*
 * A program's bytes: all of them at bytes (a GRUB module, a copy), or a regular file's first
 * avail bytes with the file held, whose pages the segments map (copy-on-write) instead.
 */
struct ramfs_node;
struct proc_image {
    const void *bytes;
    size_t avail;            /* bytes at bytes */
    size_t size;             /* the program's */
    struct ramfs_node *file; /* NULL: every byte is at bytes */
};
/* proc_run() of a program img (a file's, for init: its pages are mapped, not copied). */
int proc_run_image(const char *name, const struct proc_image *img, unsigned argc,
                   const char *const *argv, const struct proc_options *opt,
                   struct proc_result *res);
/*
 * Loads the ELF program img into a new space *vs with argv[0..argc) and envp[0..envc) on its
 * start stack (pid seeds AT_RANDOM). Return: K_OK with *out set; K_EINVAL (refused: why says why)
 * or K_ENOMEM, with nothing kept.
 */
int proc_load_space(struct vmspace *vs, unsigned pid, const struct proc_image *img, unsigned argc,
                    const char *const *argv, unsigned envc, const char *const *envp,
                    struct proc_start *out, char *why);
/*
 * Loads the ELF image (size bytes) into a new space p->vs of p->env, with argv[0..argc) on its
 * start stack; sets p->entry, p->user_rsp, p->brk. Return: K_OK; K_EINVAL (refused: why says
 * why) or K_ENOMEM, with nothing kept.
 */
int proc_load(struct process *p, const struct proc_image *img, unsigned argc,
              const char *const *argv, char *why);
/* A new thread of p running fn(p), on p's space, not started. Return: it, or NULL (no memory). */
struct thread *proc_new_thread(struct process *p, void (*fn)(void *arg));
/* The first code of a forked process's thread: ring 3 where its parent's system call returns. */
void proc_fork_main(void *arg);
/* Ends the calling thread's process here if it was killed (on every way back to ring 3). */
void proc_check_killed(void);

/* The most processes that may exist at once (fork beyond it is EAGAIN). */
unsigned proc_max(void);
/*
 * A new process record named name, child of parent (NULL: the kernel's), in the table with a
 * fresh PID. Return: it, or NULL with *err K_ENOMEM or K_EAGAIN (the table is full).
 */
struct process *proc_alloc(const char *name, struct process *parent, int *err);
/* Takes a process that never ran, or a zombie proc_run() waited for, out and frees it. */
void proc_discard(struct process *p);
/* Makes t one of p's threads. */
void proc_add_thread(struct process *p, struct thread *t);
/*
 * The end of the calling thread of a process, after usermode_leave(): the last one destroys the
 * space (proc_unload()) and hands the zombie over. Does not return.
 */
__attribute__((noreturn)) void proc_thread_end(void);
/* The last thread t of p ends: unload and destroy p's space (process.c). */
void proc_unload(struct process *p, struct thread *t);
/*
 * wait4()'s core: a child of self matching pid (Linux's rules: > 0 that one, -1 any, 0 self's
 * group, < -1 group -pid) that ended is freed, its wait status stored in *status and its CPU
 * time (its reaped children's included) in *cpu_ns and added to self's reaped time. Return: its
 * PID; 0 (PROC_WNOHANG and none ended yet); -PROC_ECHILD; -PROC_EINTR (self was killed);
 * -PROC_ERESTARTSYS (a signal's handler is to run).
 */
long proc_wait(struct process *self, long pid, int options, int *status, uint64_t *cpu_ns);
/* Calls fn(p, ctx) for the process pid (0: the caller), ended or not, under the process table's
 * lock, so p cannot go meanwhile. Return: whether there was one. */
bool proc_with_pid(unsigned pid, void (*fn)(struct process *p, void *ctx), void *ctx);
#define PROC_WUNTRACED  2 /* proc_wait() also reports a child that stopped (status 0x7f) */
#define PROC_WCONTINUED 8 /* ... and one that was continued (status 0xffff) */
/*
 * Job control (signal.c): p stopped by sig (every thread parks at its way back to ring 3), or
 * continued. The parent hears of each once: wait4's WUNTRACED/WCONTINUED, and SIGCHLD with
 * CLD_STOPPED/CLD_CONTINUED unless its handler has SA_NOCLDSTOP (proc_table.c).
 */
void proc_tell_parent(struct process *p, int code, int sig);
/*
 * Whether p's process group is orphaned (POSIX): no member has a parent in the same session
 * outside the group, so no shell can continue it; a stop from SIGTSTP, SIGTTIN or SIGTTOU is
 * dropped there, as Linux drops it.
 */
bool proc_pgrp_orphaned(const struct process *p);
/* Parks the calling thread while its process is stopped; returns when continued (a kill ends
 * the thread there). */
void proc_stop_point(void);
/*
 * kill(): sig to the processes pid selects (Linux's rules). Return: 0, -PROC_ESRCH, -PROC_EINVAL.
 */
long proc_kill(struct process *self, long pid, int sig);
struct oom_victim {
    unsigned pid;
    uint64_t frames; /* its resident set when chosen */
    bool dying;      /* chosen earlier, still ending: wait for it */
    char name[PROC_NAME_MAX];
};
/*
 * Memory ran out: the living process with the largest resident set is killed (SIGKILL, and
 * marked so its kill line says why) and described in *v, unless it is self (the caller ends
 * itself); while an earlier victim is still ending, that one is described instead (dying) and
 * nobody else is killed. Return: false if no process is left to choose.
 */
bool proc_oom_pick(unsigned self, struct oom_victim *v);
/* Whether process pid exists and has not ended. */
bool proc_alive(unsigned pid);
/* A vfork child execs: its parent, parked in vfork, goes on. */
void proc_release_vfork(struct process *p);
/* Asks every thread of p but the caller to end (at its next way back to ring 3). */
void proc_end_threads(struct process *p);
/* exit(): the calling thread ends; the process with it if it was the last. Does not return. */
__attribute__((noreturn)) void proc_exit_thread(int status);
/* tgkill()/tkill() from self: thread tid of process tgid (-1: any). Return: 0, -PROC_ESRCH. */
long proc_kill_thread(struct process *self, long tgid, long tid, int sig);
/*
 * Marks p as ended by signal sig (unless a signal already decided) and asks each of its threads
 * to end. p must stay alive meanwhile: the caller holds the table lock, or is one of p's threads.
 */
void proc_signal(struct process *p, int sig);
/* Whether sig's default action ends a process (every signal but the ignored and stopping ones). */
static inline bool proc_signal_is_fatal(int sig)
{
    /* SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGWINCH */
    return sig > 0 && !(sig >= 17 && sig <= 23) && sig != 28;
}
/* Whether sig's default action stops the process: SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU. */
static inline bool proc_signal_is_stop(int sig)
{
    return sig >= 19 && sig <= 22;
}
/* The name of a signal ("SIGKILL"), or "a signal". */
const char *proc_signal_name(int sig);
/*
 * Kills every process of group pgid with SIGKILL and waits until each has ended and been freed
 * (orphans free themselves). Return: how many it killed.
 */
unsigned proc_end_group(unsigned pgid);
/* The CPU time of p's threads, the ended ones included (CLOCK_PROCESS_CPUTIME_ID). */
uint64_t proc_cpu_ns(struct process *p);
/* The parent's PID, 0 when it has none. */
unsigned proc_parent_pid(const struct process *p);

/* ---- signals (signal.c; docs/processes.md, "Signals") ---- */
#define SIG_DFL       0
#define SIG_IGN       1
#define SIGKILL       9
#define SIGSEGV       11
#define SIGCHLD       17
#define SIGSTOP       19
#define SI_USER       0
#define SI_KERNEL     0x80
#define SI_TKILL      (-6)
#define CLD_EXITED    1
#define CLD_KILLED    2
#define CLD_STOPPED   5
#define CLD_CONTINUED 6
#define SIGCONT       18
#define SIGTSTP       20
#define SA_NOCLDSTOP  0x00000001u
/* Bit of signal sig in a Linux sigset (64 signals in one word on x86-64). */
#define SIG_BIT(sig) (1ull << ((sig)-1))
/* A signal's disposition, as the kernel's struct sigaction for x86-64 lays it out. */
struct k_sigaction {
    uint64_t handler, flags, restorer, mask;
};
/* A process's dispositions, shared by its threads, and its process-wide pending signals. */
struct proc_sigs {
    struct k_sigaction action[PROC_SIG_MAX]; /* [sig - 1] */
    uint64_t pending;                        /* kill(): for any thread that does not block it */
    struct sig_info info[PROC_SIG_MAX];      /* what each of pending carries */
};
/* A zeroed dispositions frame for p (every signal at its default). Return: K_OK, K_ENOMEM. */
int proc_sigs_alloc(struct process *p);
/* Gives p's dispositions frame back (with the process's own frame). */
void proc_sigs_free(struct process *p);
/* fork: child c gets parent's dispositions; the calling thread's mask goes to c's thread t. */
void proc_sigs_fork(struct process *c, struct thread *t, struct process *parent);
/* execve: handled signals back to their default (ignored stay ignored), no alternate stack. */
void proc_sigs_exec(struct process *p);
/*
 * Sends sig (1..64) to process p with info: its default action (a fatal one ends p with today's
 * kill line, an ignored one is dropped), or pending for a thread that does not block it, which
 * is woken (and kicked out of ring 3 on another CPU) to run the handler. SIGKILL always ends p.
 * p must stay alive meanwhile (the caller holds the table lock, or is p). For the kernel's own
 * signals too: SIGCHLD, and SIGPIPE from the pipes (code SI_USER, pid the sender's or 0).
 */
void proc_send_signal(struct process *p, int sig, const struct sig_info *info);
/* As proc_send_signal(), but to thread t of its process (tkill, tgkill). */
void proc_signal_thread(struct thread *t, int sig, const struct sig_info *info);
/*
 * Whether the calling thread's blocking wait must end now: it was killed, or a signal it does not
 * block is pending (a handler to run). Every wait a signal may cut short loops on this, then
 * returns -PROC_EINTR if killed, else its restart code (-PROC_ERESTARTSYS for wait4 and futex).
 */
bool thread_interrupted(void);
/* At a return to ring 3 from an interrupt or fault: runs the next pending signal's action on f. */
void signal_deliver(struct trap_frame *f);
/*
 * At the end of every system call nr (f->rax its result): restarts it or makes it -EINTR when
 * its result is a restart code (Linux's rules), and runs the next pending signal's action.
 */
void signal_syscall_return(struct syscall_frame *f, uint64_t nr);
/*
 * A fault from ring 3 that raises sig (code, addr: its siginfo): if the program has a handler
 * for it and the thread does not block it, moves f to the handler and returns true (a frame
 * that cannot be written ends the process with SIGSEGV). Return: false (the caller kills).
 */
bool signal_fault(struct trap_frame *f, int sig, int code, uint64_t addr);
/* Linux's siginfo_t (128 bytes): signo, errno, code, then the union (si_pid or si_addr first). */
struct siginfo_k {
    int32_t signo, err, code, pad;
    uint32_t f[28];
};
#define SA_SIGINFO   0x00000004u
#define SA_RESTORER  0x04000000u
#define SA_ONSTACK   0x08000000u
#define SA_RESTART   0x10000000u
#define SA_NODEFER   0x40000000u
#define SA_RESETHAND 0x80000000u
/*
 * Moves f (ring 3's registers) to the handler act of sig: Linux's struct rt_sigframe (the
 * restorer, the ucontext with f's registers, the fxsave image and the mask, si) on the stack
 * (or the alternate stack), the mask widened, a clean x87/SSE state. cr2 goes to the context.
 * A frame that cannot be written ends the process with SIGSEGV. Return: true (sys_signal.c).
 */
bool signal_frame_push(struct trap_frame *f, int sig, const struct k_sigaction *act,
                       const struct siginfo_k *si, uint64_t cr2);
/* Ends p by signal sig (its default action), with the table lock taken. */
void proc_signal_locked(struct process *p, int sig);

/* Signal sig from the kernel (the terminal's Ctrl-C) to every living process of group pgid.
 * Return: 0, -PROC_ESRCH. */
long proc_kill_group(unsigned pgid, int sig);
/* setpgid(2): Linux's rules (self or a child of self, in self's session, not a session leader,
 * into self's own group or one of its session). Return: 0, -PROC_ESRCH, -PROC_EPERM, -PROC_EINVAL.
 */
long proc_setpgid(struct process *self, long pid, long pgid);
/* getpgid(2), or getsid(2) when session. Return: the ID or -PROC_ESRCH. */
long proc_getpgid(struct process *self, long pid, bool session);
/* setsid(2). Return: the new session's ID, -PROC_EPERM (self leads a process group). */
long proc_setsid(struct process *self);

#endif
