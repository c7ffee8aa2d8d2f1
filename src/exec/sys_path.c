/* SPDX-License-Identifier: 0BSD */
/*
 * The system calls that name files by path (Linux x86-64 semantics and errors): open, openat,
 * creat, stat, lstat, newfstatat, statx, fstat's filling, access, faccessat, faccessat2,
 * readlink, readlinkat, chdir, fchdir, getcwd, umask, getdents64, truncate; the calls that change
 * names are in sys_namei.c. Paths are copied in whole first, then looked up under the file
 * system's lock (include/frame64/fspath.h). frame64 runs every program as root, so the
 * permission bits are kept and reported but grant everything (execute: any x bit).
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/phys.h>
#include <frame64/kstring.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define ROOTFS_DEV 0x10 /* st_dev of every file: tmpfs's anonymous device 0:16 */

long copy_path(struct process *p, char *dst, uint64_t src)
{
    long n = copy_string_from_user(p, dst, src, PATH_MAX_LEN);
    return n == -E2BIG ? -ENAMETOOLONG : n;
}

struct path_ctx proc_path_ctx(struct process *p)
{
    return (struct path_ctx){.fs = &rootfs,
                             .root = rootfs.root,
                             .cwd = p && p->cwd ? p->cwd : rootfs.root,
                             .dyn_target = procfs_link_target,
                             .ctx = p};
}

int proc_files_init(struct process *p, struct process *parent)
{
    bool terminal = !parent && p->opt && p->opt->terminal;
    p->files = parent ? fdtable_copy(parent->files) : fdtable_new_console(terminal);
    if (!p->files)
        return K_ENOMEM;
    uint64_t irq = fs_lock();
    p->cwd = parent && parent->cwd ? parent->cwd : rootfs.root;
    if (p->cwd)
        ramfs_get(p->cwd);
    fs_unlock(irq);
    p->umask = parent ? parent->umask : 022;
    procfs_add(p);
    if (parent) {
        proc_set_exe(p, parent->exe);
        proc_set_cmdline_copy(p, parent);
    }
    if (terminal)
        tty_start(p);
    return K_OK;
}

void proc_files_release(struct process *p)
{
    procfs_remove(p);
    proc_set_exe(p, NULL);
    proc_set_cmdline(p, 0, NULL);
    struct fdtable *t = p->files;
    p->files = NULL;
    fdtable_put(t);
    if (p->cwd) {
        uint64_t irq = fs_lock();
        ramfs_put(&rootfs, p->cwd);
        fs_unlock(irq);
        p->cwd = NULL;
    }
}

/*
 * A copy of the user path upath in a frame of its own (4 KiB is too large for the kernel stack).
 * Return: it (free with path_put()), or NULL with *err set.
 */
char *path_get(struct process *p, uint64_t upath, long *err)
{
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE) {
        *err = -ENOMEM;
        return NULL;
    }
    char *s = phys_to_virt(pa);
    long len = copy_path(p, s, upath);
    if (len < 0) {
        frame_free(&kernel_frames, pa);
        *err = len;
        return NULL;
    }
    return s;
}

void path_put(char *s)
{
    if (s)
        frame_free(&kernel_frames, virt_to_phys(s));
}

long at_walk(struct process *p, long dirfd, const char *path, unsigned flags, struct at_lookup *l)
{
    struct path_ctx c = proc_path_ctx(p);
    l->hold = NULL;
    if (dirfd != AT_FDCWD && path[0] != '/') {
        struct file *dir = fd_get(p, dirfd);
        if (!dir)
            return -EBADF;
        if (!dir->node || !S_ISDIR(dir->node->mode)) {
            file_put(dir);
            return -ENOTDIR;
        }
        l->irq = fs_lock();
        ramfs_get(l->hold = dir->node);
        fs_unlock(l->irq);
        file_put(dir);
        c.cwd = l->hold;
    }
    l->irq = fs_lock();
    long err = path_walk(&c, path, flags, &l->r);
    if (err) {
        at_done(l);
        return err;
    }
    return 0;
}

