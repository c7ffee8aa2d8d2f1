/* SPDX-License-Identifier: 0BSD */
/*
 * The system calls that make, remove and rename names (Linux x86-64 semantics and errors):
 * mkdir, mkdirat, mknod, mknodat, rmdir, unlink, unlinkat, rename, renameat, renameat2, link,
 * linkat, symlink, symlinkat; and those that change what a node says of itself: chmod, fchmod,
 * fchmodat, chown, fchown, lchown, fchownat, utimensat. Each looks the parent up under the file
 * system's lock and makes the change there (include/frame64/ramfs.h says each one's errors).
 */
#include <frame64/errno.h>
#include <frame64/interrupts.h>
#include <frame64/kstring.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define RENAME_NOREPLACE 1

/* mkdir and mknod: a new node at path (its parent must exist, the name must not). */
static long do_make(struct process *p, long dirfd, uint64_t upath, uint32_t mode, uint32_t rdev)
{
    struct at_lookup l;
    char *path;
    long err = at_walk_user(p, dirfd, upath, PATH_PARENT, &l, &path);
    if (err)
        return err;
    if (l.r.node)
        err = -EEXIST;
    else if (l.r.slash && !S_ISDIR(mode))
        err = -ENOENT;
    else
        err = ramfs_create(&rootfs, l.r.dir, l.r.last, l.r.last_len,
                           (mode & S_IFMT) | (mode & 07777 & ~p->umask), rdev, NULL);
    at_done(&l);
    path_put(path); /* l.r.last pointed into it */
    return err;
}

static long do_mknod(struct process *p, long dirfd, uint64_t upath, uint32_t mode, uint64_t dev)
{
    uint32_t type = mode & S_IFMT;
    if (!type)
        type = S_IFREG;
    if (type != S_IFREG && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO)
        return type == S_IFDIR ? -EPERM : -EINVAL;
    /* Linux's new_encode_dev() for small numbers: major << 8 | minor. */
    uint32_t rdev = (uint32_t)(((dev >> 8) & 0xfff) << 8 | (dev & 0xff));
    return do_make(p, dirfd, upath, type | (mode & 07777), rdev);
}

static long do_remove(struct process *p, long dirfd, uint64_t upath, bool dir)
{
    struct at_lookup l;
    char *path;
    long err = at_walk_user(p, dirfd, upath, 0, &l, &path);
    if (err)
        return err;
    if (!l.r.last_len)
        err = dir ? -EBUSY : -EISDIR; /* "/" */
    else if (dir)
        err = ramfs_rmdir(&rootfs, l.r.dir, l.r.last, l.r.last_len);
    else if (l.r.slash)
        err = S_ISDIR(l.r.node->mode) ? -EISDIR : -ENOTDIR;
    else
        err = ramfs_unlink(&rootfs, l.r.dir, l.r.last, l.r.last_len);
    at_done(&l);
    path_put(path);
    return err;
}

/* rename: both parents looked up under one hold of the lock (the second walk nests in it). */
static long do_rename(struct process *p, long odirfd, uint64_t uold, long ndirfd, uint64_t unew,
                      long flags)
{
    if (flags & ~(long)RENAME_NOREPLACE)
        return -EINVAL;
    long err;
    char *oldp = path_get(p, uold, &err), *newp = oldp ? path_get(p, unew, &err) : NULL;
    if (!newp) {
        path_put(oldp);
        return err;
    }
    struct path_ctx c = proc_path_ctx(p);
    struct file *od = odirfd == AT_FDCWD || oldp[0] == '/' ? NULL : fd_get(p, odirfd);
    struct file *nd = ndirfd == AT_FDCWD || newp[0] == '/' ? NULL : fd_get(p, ndirfd);
    if ((odirfd != AT_FDCWD && oldp[0] != '/' && !od) ||
        (ndirfd != AT_FDCWD && newp[0] != '/' && !nd)) {
        err = -EBADF;
    } else if ((od && (!od->node || !S_ISDIR(od->node->mode))) ||
               (nd && (!nd->node || !S_ISDIR(nd->node->mode)))) {
        err = -ENOTDIR;
    } else {
        struct path_result o = {0}, n = {0};
        uint64_t irq = fs_lock();
        struct path_ctx oc = c, nc = c;
        if (od)
            oc.cwd = od->node;
        if (nd)
            nc.cwd = nd->node;
        err = path_walk(&oc, oldp, 0, &o);
        if (!err)
            err = path_walk(&nc, newp, PATH_PARENT, &n);
        if (!err && (!o.last_len || !n.last_len))
            err = -EBUSY;
        else if (!err && n.node && (flags & RENAME_NOREPLACE))
            err = -EEXIST;
        else if (!err && (o.slash || n.slash) && !S_ISDIR(o.node->mode))
            err = -ENOTDIR;
        if (!err)
            err = ramfs_rename(&rootfs, o.dir, o.last, o.last_len, n.dir, n.last, n.last_len);
        fs_unlock(irq);
    }
    if (od)
        file_put(od);
    if (nd)
        file_put(nd);
    path_put(oldp);
    path_put(newp);
    return err;
}

