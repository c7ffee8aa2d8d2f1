/* SPDX-License-Identifier: 0BSD */
/*
 * The system calls on file descriptors (Linux x86-64 semantics): read, write, readv, writev,
 * pread64, pwrite64, lseek, close, dup, dup2, dup3, fcntl, ioctl, fstat, ftruncate. Each takes a
 * reference on the description for the length of the call (src/exec/file.h), checks the access
 * mode the file was opened with (EBADF, as Linux), and hands the bytes to the file's kind.
 */
#include <frame64/errno.h>
#include <frame64/kstring.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define IOV_MAX      1024
#define MAX_RW_COUNT 0x7ffff000ull /* Linux's limit of one read or write: INT_MAX, page-aligned */

#define F_DUPFD         0
#define F_GETFD         1
#define F_SETFD         2
#define F_GETFL         3
#define F_SETFL         4
#define F_DUPFD_CLOEXEC 1030
#define FD_CLOEXEC      1

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/*
 * Linux's access_ok(): [buf, buf + len) lies below the top of the user half. It is checked even
 * for len 0, so write(1, kernel_address, 0) is -EFAULT as on Linux.
 */
static bool user_buffer(uint64_t buf, uint64_t len)
{
    return len <= VMSPACE_USER_END && buf <= VMSPACE_USER_END - len;
}

/* One read or write of f at *pos (NULL: the description's own offset). */
static long transfer(struct process *p, struct file *f, bool write, uint64_t buf, uint64_t n,
                     uint64_t *at)
{
    uint32_t mode = f->flags & O_ACCMODE;
    if (write ? mode == O_RDONLY : mode == O_WRONLY)
        return -EBADF;
    if (!user_buffer(buf, n))
        return -EFAULT;
    if (n > MAX_RW_COUNT)
        n = MAX_RW_COUNT;
    if (!(write ? f->ops->write : f->ops->read))
        return -EINVAL;
    uint64_t pos = at ? *at : f->pos;
    long r = write ? f->ops->write(f, p, buf, n, &pos) : f->ops->read(f, p, buf, n, &pos);
    if (at)
        *at = pos;
    else
        f->pos = pos;
    return r;
}

static long rw(struct process *p, long fd, bool write, uint64_t buf, uint64_t n)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r = transfer(p, f, write, buf, n, NULL);
    file_put(f);
    return r;
}

static long prw(struct process *p, long fd, bool write, uint64_t buf, uint64_t n, int64_t off)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r;
    if (!f->ops->seekable)
        r = -ESPIPE;
    else if (off < 0)
        r = -EINVAL;
    else {
        uint64_t at = (uint64_t)off;
        r = transfer(p, f, write, buf, n, &at);
    }
    file_put(f);
    return r;
}

struct iovec_user {
    uint64_t base, len;
};

/*
 * Linux's import_iovec(): every element is read and checked before anything moves: a negative
 * length is -EINVAL, a range outside the user half -EFAULT, the whole call at most MAX_RW_COUNT
 * bytes. A short transfer ends the call there.
 */
static long rwv(struct process *p, long fd, bool write, uint64_t iov, uint64_t iovcnt)
{
    struct iovec_user v;
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r = (f->flags & O_ACCMODE) == (write ? O_RDONLY : O_WRONLY) ? -EBADF : 0;
    if (!r && iovcnt > IOV_MAX)
        r = -EINVAL;
    for (uint64_t i = 0; !r && i < iovcnt; i++) {
        if (copy_from_user(p, &v, iov + i * sizeof(v), sizeof(v)))
            r = -EFAULT;
        else if ((int64_t)v.len < 0)
            r = -EINVAL;
        else if (!user_buffer(v.base, v.len))
            r = -EFAULT;
    }
    uint64_t total = 0;
    for (uint64_t i = 0; !r && i < iovcnt && total < MAX_RW_COUNT; i++) {
        if (copy_from_user(p, &v, iov + i * sizeof(v), sizeof(v))) {
            r = -EFAULT;
            break;
        }
        uint64_t want = MIN(v.len, MAX_RW_COUNT - total);
        if (!want)
            continue;
        r = transfer(p, f, write, v.base, want, NULL);
        if (r < 0)
            break;
        total += (uint64_t)r;
        r = (uint64_t)r < want; /* a short transfer ends the call */
    }
    file_put(f);
    return total ? (long)total : (r > 0 ? 0 : r);
}

static long sys_lseek(struct process *p, long fd, int64_t off, long whence)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r;
    if (!f->ops->seekable) {
        r = -ESPIPE;
    } else {
        int64_t base = whence == SEEK_SET   ? 0
                       : whence == SEEK_CUR ? (int64_t)f->pos
                       : whence == SEEK_END ? (int64_t)(f->node ? f->node->size : 0)
                                            : -1;
        if (whence < SEEK_SET || whence > SEEK_END)
            r = -EINVAL;
        else if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
            r = -EINVAL;
        else
            r = (long)(f->pos = (uint64_t)(base + off));
    }
    file_put(f);
    return r;
}