void at_done(struct at_lookup *l)
{
    if (l->hold)
        ramfs_put(&rootfs, l->hold);
    l->hold = NULL;
    fs_unlock(l->irq);
}

long at_walk_user(struct process *p, long dirfd, uint64_t upath, unsigned flags,
                  struct at_lookup *l, char **keep) NO_THREAD_SAFETY_ANALYSIS
{
    long err;
    char *path = path_get(p, upath, &err);
    if (keep)
        *keep = NULL;
    if (!path)
        return err;
    err = at_walk(p, dirfd, path, flags, l);
    if (!err && keep)
        *keep = path;
    else
        path_put(path);
    return err;
}

/* Linux's struct stat (x86-64). */
struct kstat {
    uint64_t dev, ino, nlink;
    uint32_t mode, uid, gid, pad0;
    uint64_t rdev;
    int64_t size, blksize, blocks;
    int64_t atime, atime_ns, mtime, mtime_ns, ctime, ctime_ns;
    int64_t unused[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat is 144 bytes on x86-64");

static void fill_stat(const struct ramfs_node *n, struct kstat *st)
{
    memset(st, 0, sizeof(*st));
    st->dev = ROOTFS_DEV;
    st->ino = n->ino;
    st->nlink = n->nlink;
    st->mode = n->mode;
    st->uid = n->uid;
    st->gid = n->gid;
    st->rdev = n->rdev;
    st->size = (int64_t)n->size;
    st->blksize = RAMFS_PAGE;
    st->blocks = S_ISREG(n->mode) ? (int64_t)(n->u.reg.pages * (RAMFS_PAGE / 512)) : 0;
    st->atime = n->atime_ns / 1000000000;
    st->atime_ns = n->atime_ns % 1000000000;
    st->mtime = n->mtime_ns / 1000000000;
    st->mtime_ns = n->mtime_ns % 1000000000;
    st->ctime = n->ctime_ns / 1000000000;
    st->ctime_ns = n->ctime_ns % 1000000000;
}

/* What fstat says of a file with no node (the console, a pipe). */
static void fill_stat_anon(const struct file *f, struct kstat *st)
{
    memset(st, 0, sizeof(*st));
    st->dev = ROOTFS_DEV;
    st->nlink = 1;
    st->blksize = RAMFS_PAGE;
    st->mode = f->priv ? (S_IFIFO | 0600) : (S_IFCHR | 0620);
    st->rdev = f->priv ? 0 : DEV_CONSOLE;
    st->ino = (uint64_t)(uintptr_t)f >> 4;
}

long fs_stat_file(struct process *p, struct file *f, uint64_t ubuf)
{
    struct kstat st;
    if (f->node) {
        uint64_t irq = fs_lock();
        fill_stat(f->node, &st);
        fs_unlock(irq);
    } else {
        fill_stat_anon(f, &st);
    }
    return copy_to_user(p, ubuf, &st, sizeof(st));
}

/* stat, lstat, newfstatat (flags: AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH). */
static long do_stat(struct process *p, long dirfd, uint64_t upath, uint64_t ubuf, long flags)
{
    if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 /* AT_NO_AUTOMOUNT */))
        return -EINVAL;
    long err;
    char *path = path_get(p, upath, &err);
    if (!path)
        return err;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        path_put(path);
        struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(p, dirfd);
        if (dirfd == AT_FDCWD) {
            struct kstat st;
            uint64_t irq = fs_lock();
            fill_stat(p->cwd ? p->cwd : rootfs.root, &st);
            fs_unlock(irq);
            return copy_to_user(p, ubuf, &st, sizeof(st));
        }
        if (!f)
            return -EBADF;
        err = fs_stat_file(p, f, ubuf);
        file_put(f);
        return err;
    }
    struct at_lookup l;
    err = at_walk(p, dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : PATH_FOLLOW, &l);
    path_put(path);
    if (err)
        return err;
    struct kstat st;
    fill_stat(l.r.node, &st);
    at_done(&l);
    return copy_to_user(p, ubuf, &st, sizeof(st));
}

