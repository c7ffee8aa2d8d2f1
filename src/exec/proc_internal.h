/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the process files of src/exec (process.c: running a program on a thread;
 * proc_table.c: IDs, families, the end, wait and kill; proc_load.c: an ELF image into a space;
 * sys_proc.c: the system calls about processes). Not an API.
 */
#ifndef FRAME64_EXEC_PROC_INTERNAL_H
#define FRAME64_EXEC_PROC_INTERNAL_H

#include <frame64/process.h>

#define PROC_PID_MAX 4194304 /* Linux's pid_max on 64-bit machines */
#define PROC_SIG_MAX 64
#define PROC_WNOHANG 1
/* Linux errno values the table returns (negated). */
#define PROC_ESRCH  3
#define PROC_EINTR  4
#define PROC_ECHILD 10
#define PROC_EINVAL 22

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
struct vmspace_env *proc_env(void);
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
 * Loads the ELF image (size bytes) into a new space *vs with argv[0..argc) and envp[0..envc) on its
 * start stack (pid seeds AT_RANDOM). Return: K_OK with *out set; K_EINVAL (refused: why says why)
 * or K_ENOMEM, with nothing kept.
 */
int proc_load_space(struct vmspace *vs, unsigned pid, const void *image, size_t size, unsigned argc,
                    const char *const *argv, unsigned envc, const char *const *envp,
                    struct proc_start *out, char *why);
/*
 * Loads the ELF image (size bytes) into a new space p->vs of p->env, with argv[0..argc) on its
 * start stack; sets p->entry, p->user_rsp, p->brk. Return: K_OK; K_EINVAL (refused: why says
 * why) or K_ENOMEM, with nothing kept.
 */
int proc_load(struct process *p, const void *image, size_t size, unsigned argc,
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
 * PID; 0 (PROC_WNOHANG and none ended yet); -PROC_ECHILD; -PROC_EINTR (self was killed).
 */
long proc_wait(struct process *self, long pid, int options, int *status, uint64_t *cpu_ns);
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
/* tgkill()/tkill(): thread tid of process tgid (-1: any). Return: 0, -PROC_ESRCH. */
long proc_kill_thread(long tgid, long tid, int sig);
/* Marks p as ended by signal sig and asks each of its threads to end. Under the table lock. */
void proc_signal(struct process *p, int sig);
/* Whether sig's default action ends a process (every signal but the ignored and stopping ones). */
static inline bool proc_signal_is_fatal(int sig)
{
    /* SIGCHLD, SIGCONT, SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU, SIGURG, SIGWINCH */
    return sig > 0 && !(sig >= 17 && sig <= 23) && sig != 28;
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

#endif
