/* SPDX-License-Identifier: 0BSD */
/*
 * Pipes (pipe(2), pipe2(2)): a ring of 64 KiB (Linux's capacity) in frames taken as it first
 * fills, between two open file descriptions, a read end and a write end, under one lock, as xv6's
 * pipe.c. A read waits while the ring is empty and a
 * writer is left, then takes what is there (end of file once no writer is left); a write waits
 * for room and gives PIPE_BUF (4,096 bytes) or fewer at once, so small writes from several
 * processes never interleave; a write with no reader left is EPIPE and SIGPIPE. O_NONBLOCK makes
 * the waits EAGAIN; a signal with a handler cuts them short (restarted under SA_RESTART, as
 * Linux), a kill makes them EINTR. Bytes pass through a buffer on the kernel
 * stack: user memory is never touched under the pipe's lock. Every change wakes the waiters of
 * the pipe and of poll() (src/exec/sys_poll.c).
 *
 * A FIFO (a node of the file system, mkfifo) is the same pipe, found by its node in a list while
 * it is open: opening it for reading waits for a writer and for writing waits for a reader, as
 * Linux's do (O_NONBLOCK: a reader does not wait, a writer without a reader gets ENXIO; O_RDWR
 * never waits); the last close frees it with whatever it still held.
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/sched.h>
#include <frame64/waitq.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define PIPE_PAGES 16 /* 64 KiB, Linux's default capacity: fewer waits in a pipeline */
#define PIPE_SIZE  (PIPE_PAGES * PAGE_SIZE)
#define PIPE_BUF   4096 /* writes up to this size are atomic (POSIX's PIPE_BUF) */
#define CHUNK      1024
#define SIGPIPE    13

struct pipe {
    struct irqlock lock;
    struct waitq readable, writable;
    uint8_t *pages[PIPE_PAGES]; /* the ring's frames, made when first written */
    uint64_t head, tail;        /* bytes ever written and read: tail <= head <= tail + PIPE_SIZE */
    unsigned readers, writers;
    struct ramfs_node *fifo; /* a FIFO's node (NULL: an anonymous pipe); the list holds it */
    struct pipe *next;       /* in the list of open FIFOs */
};

static struct irqlock fifos_lock = IRQLOCK_INIT("fifos", LOCK_RANK_FIFOS);
static struct pipe *fifos GUARDED_BY(fifos_lock); /* open FIFOs, by node */

/* What a description of access mode acc counts as. */
static bool reads(uint32_t acc)
{
    return acc == O_RDONLY || acc == O_RDWR;
}

static bool writes(uint32_t acc)
{
    return acc == O_WRONLY || acc == O_RDWR;
}

static struct pipe *pipe_of(struct file *f)
{
    return f->priv;
}

/* The ring's byte for stream position pos. */
static uint8_t *at(struct pipe *pp, uint64_t pos)
{
    return pp->pages[pos / PAGE_SIZE % PIPE_PAGES] + pos % PAGE_SIZE;
}

/* Makes the ring's frames for [pos, pos + n). Return: false when a frame cannot be had. */
static bool have_pages(struct pipe *pp, uint64_t pos, uint64_t n)
{
    for (uint64_t p = ALIGN_DOWN(pos, PAGE_SIZE); p < pos + n; p += PAGE_SIZE) {
        uint8_t **slot = &pp->pages[p / PAGE_SIZE % PIPE_PAGES];
        if (!*slot) {
            phys_addr_t pa = frame_alloc(&kernel_frames);
            if (pa == PHYS_NONE)
                return false;
            *slot = phys_to_virt(pa);
        }
    }
    return true;
}

/* A wait cut short: EINTR if the thread was killed, else a restart as Linux's pipes do. */
static long interrupted_code(void)
{
    return __atomic_load_n(&thread_current()->killed, __ATOMIC_ACQUIRE) ? -EINTR
                                                                        : -PROC_ERESTARTSYS;
}

static long pipe_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)pos;
    struct pipe *pp = pipe_of(f);
    char chunk[CHUNK];
    uint64_t done = 0;
    struct waitq_entry e;
    while (done < n) {
        waitq_add(&pp->readable, &e);
        uint64_t irq = irqlock_acquire(&pp->lock);
        uint64_t have = pp->head - pp->tail;
        if (!have) {
            bool eof = !pp->writers;
            irqlock_release(&pp->lock, irq);
            if (done || eof)
                break;
            if (f->flags & O_NONBLOCK) {
                waitq_remove(&pp->readable, &e);
                return -EAGAIN;
            }
            if (thread_interrupted()) {
                waitq_remove(&pp->readable, &e);
                return interrupted_code();
            }
            park();
            continue;
        }
        uint64_t k = MIN(MIN(have, n - done), CHUNK);
        for (uint64_t i = 0; i < k; i++)
            chunk[i] = (char)*at(pp, pp->tail + i);
        pp->tail += k;
        irqlock_release(&pp->lock, irq);
        waitq_remove(&pp->readable, &e);
        waitq_wake_all(&pp->writable);
        poll_wake();
        if (copy_to_user(p, buf + done, chunk, k))
            return done ? (long)done : -EFAULT; /* those bytes are lost, as on Linux */
        done += k;
    }
    waitq_remove(&pp->readable, &e);
    return (long)done;
}