struct kstatx {
    uint32_t mask, blksize;
    uint64_t attributes;
    uint32_t nlink, uid, gid;
    uint16_t mode, pad1;
    uint64_t ino, size, blocks, attributes_mask;
    /* atime, btime, ctime, mtime: seconds, nanoseconds, padding */
    int64_t atime_s;
    uint32_t atime_ns, pad2;
    int64_t btime_s;
    uint32_t btime_ns, pad3;
    int64_t ctime_s;
    uint32_t ctime_ns, pad4;
    int64_t mtime_s;
    uint32_t mtime_ns, pad5;
    uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
    uint64_t spare[14];
};
_Static_assert(sizeof(struct kstatx) == 256, "struct statx is 256 bytes");

#define STATX_BASIC_STATS 0x7ffu

static long do_statx(struct process *p, long dirfd, uint64_t upath, long flags, uint64_t ubuf)
{
    if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x800 | 0x6000 /* sync */))
        return -EINVAL;
    struct kstat st;
    long err;
    char *path = path_get(p, upath, &err);
    if (!path)
        return err;
    if (!path[0] && (flags & AT_EMPTY_PATH)) {
        struct file *f = dirfd == AT_FDCWD ? NULL : fd_get(p, dirfd);
        path_put(path);
        uint64_t irq = fs_lock();
        if (f && f->node)
            fill_stat(f->node, &st);
        else if (f)
            fill_stat_anon(f, &st);
        else if (dirfd == AT_FDCWD)
            fill_stat(p->cwd ? p->cwd : rootfs.root, &st);
        fs_unlock(irq);
        if (f)
            file_put(f);
        else if (dirfd != AT_FDCWD)
            return -EBADF;
    } else {
        struct at_lookup l;
        err = at_walk(p, dirfd, path, flags & AT_SYMLINK_NOFOLLOW ? 0 : PATH_FOLLOW, &l);
        path_put(path);
        if (err)
            return err;
        fill_stat(l.r.node, &st);
        at_done(&l);
    }
    struct kstatx x = {
        .mask = STATX_BASIC_STATS,
        .blksize = (uint32_t)st.blksize,
        .nlink = (uint32_t)st.nlink,
        .uid = st.uid,
        .gid = st.gid,
        .mode = (uint16_t)st.mode,
        .ino = st.ino,
        .size = (uint64_t)st.size,
        .blocks = (uint64_t)st.blocks,
        .atime_s = st.atime,
        .atime_ns = (uint32_t)st.atime_ns,
        .mtime_s = st.mtime,
        .mtime_ns = (uint32_t)st.mtime_ns,
        .ctime_s = st.ctime,
        .ctime_ns = (uint32_t)st.ctime_ns,
        .rdev_major = (uint32_t)(st.rdev >> 8),
        .rdev_minor = (uint32_t)(st.rdev & 0xff),
        .dev_major = 0,
        .dev_minor = ROOTFS_DEV,
    };
    return copy_to_user(p, ubuf, &x, sizeof(x));
}