static long do_link(struct process *p, long odirfd, uint64_t uold, long ndirfd, uint64_t unew,
                    long flags)
{
    if (flags & ~(long)(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    long err;
    char *oldp = path_get(p, uold, &err), *newp = oldp ? path_get(p, unew, &err) : NULL;
    if (!newp) {
        path_put(oldp);
        return err;
    }
    struct at_lookup l;
    err = at_walk(p, odirfd, oldp, flags & AT_SYMLINK_FOLLOW ? PATH_FOLLOW : 0, &l);
    struct ramfs_node *target = NULL;
    if (!err) {
        target = l.r.node;
        ramfs_get(target);
        at_done(&l);
        err = at_walk(p, ndirfd, newp, PATH_PARENT, &l);
        if (!err) {
            if (l.r.node)
                err = -EEXIST;
            else if (S_ISDIR(target->mode))
                err = -EPERM;
            else
                err = ramfs_link(&rootfs, l.r.dir, l.r.last, l.r.last_len, target);
            ramfs_put(&rootfs, target);
            at_done(&l);
        } else {
            uint64_t irq = fs_lock();
            ramfs_put(&rootfs, target);
            fs_unlock(irq);
        }
    }
    path_put(oldp);
    path_put(newp);
    return err;
}

static long do_symlink(struct process *p, uint64_t utarget, long dirfd, uint64_t upath)
{
    long err;
    char *target = path_get(p, utarget, &err), *path = target ? path_get(p, upath, &err) : NULL;
    if (!path) {
        path_put(target);
        return err;
    }
    struct at_lookup l;
    err = at_walk(p, dirfd, path, PATH_PARENT, &l);
    if (!err) {
        err = l.r.node ? -EEXIST : ramfs_symlink(&rootfs, l.r.dir, l.r.last, l.r.last_len, target);
        at_done(&l);
    }
    path_put(target);
    path_put(path);
    return err;
}

/* chmod, chown and utimensat's common part: the node path names, changed by fn under the lock. */
struct attr {
    uint32_t mode;
    int64_t uid, gid;
    int64_t atime_ns, mtime_ns; /* -1: now, -2: leave */
};

enum { ATTR_MODE, ATTR_OWNER, ATTR_TIMES };

static void apply(struct ramfs_node *n, int what, const struct attr *a)
{
    int64_t now = (int64_t)wallclock_ns();
    if (what == ATTR_MODE)
        n->mode = (n->mode & S_IFMT) | (a->mode & 07777);
    if (what == ATTR_OWNER) {
        if (a->uid != -1)
            n->uid = (uint32_t)a->uid;
        if (a->gid != -1)
            n->gid = (uint32_t)a->gid;
    }
    if (what == ATTR_TIMES) {
        if (a->atime_ns != -2)
            n->atime_ns = a->atime_ns == -1 ? now : a->atime_ns;
        if (a->mtime_ns != -2)
            n->mtime_ns = a->mtime_ns == -1 ? now : a->mtime_ns;
    }
    n->ctime_ns = now;
}

static long change(struct process *p, long dirfd, uint64_t upath, bool follow, int what,
                   const struct attr *a)
{
    if (!upath || dirfd != AT_FDCWD) {
        /* fchmod/fchown/futimens: the descriptor itself (a NULL path in utimensat). */
        if (!upath) {
            struct file *f = fd_get(p, dirfd);
            if (!f)
                return -EBADF;
            long err = 0;
            uint64_t irq = fs_lock();
            if (f->node)
                apply(f->node, what, a);
            else
                err = what == ATTR_TIMES ? 0 : -EPERM;
            fs_unlock(irq);
            file_put(f);
            return err;
        }
    }
    struct at_lookup l;
    long err = at_walk_user(p, dirfd, upath, follow ? PATH_FOLLOW : 0, &l, NULL);
    if (err)
        return err;
    apply(l.r.node, what, a);
    at_done(&l);
    return 0;
}

/* utimensat's times: NULL is now for both; UTIME_NOW and UTIME_OMIT as Linux. */
static long do_utimensat(struct process *p, long dirfd, uint64_t upath, uint64_t utimes, long flags)
{
    enum { UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2 };
    struct attr a = {.atime_ns = -1, .mtime_ns = -1};
    if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
        return -EINVAL;
    if (utimes) {
        int64_t ts[4];
        if (copy_from_user(p, ts, utimes, sizeof(ts)))
            return -EFAULT;
        for (int i = 0; i < 2; i++) {
            int64_t *out = i ? &a.mtime_ns : &a.atime_ns;
            if (ts[2 * i + 1] == UTIME_NOW)
                *out = -1;
            else if (ts[2 * i + 1] == UTIME_OMIT)
                *out = -2;
            else if (ts[2 * i + 1] < 0 || ts[2 * i + 1] >= 1000000000)
                return -EINVAL;
            else
                *out = ts[2 * i] * 1000000000 + ts[2 * i + 1];
        }
    }
    return change(p, dirfd, upath, !(flags & AT_SYMLINK_NOFOLLOW), ATTR_TIMES, &a);
}

long dispatch_namei(struct process *p, const struct syscall_frame *f)
{
    struct attr a = {0};
    switch (f->rax) {
    case 83: /* mkdir */
        return do_make(p, AT_FDCWD, f->rdi, S_IFDIR | ((uint32_t)f->rsi & 07777), 0);
    case 258: /* mkdirat */
        return do_make(p, (int)f->rdi, f->rsi, S_IFDIR | ((uint32_t)f->rdx & 07777), 0);
    case 133: /* mknod */
        return do_mknod(p, AT_FDCWD, f->rdi, (uint32_t)f->rsi, f->rdx);
    case 259: /* mknodat */
        return do_mknod(p, (int)f->rdi, f->rsi, (uint32_t)f->rdx, f->r10);
    case 84: /* rmdir */
        return do_remove(p, AT_FDCWD, f->rdi, true);
    case 87: /* unlink */
        return do_remove(p, AT_FDCWD, f->rdi, false);
    case 263: /* unlinkat */
        if (f->rdx & ~(uint64_t)AT_REMOVEDIR)
            return -EINVAL;
        return do_remove(p, (int)f->rdi, f->rsi, f->rdx & AT_REMOVEDIR);
    case 82: /* rename */
        return do_rename(p, AT_FDCWD, f->rdi, AT_FDCWD, f->rsi, 0);
    case 264: /* renameat */
        return do_rename(p, (int)f->rdi, f->rsi, (int)f->rdx, f->r10, 0);
    case 316: /* renameat2 */
        return do_rename(p, (int)f->rdi, f->rsi, (int)f->rdx, f->r10, (int)f->r8);
    case 86: /* link */
        return do_link(p, AT_FDCWD, f->rdi, AT_FDCWD, f->rsi, 0);
    case 265: /* linkat */
        return do_link(p, (int)f->rdi, f->rsi, (int)f->rdx, f->r10, (int)f->r8);
    case 88: /* symlink */
        return do_symlink(p, f->rdi, AT_FDCWD, f->rsi);
    case 266: /* symlinkat */
        return do_symlink(p, f->rdi, (int)f->rsi, f->rdx);
    case 90:  /* chmod */
    case 268: /* fchmodat */
    case 91:  /* fchmod */
        a.mode = (uint32_t)(f->rax == 268 ? f->rdx : f->rsi);
        return f->rax == 91   ? change(p, (int)f->rdi, 0, true, ATTR_MODE, &a)
               : f->rax == 90 ? change(p, AT_FDCWD, f->rdi, true, ATTR_MODE, &a)
                              : change(p, (int)f->rdi, f->rsi, true, ATTR_MODE, &a);
    case 92:  /* chown */
    case 94:  /* lchown */
    case 93:  /* fchown */
    case 260: /* fchownat */
        a.uid = (int32_t)(f->rax == 260 ? f->rdx : f->rsi);
        a.gid = (int32_t)(f->rax == 260 ? f->r10 : f->rdx);
        if (f->rax == 93)
            return change(p, (int)f->rdi, 0, true, ATTR_OWNER, &a);
        if (f->rax == 260)
            return change(p, (int)f->rdi, f->rsi, !(f->r8 & AT_SYMLINK_NOFOLLOW), ATTR_OWNER, &a);
        return change(p, AT_FDCWD, f->rdi, f->rax == 92, ATTR_OWNER, &a);
    case 280: /* utimensat */
        return do_utimensat(p, (int)f->rdi, f->rsi, f->rdx, (int)f->r10);
    default:
        return SYSCALL_UNKNOWN;
    }
}