static long pipe_write(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    (void)pos;
    struct pipe *pp = pipe_of(f);
    char chunk[CHUNK];
    uint64_t done = 0;
    struct waitq_entry e;
    /* A write of PIPE_BUF or fewer goes in whole: it waits until the ring has room for all. */
    while (done < n) {
        uint64_t k = MIN(n - done, CHUNK);
        if (copy_from_user(p, chunk, buf + done, k))
            return done ? (long)done : -EFAULT;
        uint64_t need = n <= PIPE_BUF ? n - done : 1;
        for (;;) {
            waitq_add(&pp->writable, &e);
            uint64_t irq = irqlock_acquire(&pp->lock);
            if (!pp->readers) {
                irqlock_release(&pp->lock, irq);
                waitq_remove(&pp->writable, &e);
                struct sig_info info = {.code = 0 /* SI_USER */, .pid = p->pid};
                proc_signal_thread(thread_current(), SIGPIPE, &info);
                return done ? (long)done : -EPIPE;
            }
            uint64_t room = PIPE_SIZE - (pp->head - pp->tail);
            if (room >= need) {
                uint64_t put = MIN(room, k);
                if (!have_pages(pp, pp->head, put)) {
                    irqlock_release(&pp->lock, irq);
                    waitq_remove(&pp->writable, &e);
                    return done ? (long)done : -ENOMEM;
                }
                for (uint64_t i = 0; i < put; i++)
                    *at(pp, pp->head + i) = (uint8_t)chunk[i];
                pp->head += put;
                irqlock_release(&pp->lock, irq);
                waitq_remove(&pp->writable, &e);
                waitq_wake_all(&pp->readable);
                poll_wake();
                done += put;
                if (put < k) {
                    /* The rest of this chunk: shift it down and go on waiting. */
                    memmove(chunk, chunk + put, k - put);
                    k -= put;
                    need = n <= PIPE_BUF ? k : 1;
                    continue;
                }
                break;
            }
            irqlock_release(&pp->lock, irq);
            if ((f->flags & O_NONBLOCK) || thread_interrupted()) {
                waitq_remove(&pp->writable, &e);
                if (done)
                    return (long)done;
                return (f->flags & O_NONBLOCK) ? -EAGAIN : interrupted_code();
            }
            park();
        }
    }
    return (long)done;
}

static unsigned pipe_poll(struct file *f, unsigned events)
{
    struct pipe *pp = pipe_of(f);
    unsigned r = 0;
    uint64_t irq = irqlock_acquire(&pp->lock);
    uint64_t have = pp->head - pp->tail;
    if ((f->flags & O_ACCMODE) == O_RDONLY) {
        if (have)
            r |= POLLIN;
        if (!pp->writers)
            r |= POLLHUP;
    } else {
        if (have < PIPE_SIZE)
            r |= POLLOUT;
        if (!pp->readers)
            r |= POLLERR;
    }
    irqlock_release(&pp->lock, irq);
    return r & (events | POLLHUP | POLLERR);
}

/* One end of mode acc fewer. Return: whether it was the last. */
static bool drop_end(struct pipe *pp, uint32_t acc)
{
    uint64_t irq = irqlock_acquire(&pp->lock);
    pp->readers -= reads(acc);
    pp->writers -= writes(acc);
    bool last = !pp->readers && !pp->writers;
    irqlock_release(&pp->lock, irq);
    return last;
}

/* drop_end() of a FIFO: its last close takes it out of the list (a later open makes a new one). */
static bool drop_fifo_end(struct pipe *pp, uint32_t acc)
{
    uint64_t irq = irqlock_acquire(&fifos_lock);
    bool last = drop_end(pp, acc);
    for (struct pipe **l = &fifos; last && *l; l = &(*l)->next)
        if (*l == pp) {
            *l = pp->next;
            break;
        }
    irqlock_release(&fifos_lock, irq);
    if (last) {
        uint64_t fs = fs_lock();
        ramfs_put(&rootfs, pp->fifo);
        fs_unlock(fs);
    }
    return last;
}

/* One end of mode acc goes: its waiters look again, and the last end frees the pipe. */
static void put_end(struct pipe *pp, uint32_t acc)
{
    bool last = pp->fifo ? drop_fifo_end(pp, acc) : drop_end(pp, acc);
    waitq_wake_all(&pp->readable);
    waitq_wake_all(&pp->writable);
    poll_wake();
    if (last) {
        for (unsigned i = 0; i < PIPE_PAGES; i++)
            if (pp->pages[i])
                frame_free(&kernel_frames, virt_to_phys(pp->pages[i]));
        frame_free(&kernel_frames, virt_to_phys(pp));
    }
}