static long do_open(struct process *p, long dirfd, uint64_t upath, long flags, long mode)
{
    if ((flags & O_TMPFILE) == O_TMPFILE)
        return -EOPNOTSUPP;
    unsigned walk = (flags & O_CREAT) ? PATH_PARENT : 0;
    if (!(flags & O_NOFOLLOW) && !((flags & O_CREAT) && (flags & O_EXCL)))
        walk |= PATH_FOLLOW;
    struct at_lookup l;
    char *path;
    long err = at_walk_user(p, dirfd, upath, walk, &l, &path);
    if (err)
        return err;
    struct ramfs_node *n = l.r.node;
    uint32_t acc = (uint32_t)flags & O_ACCMODE;
    if ((flags & O_CREAT) && !n) {
        if (l.r.slash)
            err = -EISDIR;
        else
            err = ramfs_create(&rootfs, l.r.dir, l.r.last, l.r.last_len,
                               S_IFREG | ((uint32_t)mode & 07777 & ~p->umask), 0, &n);
    } else if ((flags & O_CREAT) && (flags & O_EXCL)) {
        err = -EEXIST;
    } else if (S_ISLNK(n->mode)) {
        err = -ELOOP; /* O_NOFOLLOW, or O_CREAT|O_EXCL met a link */
    } else if ((flags & O_DIRECTORY) && !S_ISDIR(n->mode)) {
        err = -ENOTDIR;
    } else if (S_ISDIR(n->mode) && (acc != O_RDONLY || (flags & O_CREAT))) {
        err = -EISDIR;
    } else if ((flags & O_TRUNC) && S_ISREG(n->mode) && acc != O_RDONLY) {
        err = ramfs_truncate(&rootfs, n, 0);
    }
    if (!err)
        ramfs_get(n); /* kept across the unlock until the description holds it */
    at_done(&l);
    path_put(path); /* l.r.last pointed into it */
    if (err)
        return err;
    struct file *f = NULL;
    err = file_open_node(n, (uint32_t)flags, &f);
    uint64_t irq = fs_lock();
    ramfs_put(&rootfs, n);
    fs_unlock(irq);
    if (err)
        return err;
    err = fd_install(p, f, 0, flags & O_CLOEXEC);
    if (err < 0)
        file_put(f);
    return err;
}

static long do_access(struct process *p, long dirfd, uint64_t upath, long amode, long flags)
{
    if (amode & ~7l)
        return -EINVAL;
    if (flags & ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x200 /* AT_EACCESS */))
        return -EINVAL;
    struct at_lookup l;
    long err =
        at_walk_user(p, dirfd, upath, flags & AT_SYMLINK_NOFOLLOW ? 0 : PATH_FOLLOW, &l, NULL);
    if (err)
        return err;
    /* Root may read and write anything; it may execute what has an x bit, and directories. */
    if ((amode & 1) && !S_ISDIR(l.r.node->mode) && !(l.r.node->mode & 0111))
        err = -EACCES;
    at_done(&l);
    return err;
}

static long do_readlink(struct process *p, long dirfd, uint64_t upath, uint64_t ubuf, long size)
{
    if (size <= 0)
        return -EINVAL;
    struct at_lookup l;
    char *path;
    long err = at_walk_user(p, dirfd, upath, 0, &l, &path);
    if (err)
        return err;
    struct path_ctx c = proc_path_ctx(p);
    size_t len = 0;
    if (!S_ISLNK(l.r.node->mode)) {
        err = -EINVAL;
    } else {
        const char *t = path_link_target(&c, l.r.node);
        len = MIN(strlen(t), (size_t)size);
        memcpy(path, t, len); /* the path's frame is reused for the copy-out */
    }
    at_done(&l);
    if (!err)
        err = copy_to_user(p, ubuf, path, len) ? -EFAULT : (long)len;
    path_put(path);
    return err;
}

/* Sets p's working directory to n (a directory, held by the caller across the call). */
static void set_cwd(struct process *p, struct ramfs_node *n)
{
    ramfs_get(n);
    struct ramfs_node *old = p->cwd;
    p->cwd = n;
    if (old)
        ramfs_put(&rootfs, old);
}

static long do_chdir(struct process *p, uint64_t upath)
{
    struct at_lookup l;
    long err = at_walk_user(p, AT_FDCWD, upath, PATH_FOLLOW, &l, NULL);
    if (err)
        return err;
    if (S_ISDIR(l.r.node->mode))
        set_cwd(p, l.r.node);
    else
        err = -ENOTDIR;
    at_done(&l);
    return err;
}