static long sys_fcntl(struct process *p, long fd, long cmd, uint64_t arg)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r;
    switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC:
        file_get(f);
        r = fd_install(p, f, (long)arg, cmd == F_DUPFD_CLOEXEC);
        if (r < 0)
            file_put(f);
        break;
    case F_GETFD:
        r = fd_cloexec(p, fd, -1);
        break;
    case F_SETFD:
        r = fd_cloexec(p, fd, arg & FD_CLOEXEC ? 1 : 0);
        break;
    case F_GETFL:
        r = f->flags | O_LARGEFILE;
        break;
    case F_SETFL: /* only O_APPEND and O_NONBLOCK change (Linux's setfl also O_DIRECT etc.) */
        f->flags = (f->flags & ~(uint32_t)(O_APPEND | O_NONBLOCK)) |
                   ((uint32_t)arg & (O_APPEND | O_NONBLOCK));
        r = 0;
        break;
    default:
        r = -EINVAL;
        break;
    }
    file_put(f);
    return r;
}

static long sys_ioctl(struct process *p, long fd, unsigned long cmd, uint64_t arg)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r = f->ops->ioctl ? f->ops->ioctl(f, p, cmd, arg) : -ENOTTY;
    file_put(f);
    return r;
}

static long sys_ftruncate(struct process *p, long fd, int64_t len)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long r;
    if (len < 0)
        r = -EINVAL;
    else if (!f->node || !S_ISREG(f->node->mode) || (f->flags & O_ACCMODE) == O_RDONLY)
        r = -EINVAL;
    else {
        uint64_t irq = fs_lock();
        r = ramfs_truncate(&rootfs, f->node, (uint64_t)len);
        fs_unlock(irq);
    }
    file_put(f);
    return r;
}

static long sys_dup3(struct process *p, long oldfd, long newfd, long flags, bool dup2)
{
    if (dup2) {
        if (oldfd == newfd) {
            struct file *f = fd_get(p, oldfd);
            if (!f)
                return -EBADF;
            file_put(f);
            return newfd;
        }
    } else if ((flags & ~(long)O_CLOEXEC) || oldfd == newfd) {
        return -EINVAL;
    }
    return fd_dup_to(p, oldfd, newfd, flags & O_CLOEXEC);
}

long dispatch_file(struct process *p, const struct syscall_frame *f)
{
    struct file *fl;
    long r;
    switch (f->rax) {
    case 0: /* read */
        return rw(p, (int)f->rdi, false, f->rsi, f->rdx);
    case 1: /* write */
        return rw(p, (int)f->rdi, true, f->rsi, f->rdx);
    case 3: /* close */
        return fd_close(p, (int)f->rdi);
    case 5: /* fstat */
        fl = fd_get(p, (int)f->rdi);
        if (!fl)
            return -EBADF;
        r = fs_stat_file(p, fl, f->rsi);
        file_put(fl);
        return r;
    case 8: /* lseek */
        return sys_lseek(p, (int)f->rdi, (int64_t)f->rsi, (int)f->rdx);
    case 16: /* ioctl */
        return sys_ioctl(p, (int)f->rdi, (uint32_t)f->rsi, f->rdx);
    case 17: /* pread64 */
        return prw(p, (int)f->rdi, false, f->rsi, f->rdx, (int64_t)f->r10);
    case 18: /* pwrite64 */
        return prw(p, (int)f->rdi, true, f->rsi, f->rdx, (int64_t)f->r10);
    case 19: /* readv */
        return rwv(p, (int)f->rdi, false, f->rsi, f->rdx);
    case 20: /* writev */
        return rwv(p, (int)f->rdi, true, f->rsi, f->rdx);
    case 32: /* dup */
        fl = fd_get(p, (int)f->rdi);
        if (!fl)
            return -EBADF;
        r = fd_install(p, fl, 0, false);
        if (r < 0)
            file_put(fl);
        return r;
    case 33: /* dup2 */
        return sys_dup3(p, (int)f->rdi, (int)f->rsi, 0, true);
    case 292: /* dup3 */
        return sys_dup3(p, (int)f->rdi, (int)f->rsi, (int)f->rdx, false);
    case 72: /* fcntl */
        return sys_fcntl(p, (int)f->rdi, (int)f->rsi, f->rdx);
    case 77: /* ftruncate */
        return sys_ftruncate(p, (int)f->rdi, (int64_t)f->rsi);
    default:
        return SYSCALL_UNKNOWN;
    }
}