static void pipe_release(struct file *f)
{
    put_end(pipe_of(f), f->flags & O_ACCMODE);
}

static const struct file_ops pipe_ops = {
    .read = pipe_read, .write = pipe_write, .poll = pipe_poll, .release = pipe_release};

/* A zeroed pipe with no end yet. Return: it, or NULL. */
static struct pipe *pipe_new(void)
{
    phys_addr_t pa = frame_alloc_zeroed(&kernel_frames);
    if (pa == PHYS_NONE)
        return NULL;
    struct pipe *pp = phys_to_virt(pa);
    pp->lock = (struct irqlock)IRQLOCK_INIT("pipe", LOCK_RANK_PIPE);
    waitq_init(&pp->readable);
    waitq_init(&pp->writable);
    return pp;
}

/* node's open pipe, counted as one more end of mode acc (made if it is not open). */
static struct pipe *fifo_attach(struct ramfs_node *node, uint32_t acc)
{
    uint64_t irq = irqlock_acquire(&fifos_lock);
    struct pipe *pp = fifos;
    while (pp && pp->fifo != node)
        pp = pp->next;
    if (!pp && (pp = pipe_new())) {
        uint64_t fs = fs_lock();
        ramfs_get(node);
        fs_unlock(fs);
        pp->fifo = node;
        pp->next = fifos;
        fifos = pp;
    }
    if (pp) {
        uint64_t pirq = irqlock_acquire(&pp->lock);
        pp->readers += reads(acc);
        pp->writers += writes(acc);
        irqlock_release(&pp->lock, pirq);
    }
    irqlock_release(&fifos_lock, irq);
    return pp;
}

long fifo_open(struct ramfs_node *node, uint32_t flags, struct file **out)
{
    uint32_t acc = flags & O_ACCMODE, status = flags & O_NONBLOCK;
    if (acc != O_RDONLY && acc != O_WRONLY && acc != O_RDWR)
        return -EINVAL;
    struct pipe *pp = fifo_attach(node, acc);
    if (!pp)
        return -ENOMEM;
    struct file *f = file_new(&pipe_ops, acc | status, node);
    if (!f) {
        put_end(pp, acc);
        return -ENOMEM;
    }
    f->priv = pp;
    waitq_wake_all(&pp->readable); /* an opener waiting for this end */
    waitq_wake_all(&pp->writable);
    poll_wake();
    /* Wait for the other end (not for O_RDWR, which is both). */
    struct waitq *q = acc == O_RDONLY ? &pp->readable : &pp->writable;
    struct waitq_entry e;
    for (;;) {
        waitq_add(q, &e);
        uint64_t irq = irqlock_acquire(&pp->lock);
        bool ready = acc == O_RDWR || (acc == O_RDONLY ? pp->writers : pp->readers);
        irqlock_release(&pp->lock, irq);
        long err = 0;
        if (!ready && status && acc == O_WRONLY)
            err = -ENXIO; /* no reader, and it may not wait */
        else if (!ready && !status && thread_interrupted())
            err = interrupted_code();
        if (ready || status || err) {
            waitq_remove(q, &e);
            if (err) {
                file_put(f);
                return err;
            }
            *out = f;
            return 0;
        }
        park();
    }
}

long sys_pipe2(struct process *p, uint64_t ufds, long flags)
{
    if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | 040000 /* O_DIRECT */))
        return -EINVAL;
    struct pipe *pp = pipe_new();
    if (!pp)
        return -ENFILE;
    uint32_t status = (uint32_t)flags & O_NONBLOCK;
    /* Each end counts once its description exists: a failure below puts what was made, and the
     * last end's release frees the pipe. */
    struct file *r = file_new(&pipe_ops, O_RDONLY | status, NULL);
    if (!r) {
        frame_free(&kernel_frames, virt_to_phys(pp));
        return -ENFILE;
    }
    r->priv = pp;
    pp->readers = 1;
    struct file *w = file_new(&pipe_ops, O_WRONLY | status, NULL);
    if (!w) {
        file_put(r);
        return -ENFILE;
    }
    w->priv = pp;
    pp->writers = 1;
    long fr = fd_install(p, r, 0, flags & O_CLOEXEC);
    long fw = fr < 0 ? fr : fd_install(p, w, 0, flags & O_CLOEXEC);
    if (fw < 0) {
        if (fr >= 0)
            fd_close(p, fr); /* puts r: the pipe loses its reader */
        else
            file_put(r);
        file_put(w);
        return fw;
    }
    int fds[2] = {(int)fr, (int)fw};
    if (copy_to_user(p, ufds, fds, sizeof(fds))) {
        fd_close(p, fr);
        fd_close(p, fw);
        return -EFAULT;
    }
    return 0;
}
