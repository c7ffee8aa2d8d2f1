/* SPDX-License-Identifier: 0BSD */
/*
 * System calls, Linux x86-64 numbers and conventions: the number in rax, arguments in rdi, rsi,
 * rdx, r10, r8, r9, the result in rax with errors as negative errno values, so small static Linux
 * programs (musl's start code, stdio and malloc among them) run unmodified. Every pointer from
 * user space is checked (vmspace_check_user(), which also faults the pages in) before the kernel
 * touches it, between usermode_access_begin() and _end() for SMAP: a bad pointer is -EFAULT,
 * never a kernel fault.
 */
#include <frame64/console.h>
#include <frame64/kstring.h>
#include <frame64/layout.h>
#include <frame64/process.h>
#include <frame64/sched.h>
#include "proc_internal.h"

#include "syscall_internal.h"

enum {
    SYS_rt_sigreturn = 15,
    SYS_sched_yield = 24,
    SYS_nanosleep = 35,
    SYS_getpid = 39,
    SYS_clone = 56,
    SYS_fork = 57,
    SYS_vfork = 58,
    SYS_execve = 59,
    SYS_exit = 60,
    SYS_wait4 = 61,
    SYS_kill = 62,
    SYS_uname = 63,
    SYS_gettimeofday = 96,
    SYS_getrlimit = 97,
    SYS_getrusage = 98,
    SYS_sysinfo = 99,
    SYS_getuid = 102,
    SYS_getgid = 104,
    SYS_setuid = 105,
    SYS_setgid = 106,
    SYS_geteuid = 107,
    SYS_getegid = 108,
    SYS_getppid = 110,
    SYS_setreuid = 113,
    SYS_setregid = 114,
    SYS_getgroups = 115,
    SYS_setgroups = 116,
    SYS_setresuid = 117,
    SYS_getresuid = 118,
    SYS_setresgid = 119,
    SYS_getresgid = 120,
    SYS_arch_prctl = 158,
    SYS_setrlimit = 160,
    SYS_gettid = 186,
    SYS_tkill = 200,
    SYS_futex = 202,
    SYS_time = 201,
    SYS_sched_getaffinity = 204,
    SYS_tgkill = 234,
    SYS_set_tid_address = 218,
    SYS_clock_gettime = 228,
    SYS_clock_getres = 229,
    SYS_clock_nanosleep = 230,
    SYS_exit_group = 231,
    SYS_set_robust_list = 273,
    SYS_rseq = 334,
    SYS_prlimit64 = 302,
    SYS_getrandom = 318,
    SYS_getcpu = 309,
};

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/*
 * Under the space's lock: another thread of the process cannot unmap the pages between the check
 * and the copy (the kernel would fault on a user address).
 */
long copy_from_user(struct process *p, void *dst, uint64_t src, uint64_t n)
{
    uint64_t irq = mm_lock(p);
    long r = -EFAULT;
    if (vmspace_check_user(&p->vs, src, n, VM_READ) == K_OK) {
        usermode_access_begin();
        memcpy(dst, (const void *)src, n);
        usermode_access_end();
        r = 0;
    }
    mm_unlock(p, irq);
    return r;
}

/* A page's worth at a time: a string that ends just before an unmapped page is still read. */
long copy_string_from_user(struct process *p, char *dst, uint64_t src, size_t max)
{
    size_t done = 0;
    while (done < max) {
        size_t n = MIN(max - done, PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1)));
        if (copy_from_user(p, dst + done, src + done, n))
            return -EFAULT;
        for (size_t i = 0; i < n; i++)
            if (!dst[done + i])
                return (long)(done + i);
        done += n;
    }
    return -E2BIG;
}

long copy_to_user(struct process *p, uint64_t dst, const void *src, uint64_t n)
{
    uint64_t irq = mm_lock(p);
    long r = -EFAULT;
    if (vmspace_check_user(&p->vs, dst, n, VM_WRITE) == K_OK) {
        usermode_access_begin();
        memcpy((void *)dst, src, n);
        usermode_access_end();
        r = 0;
    }
    mm_unlock(p, irq);
    return r;
}

static long sys_arch_prctl(struct process *p, long code, uint64_t addr)
{
    uint64_t fs;
    switch (code) {
    case ARCH_SET_FS:
        if (addr >= VMSPACE_USER_END)
            return -EPERM;
        usermode_set_fs_base(addr);
        thread_current()->fs_base = addr;
        return 0;
    case ARCH_GET_FS:
        fs = usermode_fs_base();
        return copy_to_user(p, addr, &fs, sizeof(fs));
    default:
        return -EINVAL;
    }
}

