/* SPDX-License-Identifier: 0BSD */
/*
 * A process's file descriptors (src/exec/file.h): FD_MAX slots in pages of 512 pointers, made
 * when a descriptor first lands in them, each slot naming an open file description it holds a
 * reference to, and a close-on-exec bit per slot. The lowest free descriptor is taken, as POSIX
 * requires. A slot is changed under the table's lock; the description it held is put after the
 * lock is dropped (its release may wake a pipe's other end).
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/kmalloc.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include "file.h"
#include "proc_internal.h"

#define PER_PAGE (PAGE_SIZE / sizeof(struct file *))
#define PAGES    (FD_MAX / PER_PAGE)

struct fdtable {
    struct irqlock lock;
    struct file **pages[PAGES];
    uint64_t cloexec[FD_MAX / 64];
    unsigned used; /* slots holding a description */
};

static struct fdtable *table_new(void)
{
    struct fdtable *t = kmalloc(sizeof(*t));
    if (t)
        t->lock = (struct irqlock)IRQLOCK_INIT("descriptors", LOCK_RANK_FDTABLE);
    return t;
}

/* The slot of fd, its page made if make (NULL: no page, or none to be had). */
static struct file **slot(struct fdtable *t, unsigned fd, bool make)
{
    struct file ***page = &t->pages[fd / PER_PAGE];
    if (!*page) {
        if (!make)
            return NULL;
        phys_addr_t pa = frame_alloc_zeroed(&kernel_frames);
        if (pa == PHYS_NONE)
            return NULL;
        *page = phys_to_virt(pa);
    }
    return &(*page)[fd % PER_PAGE];
}

static void set_cloexec(struct fdtable *t, unsigned fd, bool on)
{
    if (on)
        t->cloexec[fd / 64] |= 1ull << (fd % 64);
    else
        t->cloexec[fd / 64] &= ~(1ull << (fd % 64));
}

/* The descriptors a process may have: FD_MAX, or its RLIMIT_NOFILE if lower. */
static unsigned limit(struct process *p)
{
    uint64_t soft = p->rlimit[7][0];
    return soft < FD_MAX ? (unsigned)soft : FD_MAX;
}

struct fdtable *fdtable_new_console(bool tty)
{
    struct fdtable *t = table_new();
    struct file *con = tty ? file_new(&tty_ops, O_RDWR, NULL) : file_console();
    struct file **s = t && con ? slot(t, 0, true) : NULL;
    if (!s) {
        if (con)
            file_put(con);
        kfree(t);
        return NULL;
    }
    for (unsigned fd = 0; fd < 3; fd++) {
        if (fd)
            file_get(con);
        s[fd] = con;
    }
    t->used = 3;
    return t;
}

/* Frees the table's pages (every slot already empty) and the table. */
static void table_free(struct fdtable *t)
{
    for (unsigned i = 0; i < PAGES; i++)
        if (t->pages[i])
            frame_free(&kernel_frames, virt_to_phys(t->pages[i]));
    kfree(t);
}

struct fdtable *fdtable_copy(struct fdtable *t)
{
    struct fdtable *c = table_new();
    if (!c)
        return NULL;
    uint64_t irq = irqlock_acquire(&t->lock);
    for (unsigned i = 0; i < PAGES; i++) {
        if (!t->pages[i])
            continue;
        phys_addr_t pa = frame_alloc(&kernel_frames);
        if (pa == PHYS_NONE) {
            irqlock_release(&t->lock, irq);
            fdtable_put(c);
            return NULL;
        }
        c->pages[i] = phys_to_virt(pa);
        memcpy(c->pages[i], t->pages[i], PAGE_SIZE);
        for (unsigned k = 0; k < PER_PAGE; k++)
            if (c->pages[i][k])
                file_get(c->pages[i][k]);
    }
    memcpy(c->cloexec, t->cloexec, sizeof(c->cloexec));
    c->used = t->used;
    irqlock_release(&t->lock, irq);
    return c;
}