static long do_fchdir(struct process *p, long fd)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long err = 0;
    uint64_t irq = fs_lock();
    if (f->node && S_ISDIR(f->node->mode))
        set_cwd(p, f->node);
    else
        err = -ENOTDIR;
    fs_unlock(irq);
    file_put(f);
    return err;
}

/* getcwd: the names from the working directory up to the root, built from the end. */
/*
 * The working directory of p as a path, built from the end of buf (PATH_MAX_LEN bytes): the
 * names from it up to the root. Return: where it starts in buf, or the negated errno (ENOENT:
 * the directory was removed, as Linux says; ENAMETOOLONG).
 */
long cwd_path(struct process *p, char *buf)
{
    size_t at = PATH_MAX_LEN - 1;
    buf[at] = 0;
    long err = 0;
    uint64_t irq = fs_lock();
    struct ramfs_node *n = p && p->cwd ? p->cwd : rootfs.root;
    if (!n->nlink)
        err = -ENOENT;
    while (!err && n != rootfs.root) {
        struct ramfs_node *up = n->u.dir.parent;
        const struct ramfs_dirent *e = up->u.dir.first;
        while (e && e->node != n)
            e = e->next;
        if (!e || at < (size_t)e->len + 1) {
            err = -ENAMETOOLONG;
            break;
        }
        at -= e->len;
        memcpy(buf + at, e->name, e->len);
        buf[--at] = '/';
        n = up;
    }
    fs_unlock(irq);
    if (!err && at == PATH_MAX_LEN - 1)
        buf[--at] = '/';
    return err ? err : (long)at;
}

static long do_getcwd(struct process *p, uint64_t ubuf, uint64_t size)
{
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE)
        return -ENOMEM;
    char *buf = phys_to_virt(pa);
    long at = cwd_path(p, buf);
    long err = at < 0 ? at : 0;
    size_t len = at < 0 ? 0 : PATH_MAX_LEN - (size_t)at; /* with the NUL */
    if (!err && size < len)
        err = -ERANGE;
    if (!err)
        err = copy_to_user(p, ubuf, buf + at, len) ? -EFAULT : (long)len;
    frame_free(&kernel_frames, pa);
    return err;
}

struct dirent_out {
    char *buf;
    size_t size, used;
    bool full; /* an entry did not fit */
};

/* One linux_dirent64 into the kernel buffer. Return: false when it does not fit. */
static bool emit_dirent(void *ctx, const char *name, size_t len, uint64_t ino, uint32_t mode,
                        uint64_t next)
{
    struct dirent_out *o = ctx;
    size_t reclen = ALIGN_UP(19 + len + 1, 8);
    if (o->used + reclen > o->size) {
        o->full = true;
        return false;
    }
    char *d = o->buf + o->used;
    memset(d, 0, reclen);
    int64_t off = (int64_t)next;
    uint16_t rl = (uint16_t)reclen;
    uint8_t type = (uint8_t)((mode & S_IFMT) >> 12); /* DT_* is the type's top bits */
    memcpy(d, &ino, 8);
    memcpy(d + 8, &off, 8);
    memcpy(d + 16, &rl, 2);
    d[18] = (char)type;
    memcpy(d + 19, name, len);
    o->used += reclen;
    return true;
}

/*
 * getdents64: entries from the description's offset, at most a page of them a call (gathered
 * under the fs lock, then copied out). Return: bytes, 0 at the end, -EINVAL when not even one
 * entry fits.
 */
