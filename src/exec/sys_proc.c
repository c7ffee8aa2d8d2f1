/* SPDX-License-Identifier: 0BSD */
/*
 * The system calls about processes (Linux x86-64 numbers and semantics): wait4, kill, tkill,
 * tgkill, getppid, and the names of signals for kill lines. fork and its kin are sys_fork.c.
 */
#include <frame64/kstring.h>
#include <frame64/sched.h>
#include "proc_internal.h"
#include "syscall_internal.h"

#define WUNTRACED  2
#define WCONTINUED 8
#define WNOTHREAD  0x20000000
#define WALL       0x40000000
#define WCLONE     0x80000000u

static const char *const names[32] = {
    [1] = "SIGHUP",     [2] = "SIGINT",   [3] = "SIGQUIT",   [4] = "SIGILL",   [5] = "SIGTRAP",
    [6] = "SIGABRT",    [7] = "SIGBUS",   [8] = "SIGFPE",    [9] = "SIGKILL",  [10] = "SIGUSR1",
    [11] = "SIGSEGV",   [12] = "SIGUSR2", [13] = "SIGPIPE",  [14] = "SIGALRM", [15] = "SIGTERM",
    [16] = "SIGSTKFLT", [17] = "SIGCHLD", [18] = "SIGCONT",  [19] = "SIGSTOP", [20] = "SIGTSTP",
    [21] = "SIGTTIN",   [22] = "SIGTTOU", [23] = "SIGURG",   [24] = "SIGXCPU", [25] = "SIGXFSZ",
    [26] = "SIGVTALRM", [27] = "SIGPROF", [28] = "SIGWINCH", [29] = "SIGIO",   [30] = "SIGPWR",
    [31] = "SIGSYS",
};

const char *proc_signal_name(int sig)
{
    if (sig > 0 && sig < 32 && names[sig])
        return names[sig];
    return sig >= 32 && sig <= PROC_SIG_MAX ? "a real-time signal" : "a signal";
}

long sys_wait4(struct process *p, long pid, uint64_t wstatus, long options, uint64_t rusage)
{
    if ((uint64_t)options &
        ~(uint64_t)(PROC_WNOHANG | WUNTRACED | WCONTINUED | WNOTHREAD | WALL | WCLONE))
        return -EINVAL;
    if ((int)pid == INT32_MIN)
        return -ESRCH; /* -INT_MIN is not a group (Linux) */
    int status = 0;
    uint64_t cpu_ns = 0;
    long r =
        proc_wait(p, (int)pid, (int)options & (PROC_WNOHANG | PROC_WUNTRACED | PROC_WCONTINUED),
                  &status, &cpu_ns);
    if (r <= 0)
        return r;
    if (wstatus && copy_to_user(p, wstatus, &status, sizeof(status)))
        return -EFAULT;
    if (rusage && put_rusage(p, rusage, cpu_ns, 0))
        return -EFAULT; /* its faults are not kept once it is reaped: ru_minflt 0 */
    return r;
}

long sys_kill(struct process *p, long pid, long sig)
{
    if ((int)pid == INT32_MIN)
        return -ESRCH;
    long r = proc_kill(p, (int)pid, (int)sig);
    proc_check_killed(); /* a process that killed itself ends here, as on Linux */
    return r;
}

/* tkill (tgid -1) and tgkill: to the thread's handler; a fatal default action ends its process. */
long sys_tgkill(struct process *p, long tgid, long tid, long sig)
{
    if ((int)tid <= 0 || (tgid != -1 && (int)tgid <= 0))
        return -EINVAL;
    if (sig < 0 || sig > PROC_SIG_MAX)
        return -EINVAL;
    long r = proc_kill_thread(p, tgid, (int)tid, (int)sig);
    proc_check_killed();
    return r;
}

long sys_getppid(struct process *p)
{
    return proc_parent_pid(p);
}
