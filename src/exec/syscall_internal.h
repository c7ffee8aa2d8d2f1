/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the system-call files of src/exec (syscall.c: the dispatcher, memory and output;
 * sys_time.c: clocks and sleeping; sys_system.c: identity, limits, the machine, randomness):
 * Linux's errno values and the checked copies to and from user memory. Not an API.
 */
#ifndef FRAME64_EXEC_SYSCALL_INTERNAL_H
#define FRAME64_EXEC_SYSCALL_INTERNAL_H

#include <frame64/errno.h>
#include <frame64/process.h>

/* Copies n bytes from user address src (checked, faulted in, SMAP opened). Return: 0, -EFAULT. */
long copy_from_user(struct process *p, void *dst, uint64_t src, uint64_t n);

/*
 * Copies the NUL-terminated string at user address src into dst (at most max bytes with its
 * NUL). Return: its length, -EFAULT, or -E2BIG when it does not fit.
 */
long copy_string_from_user(struct process *p, char *dst, uint64_t src, size_t max);

/* Copies n bytes to user address dst (checked, faulted in, SMAP opened). Return: 0, -EFAULT. */
long copy_to_user(struct process *p, uint64_t dst, const void *src, uint64_t n);

/* What a group's dispatcher returns for a number that is not one of its calls. */
#define SYSCALL_UNKNOWN INT64_MIN

/* sys_mm.c: mmap, munmap, mprotect, madvise, brk (SYSCALL_UNKNOWN for any other number). */
long dispatch_mm(struct process *p, const struct syscall_frame *f);
/* sys_file.c: the calls on descriptors; sys_path.c: the calls on paths. */
long dispatch_file(struct process *p, const struct syscall_frame *f);
long dispatch_path(struct process *p, const struct syscall_frame *f);
/* sys_poll.c: poll, select and pipes. */
long dispatch_poll(struct process *p, const struct syscall_frame *f);

/* sys_time.c */
long sys_clock_gettime(struct process *p, long clk, uint64_t tp);
long sys_clock_getres(struct process *p, long clk, uint64_t res);
long sys_gettimeofday(struct process *p, uint64_t tv, uint64_t tz);
long sys_time(struct process *p, uint64_t tloc);
long sys_nanosleep(struct process *p, uint64_t req, uint64_t rem);
long sys_clock_nanosleep(struct process *p, long clk, long flags, uint64_t req, uint64_t rem);

/* sys_system.c */
long sys_uname(struct process *p, uint64_t buf);
/* prctl(2): PR_SET_NAME and PR_GET_NAME (busybox names the applets it runs without exec). */
long sys_prctl(struct process *p, long option, uint64_t arg);
long sys_getresid(struct process *p, uint64_t r, uint64_t e, uint64_t s);
long sys_setid(long r, long e, long s);
long sys_getgroups(struct process *p, long size, uint64_t list);
long sys_setgroups(struct process *p, long size, uint64_t list);
long sys_prlimit64(struct process *p, long pid, long resource, uint64_t new_limit,
                   uint64_t old_limit);
long sys_sysinfo(struct process *p, uint64_t info);
long sys_getrusage(struct process *p, long who, uint64_t usage);
/*
 * Writes a struct rusage (x86-64: 144 bytes) to usage: cpu_ns as user time (frame64 does not
 * tell user from kernel time), minflt as ru_minflt, the rest 0. Return: 0 or -EFAULT.
 */
long put_rusage(struct process *p, uint64_t usage, uint64_t cpu_ns, uint64_t minflt);
long sys_sched_getaffinity(struct process *p, long pid, uint64_t len, uint64_t mask);
long sys_getrandom(struct process *p, uint64_t buf, uint64_t len, long flags);
long sys_getcpu(struct process *p, uint64_t cpu, uint64_t node);

/* sys_fork.c */
long sys_fork(struct process *p, const struct syscall_frame *f, bool vfork);
long sys_clone(struct process *p, const struct syscall_frame *f, uint64_t flags, uint64_t stack,
               uint64_t parent_tid, uint64_t child_tid, uint64_t tls);
/* sys_exec.c */
long sys_execve(struct process *p, struct syscall_frame *f, uint64_t path, uint64_t argv,
                uint64_t envp);
/* sys_futex.c */
long sys_futex(struct process *p, uint64_t uaddr, long op, uint64_t val, uint64_t timeout,
               uint64_t uaddr2, uint64_t val3);
/* sys_proc.c */
long sys_wait4(struct process *p, long pid, uint64_t wstatus, long options, uint64_t rusage);
long sys_kill(struct process *p, long pid, long sig);
long sys_tgkill(struct process *p, long tgid, long tid, long sig);
long sys_getppid(struct process *p);
/*
 * The signal mask at user address uset (size bytes) for the rest of a wait (rt_sigsuspend, ppoll,
 * pselect6): the old one comes back at the call's return, or after the handler it ran for
 * (signal_syscall_return()). Return: 0, -EINVAL (not 8 bytes), -EFAULT.
 */
long signal_wait_mask(struct process *p, uint64_t uset, uint64_t size);
/* sys_signal.c: the signal calls but rt_sigreturn (-ENOSYS for any other number) */
long sys_signal_dispatch(struct process *p, const struct syscall_frame *f);
/* rt_sigreturn: back to ring 3 with the registers of the frame at f->rsp - 8; does not return. */
__attribute__((noreturn)) void sys_rt_sigreturn(struct process *p, struct syscall_frame *f);
#endif