/* The calls about time and the system (sys_time.c, sys_system.c). Return: the result. */
static long dispatch_system(struct process *p, const struct syscall_frame *f)
{
    switch (f->rax) {
    case SYS_clock_gettime:
        return sys_clock_gettime(p, (long)f->rdi, f->rsi);
    case SYS_clock_getres:
        return sys_clock_getres(p, (long)f->rdi, f->rsi);
    case SYS_gettimeofday:
        return sys_gettimeofday(p, f->rdi, f->rsi);
    case SYS_time:
        return sys_time(p, f->rdi);
    case SYS_nanosleep:
        return sys_nanosleep(p, f->rdi, f->rsi);
    case SYS_clock_nanosleep:
        return sys_clock_nanosleep(p, (long)f->rdi, (long)f->rsi, f->rdx, f->r10);
    case SYS_sched_yield:
        sched_yield();
        return 0;
    case 157: /* prctl */
        return sys_prctl(p, (long)f->rdi, f->rsi);
    case SYS_sched_getaffinity:
        return sys_sched_getaffinity(p, (long)f->rdi, f->rsi, f->rdx);
    case SYS_uname:
        return sys_uname(p, f->rdi);
    case SYS_getuid:
    case SYS_geteuid:
    case SYS_getgid:
    case SYS_getegid:
        return 0; /* root */
    case SYS_getresuid:
    case SYS_getresgid:
        return sys_getresid(p, f->rdi, f->rsi, f->rdx);
    case SYS_setuid:
    case SYS_setgid:
        return (uint32_t)f->rdi == UINT32_MAX ? -EINVAL : sys_setid((long)f->rdi, -1, -1);
    case SYS_setreuid:
    case SYS_setregid:
        return sys_setid((long)f->rdi, (long)f->rsi, -1);
    case SYS_setresuid:
    case SYS_setresgid:
        return sys_setid((long)f->rdi, (long)f->rsi, (long)f->rdx);
    case SYS_getgroups:
        return sys_getgroups(p, (long)f->rdi, f->rsi);
    case SYS_setgroups:
        return sys_setgroups(p, (long)f->rdi, f->rsi);
    case SYS_getrlimit:
        return sys_prlimit64(p, 0, (long)f->rdi, 0, f->rsi);
    case SYS_setrlimit:
        return sys_prlimit64(p, 0, (long)f->rdi, f->rsi, 0);
    case SYS_prlimit64:
        return sys_prlimit64(p, (long)f->rdi, (long)f->rsi, f->rdx, f->r10);
    case SYS_sysinfo:
        return sys_sysinfo(p, f->rdi);
    case SYS_getrusage:
        return sys_getrusage(p, (long)f->rdi, f->rsi);
    case SYS_getrandom:
        return sys_getrandom(p, f->rdi, f->rsi, (long)f->rdx);
    case SYS_getcpu:
        return sys_getcpu(p, f->rdi, f->rsi);
    default:
        return sys_signal_dispatch(p, f);
    }
}

void syscall_dispatch(struct syscall_frame *f)
{
    struct process *p = proc_current();
    uint64_t nr = f->rax;
    long r;
    p->last_fault.repeats = 0; /* a fault that comes back after a call is a new one (fork) */
    switch (f->rax) {
    case SYS_arch_prctl:
        r = sys_arch_prctl(p, (long)f->rdi, f->rsi);
        break;
    case SYS_set_tid_address:
        thread_current()->clear_child_tid = f->rdi;
        r = thread_current()->utid;
        break;
    case SYS_getpid:
        r = p->pid;
        break;
    case SYS_gettid:
        r = thread_current()->utid;
        break;
    case SYS_futex:
        r = sys_futex(p, f->rdi, (long)f->rsi, f->rdx, f->r10, f->r8, f->r9);
        break;
    case SYS_set_robust_list:
    case SYS_rseq:
        r = -ENOSYS; /* declined, as a Linux without them declines: see sys_futex.c */
        break;
    case 109: /* setpgid */
        r = proc_setpgid(p, (long)f->rdi, (long)f->rsi);
        break;
    case 121: /* getpgid */
        r = proc_getpgid(p, (long)f->rdi, false);
        break;
    case 111: /* getpgrp */
        r = proc_getpgid(p, 0, false);
        break;
    case 112: /* setsid */
        r = proc_setsid(p);
        break;
    case 124: /* getsid */
        r = proc_getpgid(p, (long)f->rdi, true);
        break;
    case SYS_getppid:
        r = sys_getppid(p);
        break;
    case SYS_fork:
    case SYS_vfork:
        r = sys_fork(p, f, f->rax == SYS_vfork);
        break;
    case SYS_execve:
        r = sys_execve(p, f, f->rdi, f->rsi, f->rdx);
        break;
    case SYS_clone:
        r = sys_clone(p, f, f->rdi, f->rsi, f->rdx, f->r10, f->r8);
        break;
    case SYS_wait4:
        r = sys_wait4(p, (long)f->rdi, f->rsi, (long)f->rdx, f->r10);
        break;
    case SYS_kill:
        r = sys_kill(p, (long)f->rdi, (long)f->rsi);
        break;
    case SYS_tkill:
        r = sys_tgkill(p, -1, (long)f->rdi, (long)f->rsi);
        break;
    case SYS_tgkill:
        r = sys_tgkill(p, (long)f->rdi, (long)f->rsi, (long)f->rdx);
        break;
    default:
        r = dispatch_mm(p, f);
        if (r == SYSCALL_UNKNOWN)
            r = dispatch_file(p, f);
        if (r == SYSCALL_UNKNOWN)
            r = dispatch_path(p, f);
        if (r == SYSCALL_UNKNOWN)
            r = dispatch_poll(p, f);
        if (r == SYSCALL_UNKNOWN)
            r = dispatch_system(p, f);
        break;
    case SYS_exit:
        proc_exit_thread((int)(f->rdi & 0xFF));
    case SYS_exit_group:
        proc_exit(PROC_EXITED, (int)(f->rdi & 0xFF), NULL);
    case SYS_rt_sigreturn:
        sys_rt_sigreturn(p, f); /* to ring 3 with the frame's registers */
    }
    f->rax = (uint64_t)r;
    proc_check_killed();          /* a kill that came during the call takes effect before ring 3 */
    signal_syscall_return(f, nr); /* restart or EINTR; a handler runs before ring 3 */
}