/* Closes every descriptor for which close(fd's bit) says so (NULL: all). */
static void close_where(struct fdtable *t, bool only_cloexec)
{
    for (unsigned i = 0; i < PAGES; i++) {
        for (unsigned k = 0; t->pages[i] && k < PER_PAGE; k++) {
            unsigned fd = i * PER_PAGE + k;
            uint64_t irq = irqlock_acquire(&t->lock);
            struct file *f = t->pages[i][k];
            bool go = f && (!only_cloexec || (t->cloexec[fd / 64] >> (fd % 64) & 1));
            if (go) {
                t->pages[i][k] = NULL;
                set_cloexec(t, fd, false);
                t->used--;
            }
            irqlock_release(&t->lock, irq);
            if (go)
                file_put(f);
        }
    }
}

void fdtable_put(struct fdtable *t)
{
    if (!t)
        return;
    close_where(t, false);
    table_free(t);
}

void fdtable_exec(struct fdtable *t)
{
    close_where(t, true);
}

struct file *fd_get(struct process *p, long fd)
{
    struct fdtable *t = p->files;
    if (fd < 0 || fd >= FD_MAX || !t)
        return NULL;
    uint64_t irq = irqlock_acquire(&t->lock);
    struct file **s = slot(t, (unsigned)fd, false), *f = s ? *s : NULL;
    if (f)
        file_get(f);
    irqlock_release(&t->lock, irq);
    return f;
}

long fd_install(struct process *p, struct file *f, long min, bool cloexec)
{
    struct fdtable *t = p->files;
    unsigned lim = limit(p);
    if (min < 0 || (unsigned long)min >= lim)
        return -EINVAL;
    uint64_t irq = irqlock_acquire(&t->lock);
    for (unsigned fd = (unsigned)min; fd < lim; fd++) {
        struct file **s = slot(t, fd, true);
        if (!s) {
            irqlock_release(&t->lock, irq);
            return -ENOMEM;
        }
        if (*s)
            continue;
        *s = f;
        set_cloexec(t, fd, cloexec);
        t->used++;
        irqlock_release(&t->lock, irq);
        return fd;
    }
    irqlock_release(&t->lock, irq);
    return -EMFILE;
}

long fd_dup_to(struct process *p, long oldfd, long newfd, bool cloexec)
{
    struct fdtable *t = p->files;
    if (newfd < 0 || (unsigned long)newfd >= limit(p))
        return -EBADF;
    struct file *f = fd_get(p, oldfd);
    if (!f)
        return -EBADF;
    uint64_t irq = irqlock_acquire(&t->lock);
    struct file **s = slot(t, (unsigned)newfd, true);
    if (!s) {
        irqlock_release(&t->lock, irq);
        file_put(f);
        return -ENOMEM;
    }
    struct file *old = *s;
    *s = f;
    set_cloexec(t, (unsigned)newfd, cloexec);
    t->used += !old;
    irqlock_release(&t->lock, irq);
    if (old)
        file_put(old);
    return newfd;
}

long fd_close(struct process *p, long fd)
{
    struct fdtable *t = p->files;
    if (fd < 0 || fd >= FD_MAX || !t)
        return -EBADF;
    uint64_t irq = irqlock_acquire(&t->lock);
    struct file **s = slot(t, (unsigned)fd, false), *f = s ? *s : NULL;
    if (f) {
        *s = NULL;
        set_cloexec(t, (unsigned)fd, false);
        t->used--;
    }
    irqlock_release(&t->lock, irq);
    if (!f)
        return -EBADF;
    file_put(f);
    return 0;
}

long fd_cloexec(struct process *p, long fd, int set)
{
    struct fdtable *t = p->files;
    if (fd < 0 || fd >= FD_MAX || !t)
        return -EBADF;
    uint64_t irq = irqlock_acquire(&t->lock);
    struct file **s = slot(t, (unsigned)fd, false);
    long r = -EBADF;
    if (s && *s) {
        r = (long)(t->cloexec[fd / 64] >> (fd % 64) & 1);
        if (set >= 0) {
            set_cloexec(t, (unsigned)fd, set);
            r = 0;
        }
    }
    irqlock_release(&t->lock, irq);
    return r;
}