static long do_getdents(struct process *p, long fd, uint64_t ubuf, uint64_t size)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return -EBADF;
    long err = 0;
    phys_addr_t pa = PHYS_NONE;
    if (!f->node || !S_ISDIR(f->node->mode))
        err = -ENOTDIR;
    else if ((pa = frame_alloc(&kernel_frames)) == PHYS_NONE)
        err = -ENOMEM;
    if (err) {
        file_put(f);
        return err;
    }
    struct dirent_out o = {.buf = phys_to_virt(pa), .size = MIN(size, PAGE_SIZE)};
    uint64_t irq = fs_lock();
    uint64_t pos = f->pos;
    err = ramfs_readdir(&rootfs, f->node, &pos, emit_dirent, &o);
    fs_unlock(irq);
    if (!err && !o.used && o.full)
        err = -EINVAL; /* the next entry does not fit the buffer */
    if (!err && o.used && copy_to_user(p, ubuf, o.buf, o.used))
        err = -EFAULT;
    if (!err) {
        f->pos = pos;
        err = (long)o.used;
    }
    frame_free(&kernel_frames, pa);
    file_put(f);
    return err;
}

static long do_truncate(struct process *p, uint64_t upath, int64_t len)
{
    if (len < 0)
        return -EINVAL;
    struct at_lookup l;
    long err = at_walk_user(p, AT_FDCWD, upath, PATH_FOLLOW, &l, NULL);
    if (err)
        return err;
    if (S_ISDIR(l.r.node->mode))
        err = -EISDIR;
    else if (!S_ISREG(l.r.node->mode))
        err = -EINVAL;
    else
        err = ramfs_truncate(&rootfs, l.r.node, (uint64_t)len);
    at_done(&l);
    return err;
}

long dispatch_path(struct process *p, const struct syscall_frame *f)
{
    long r;
    switch (f->rax) {
    case 2: /* open */
        return do_open(p, AT_FDCWD, f->rdi, (int)f->rsi, (int)f->rdx);
    case 257: /* openat */
        return do_open(p, (int)f->rdi, f->rsi, (int)f->rdx, (int)f->r10);
    case 85: /* creat */
        return do_open(p, AT_FDCWD, f->rdi, O_CREAT | O_WRONLY | O_TRUNC, (int)f->rsi);
    case 4: /* stat */
        return do_stat(p, AT_FDCWD, f->rdi, f->rsi, 0);
    case 6: /* lstat */
        return do_stat(p, AT_FDCWD, f->rdi, f->rsi, AT_SYMLINK_NOFOLLOW);
    case 262: /* newfstatat */
        return do_stat(p, (int)f->rdi, f->rsi, f->rdx, (int)f->r10);
    case 332: /* statx */
        return do_statx(p, (int)f->rdi, f->rsi, (int)f->rdx, f->r8);
    case 21: /* access */
        return do_access(p, AT_FDCWD, f->rdi, (int)f->rsi, 0);
    case 269: /* faccessat */
        return do_access(p, (int)f->rdi, f->rsi, (int)f->rdx, 0);
    case 439: /* faccessat2 */
        return do_access(p, (int)f->rdi, f->rsi, (int)f->rdx, (int)f->r10);
    case 89: /* readlink */
        return do_readlink(p, AT_FDCWD, f->rdi, f->rsi, (int)f->rdx);
    case 267: /* readlinkat */
        return do_readlink(p, (int)f->rdi, f->rsi, f->rdx, (int)f->r10);
    case 80: /* chdir */
        return do_chdir(p, f->rdi);
    case 81: /* fchdir */
        return do_fchdir(p, (int)f->rdi);
    case 79: /* getcwd */
        return do_getcwd(p, f->rdi, f->rsi);
    case 95: /* umask */
        r = p->umask;
        p->umask = (uint32_t)f->rdi & 0777;
        return r;
    case 217: /* getdents64 */
        return do_getdents(p, (int)f->rdi, f->rsi, f->rdx);
    case 76: /* truncate */
        return do_truncate(p, f->rdi, (int64_t)f->rsi);
    default:
        return dispatch_namei(p, f);
    }
}
