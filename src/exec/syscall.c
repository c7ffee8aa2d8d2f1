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
    SYS_mmap = 9,
    SYS_mprotect = 10,
    SYS_munmap = 11,
    SYS_brk = 12,
    SYS_rt_sigreturn = 15,
    SYS_sched_yield = 24,
    SYS_madvise = 28,
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

#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_POPULATE        0x8000
#define MAP_FIXED_NOREPLACE 0x100000

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

/* The negative errno for a vmspace error. */
static long vm_errno(int err)
{
    switch (err) {
    case K_OK:
        return 0;
    case K_ENOMEM:
    case K_ENOENT:
        return -ENOMEM;
    case K_EACCES:
    case K_EPERM:
        return -EACCES;
    case K_EEXIST:
        return -EEXIST;
    case K_EFAULT:
        return -EFAULT;
    default:
        return -EINVAL;
    }
}

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

/* The vmspace protection for mmap/mprotect's prot, or -1 for one that is refused. */
static long vm_prot(long prot)
{
    if (prot & ~(long)(PROT_READ | PROT_WRITE | PROT_EXEC))
        return -EINVAL;
    if ((prot & PROT_WRITE) && (prot & PROT_EXEC))
        return -EACCES; /* W^X holds for user pages too */
    return VM_USER | (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
           (prot & PROT_EXEC ? VM_EXEC : 0);
}

/* Whether [va, va + len) is a user range (len a page multiple, va page aligned). */
static bool user_range(uint64_t va, uint64_t len)
{
    return va >= USER_MIN && va < VMSPACE_USER_END && len <= VMSPACE_USER_END - va;
}

static long sys_mmap(struct process *p, uint64_t addr, uint64_t len, long prot, long flags, long fd)
{
    if (!(flags & MAP_ANONYMOUS))
        return fd >= 0 && fd <= 2 ? -ENODEV : -EBADF; /* no files to map */
    if ((flags & MAP_TYPE) != MAP_PRIVATE)
        return -EINVAL; /* processes share no memory */
    if (!len)
        return -EINVAL;
    if (len > VMSPACE_USER_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    long vp = vm_prot(prot);
    if (vp < 0)
        return vp;
    if (flags & MAP_POPULATE)
        vp |= VM_POPULATE;
    uint64_t va = addr;
    if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
        if (!IS_ALIGNED(addr, PAGE_SIZE))
            return -EINVAL;
        if (!user_range(addr, len))
            return addr < USER_MIN ? -EPERM : -ENOMEM;
        /* Both flags: MAP_FIXED_NOREPLACE wins (Linux), an overlap is -EEXIST. */
        if (!(flags & MAP_FIXED_NOREPLACE)) {
            int err = vmspace_unmap(&p->vs, addr, len);
            if (err != K_OK)
                return vm_errno(err);
        }
    } else {
        /* A free hint is taken; else the highest gap below the mmap top. */
        addr = ALIGN_DOWN(addr, PAGE_SIZE);
        if (addr && user_range(addr, len) && vmspace_is_free(&p->vs, addr, len))
            va = addr;
        else if (vmspace_find_free(&p->vs, USER_MIN, PROC_MMAP_TOP, len, &va) != K_OK)
            return -ENOMEM;
    }
    int err = vmspace_map_anon(&p->vs, va, len, (unsigned)vp);
    return err == K_OK ? (long)va : vm_errno(err);
}

static long sys_munmap(struct process *p, uint64_t addr, uint64_t len)
{
    if (!IS_ALIGNED(addr, PAGE_SIZE) || !len || len > VMSPACE_USER_END)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (!user_range(addr, len))
        return -EINVAL;
    return vm_errno(vmspace_unmap(&p->vs, addr, len));
}

static long sys_mprotect(struct process *p, uint64_t addr, uint64_t len, long prot)
{
    if (!IS_ALIGNED(addr, PAGE_SIZE))
        return -EINVAL;
    long vp = vm_prot(prot);
    if (vp < 0)
        return vp;
    if (!len)
        return 0;
    if (len > VMSPACE_USER_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (!user_range(addr, len))
        return -ENOMEM;
    if (!vdso_protect_ok(p, addr, len, (unsigned)vp))
        return -EACCES; /* the vDSO's frames are the kernel's, shared by every process */
    return vm_errno(vmspace_protect(&p->vs, addr, len, (unsigned)vp));
}

/*
 * madvise: MADV_HUGEPAGE and MADV_NOHUGEPAGE set the range's huge-page advice (vmspace_advise());
 * other advice changes nothing, which is always correct for the advice frame64 does not act on.
 * A hole in the range is -ENOMEM as in Linux, but nothing is advised then (Linux advises the
 * mapped parts).
 */
static long sys_madvise(struct process *p, uint64_t addr, uint64_t len, long advice)
{
    enum { MADV_HUGEPAGE = 14, MADV_NOHUGEPAGE = 15 };
    if (!IS_ALIGNED(addr, PAGE_SIZE) || len > VMSPACE_USER_END)
        return -EINVAL;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (advice != MADV_HUGEPAGE && advice != MADV_NOHUGEPAGE)
        return 0;
    if (!len)
        return 0;
    if (!user_range(addr, len))
        return -ENOMEM;
    return vm_errno(
        vmspace_advise(&p->vs, addr, len, advice == MADV_HUGEPAGE ? VMSPACE_HUGE : VMSPACE_NOHUGE));
}

/* Linux's brk: the new break, or the old one when the request cannot be met. */
static long sys_brk(struct process *p, uint64_t addr)
{
    if (addr < p->brk_start || addr > p->brk_start + PROC_BRK_MAX)
        return (long)p->brk;
    uint64_t old_end = ALIGN_UP(p->brk, PAGE_SIZE), new_end = ALIGN_UP(addr, PAGE_SIZE);
    int err = K_OK;
    if (new_end > old_end)
        err = vmspace_map_anon(&p->vs, old_end, new_end - old_end, VM_USER | VM_READ | VM_WRITE);
    else if (new_end < old_end)
        err = vmspace_unmap(&p->vs, new_end, old_end - new_end);
    if (err == K_OK)
        p->brk = addr;
    return (long)p->brk;
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
    uint64_t irq, nr = f->rax;
    long r;
    p->last_fault.repeats = 0; /* a fault that comes back after a call is a new one (fork) */
    switch (f->rax) {
    case SYS_mmap:
        irq = mm_lock(p);
        r = sys_mmap(p, f->rdi, f->rsi, (long)f->rdx, (long)f->r10, (long)f->r8);
        mm_unlock(p, irq);
        break;
    case SYS_munmap:
        irq = mm_lock(p);
        r = sys_munmap(p, f->rdi, f->rsi);
        mm_unlock(p, irq);
        break;
    case SYS_mprotect:
        irq = mm_lock(p);
        r = sys_mprotect(p, f->rdi, f->rsi, (long)f->rdx);
        mm_unlock(p, irq);
        break;
    case SYS_madvise:
        irq = mm_lock(p);
        r = sys_madvise(p, f->rdi, f->rsi, (long)f->rdx);
        mm_unlock(p, irq);
        break;
    case SYS_brk:
        irq = mm_lock(p);
        r = sys_brk(p, f->rdi);
        mm_unlock(p, irq);
        break;
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
