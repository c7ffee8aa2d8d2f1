/* SPDX-License-Identifier: 0BSD */
/*
 * The memory calls (Linux x86-64): mmap, munmap, mprotect, madvise, brk. Anonymous memory is
 * demand-zero. A regular file of the in-memory file system is mapped without a copy
 * (include/frame64/vmspace.h, "Frames of an outside owner"): its pages are held, then placed as
 * leaves; a private mapping's leaves are copy-on-write (the file's later writes show through a
 * page until the program writes it, as in Linux), a shared one's write the file's own frames.
 * What Linux does and frame64 does differently, on purpose:
 *   - a private mapping's pages past the file's end read as zeros (Linux: SIGBUS); a shared
 *     mapping's give SIGBUS, as in Linux;
 *   - a page the file loses to a truncate stays mapped, with its old bytes, until unmapped
 *     (Linux unmaps it: SIGBUS afterwards); the frame is freed by the last of them;
 *   - MAP_SHARED of anonymous memory or of /dev/zero is refused (-EINVAL, -ENODEV): nothing
 *     shares anonymous memory between processes yet.
 */
#include <frame64/kstring.h>
#include <frame64/layout.h>
#include <frame64/phys.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

enum {
    SYS_mmap = 9,
    SYS_mprotect = 10,
    SYS_munmap = 11,
    SYS_brk = 12,
    SYS_madvise = 28,
};

#define PROT_READ  0x1
#define PROT_WRITE 0x2
#define PROT_EXEC  0x4

#define MAP_SHARED          0x01
#define MAP_PRIVATE         0x02
#define MAP_SHARED_VALIDATE 0x03
#define MAP_TYPE            0x0f
#define MAP_FIXED           0x10
#define MAP_ANONYMOUS       0x20
#define MAP_POPULATE        0x8000
#define MAP_FIXED_NOREPLACE 0x100000

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

/* What kind of mapping fd's description f may give. Return: 0, or the errno of the refusal. */
static long check_file(const struct file *f, long flags, long prot, bool *zero, bool *writable)
{
    const struct ramfs_node *n = f->node;
    uint32_t mode = f->flags & O_ACCMODE;
    *zero = n && (n->mode & S_IFMT) == S_IFCHR && n->rdev == DEV_ZERO;
    if (!n || (!*zero && (!S_ISREG(n->mode) || n->dyn)))
        return -ENODEV; /* pipes, terminals, directories, /proc's files */
    if (*zero && (flags & MAP_TYPE) != MAP_PRIVATE)
        return -ENODEV;
    if (mode == O_WRONLY)
        return -EACCES;         /* every mapping reads */
    *writable = mode == O_RDWR; /* O_APPEND too: Linux refuses only an append-only inode */
    if ((flags & MAP_TYPE) != MAP_PRIVATE && (prot & PROT_WRITE) && !*writable)
        return -EACCES;
    return 0;
}

/* mmap under the space's lock; f is fd's description (NULL: MAP_ANONYMOUS). */
static long mmap_locked(struct process *p, uint64_t addr, uint64_t len, long prot, long flags,
                        const struct file *f, uint64_t off)
{
    long type = flags & MAP_TYPE;
    bool zero = false, writable = false;
    if (type != MAP_PRIVATE && type != MAP_SHARED && type != MAP_SHARED_VALIDATE)
        return -EINVAL;
    if (!f && type != MAP_PRIVATE)
        return -EINVAL; /* processes share no anonymous memory yet */
    if (!len)
        return -EINVAL;
    if (len > VMSPACE_USER_END)
        return -ENOMEM;
    len = ALIGN_UP(len, PAGE_SIZE);
    if (f && !IS_ALIGNED(off, PAGE_SIZE))
        return -EINVAL;
    if (f && off > UINT64_MAX - len)
        return -EOVERFLOW;
    long vp = vm_prot(prot);
    if (vp < 0)
        return vp;
    long refused = f ? check_file(f, flags, prot, &zero, &writable) : 0;
    if (refused)
        return refused;
    bool file = f && !zero, shared = file && type != MAP_PRIVATE;
    if ((flags & MAP_POPULATE) && !file)
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
    int err = shared
                  ? vmspace_map_file(&p->vs, va, len, (unsigned)vp | (writable ? 0 : VM_NO_WRITE))
                  : vmspace_map_anon(&p->vs, va, len, (unsigned)vp);
    if (err != K_OK)
        return vm_errno(err);
    if (file && file_place_pages(&p->vs, f->node, va, len / PAGE_SIZE, off / PAGE_SIZE, shared)) {
        vmspace_unmap(&p->vs, va, len);
        return -ENOMEM;
    }
    return (long)va;
}

static long sys_mmap(struct process *p, uint64_t addr, uint64_t len, long prot, long flags, long fd,
                     uint64_t off)
{
    struct file *f = NULL;
    if (!(flags & MAP_ANONYMOUS) && !(f = fd_get(p, fd)))
        return -EBADF;
    uint64_t irq = mm_lock(p); /* after the descriptor table's lock, never under it */
    long r = mmap_locked(p, addr, len, prot, flags, f, off);
    mm_unlock(p, irq);
    if (f)
        file_put(f);
    return r;
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

long dispatch_mm(struct process *p, const struct syscall_frame *f)
{
    uint64_t irq;
    long r;
    switch (f->rax) {
    case SYS_mmap:
        return sys_mmap(p, f->rdi, f->rsi, (long)f->rdx, (long)f->r10, (long)(int)f->r8, f->r9);
    case SYS_munmap:
        irq = mm_lock(p);
        r = sys_munmap(p, f->rdi, f->rsi);
        break;
    case SYS_mprotect:
        irq = mm_lock(p);
        r = sys_mprotect(p, f->rdi, f->rsi, (long)f->rdx);
        break;
    case SYS_madvise:
        irq = mm_lock(p);
        r = sys_madvise(p, f->rdi, f->rsi, (long)f->rdx);
        break;
    case SYS_brk:
        irq = mm_lock(p);
        r = sys_brk(p, f->rdi);
        break;
    default:
        return SYSCALL_UNKNOWN;
    }
    mm_unlock(p, irq);
    return r;
}
