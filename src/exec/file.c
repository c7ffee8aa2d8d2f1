/* SPDX-License-Identifier: 0BSD */
/*
 * Open file descriptions (src/exec/file.h) and what each kind of file does: regular files read
 * and write the in-memory file system's pages at the description's offset, directories refuse
 * read and write (EISDIR) and are listed by getdents64, and the device nodes of /dev behave as
 * Linux's: null swallows and ends, zero reads zeros, urandom random bytes, console and tty show
 * what is written on the console, and read what is typed there (the terminal of tty.c). The
 * programs the kernel runs from GRUB modules have a plain console instead as 0, 1 and 2: it
 * writes as fd 1 and 2 always did, and reads as end of file.
 *
 * File bytes pass through a small buffer on the kernel stack: the file system's lock is held
 * while a page is read or written, never while user memory is touched (a copy may fault a page
 * in, and the lock order puts the address space before the file system).
 */
#include <frame64/errno.h>
#include <frame64/kmalloc.h>
#include <frame64/kstring.h>
#include <frame64/rootfs.h>
#include <frame64/console.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define CHUNK 1024

struct file *file_new(const struct file_ops *ops, uint32_t flags, struct ramfs_node *node)
{
    struct file *f = kmalloc(sizeof(*f));
    if (!f)
        return NULL;
    f->refs = 1;
    f->flags = flags;
    f->ops = ops;
    f->node = node;
    if (node) {
        uint64_t irq = fs_lock();
        ramfs_get(node);
        fs_unlock(irq);
    }
    return f;
}

void file_get(struct file *f)
{
    __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
}

void file_put(struct file *f)
{
    if (__atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL))
        return;
    if (f->ops->release)
        f->ops->release(f);
    if (f->node) {
        uint64_t irq = fs_lock();
        ramfs_put(&rootfs, f->node);
        fs_unlock(irq);
    }
    kfree(f);
}

/* Regular files: bytes at *pos, CHUNK at a time through the stack. */
static long reg_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    uint64_t done = 0;
    while (done < n) {
        uint64_t irq = fs_lock();
        size_t got = ramfs_read(&rootfs, f->node, *pos, chunk, (size_t)MIN(n - done, CHUNK));
        fs_unlock(irq);
        if (!got)
            break;
        if (copy_to_user(p, buf + done, chunk, got))
            return done ? (long)done : -EFAULT;
        *pos += got;
        done += got;
    }
    return (long)done;
}

static long reg_write(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    char chunk[CHUNK];
    uint64_t done = 0;
    while (done < n) {
        size_t want = (size_t)MIN(n - done, CHUNK);
        if (copy_from_user(p, chunk, buf + done, want))
            return done ? (long)done : -EFAULT;
        uint64_t irq = fs_lock();
        if (f->flags & O_APPEND)
            *pos = f->node->size;
        long w = ramfs_write(&rootfs, f->node, *pos, chunk, want);
        fs_unlock(irq);
        if (w <= 0)
            return done ? (long)done : w;
        *pos += (uint64_t)w;
        done += (uint64_t)w;
        if ((size_t)w < want)
            break;
    }
    return (long)done;
}

static const struct file_ops reg_ops = {.read = reg_read, .write = reg_write, .seekable = true};

static long dir_rw(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)f, (void)p, (void)buf, (void)n, (void)pos;
    return -EISDIR;
}

static const struct file_ops dir_ops = {.read = dir_rw, .write = dir_rw, .seekable = true};

static long null_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)f, (void)p, (void)buf, (void)n, (void)pos;
    return 0;
}

static long null_write(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)f, (void)p, (void)buf, (void)pos;
    return (long)n;
}

static const struct file_ops null_ops = {.read = null_read, .write = null_write, .seekable = true};

static long zero_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)f, (void)pos;
    static const char zeros[CHUNK];
    for (uint64_t done = 0; done < n;) {
        uint64_t k = MIN(n - done, CHUNK);
        if (copy_to_user(p, buf + done, zeros, k))
            return done ? (long)done : -EFAULT;
        done += k;
    }
    return (long)n;
}

static const struct file_ops zero_ops = {.read = zero_read, .write = null_write, .seekable = true};

static long urandom_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)f, (void)pos;
    return sys_getrandom(p, buf, n, 0);
}

static const struct file_ops urandom_ops = {.read = urandom_read, .write = null_write};

/*
 * Sends what the program wrote to the console (unless quiet), keeping its first line. Through
 * console_write(), under the console's lock: programs run on every CPU, and a line of theirs
 * must not interleave with another CPU's.
 */
static void emit(struct process *p, const char *s, uint64_t n)
{
    struct proc_result *r = p->res;
    for (uint64_t i = 0; i < n; i++) {
        size_t have = strlen(r->first_line);
        if (r->output + i == have && s[i] != '\n' && have + 1 < sizeof(r->first_line))
            r->first_line[have] = s[i]; /* still on the first line: the buffer is zeroed */
    }
    if (!p->opt->quiet)
        console_write(s, n);
    r->output += n;
}

static long console_write_user(struct file *f, struct process *p, uint64_t buf, uint64_t n,
                               uint64_t *pos)
{
    (void)f, (void)pos;
    char chunk[256];
    for (uint64_t done = 0; done < n;) {
        uint64_t k = MIN(n - done, sizeof(chunk));
        if (copy_from_user(p, chunk, buf + done, k))
            return done ? (long)done : -EFAULT;
        emit(p, chunk, k);
        done += k;
    }
    return (long)n;
}

/* No terminal yet: ioctl is ENOTTY (isatty() false, stdio buffers fully) as before files. */
static const struct file_ops console_ops = {.read = null_read, .write = console_write_user};

struct file *file_console(void)
{
    return file_new(&console_ops, O_RDWR, NULL);
}

long file_open_node(struct ramfs_node *node, uint32_t flags, struct file **out)
{
    const struct file_ops *ops;
    if (S_ISREG(node->mode) && node->dyn)
        return procfs_open(node, flags, out);
    switch (node->mode & S_IFMT) {
    case S_IFREG:
        ops = &reg_ops;
        break;
    case S_IFDIR:
        ops = &dir_ops;
        break;
    case S_IFCHR:
        switch (node->rdev) {
        case DEV_NULL:
            ops = &null_ops;
            break;
        case DEV_ZERO:
            ops = &zero_ops;
            break;
        case DEV_URANDOM:
        case DEV_URANDOM - 1: /* /dev/random (1, 8) */
            ops = &urandom_ops;
            break;
        case DEV_TTY:
        case DEV_CONSOLE:
            ops = &tty_ops;
            break;
        default:
            return -ENXIO;
        }
        break;
    case S_IFIFO:
        return fifo_open(node,
                         flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC |
                                             O_DIRECTORY | O_NOFOLLOW),
                         out);
    default:
        return -ENXIO; /* block devices and sockets: none yet */
    }
    struct file *f = file_new(ops,
                              flags & ~(uint32_t)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC |
                                                  O_CLOEXEC | O_DIRECTORY | O_NOFOLLOW),
                              node);
    if (!f)
        return -ENOMEM;
    *out = f;
    return 0;
}
