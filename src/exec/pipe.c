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
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/sched.h>
#include <frame64/waitq.h>
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
};

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

static void pipe_release(struct file *f)
{
    struct pipe *pp = pipe_of(f);
    uint64_t irq = irqlock_acquire(&pp->lock);
    if ((f->flags & O_ACCMODE) == O_RDONLY)
        pp->readers--;
    else
        pp->writers--;
    bool last = !pp->readers && !pp->writers;
    irqlock_release(&pp->lock, irq);
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

static const struct file_ops pipe_ops = {
    .read = pipe_read, .write = pipe_write, .poll = pipe_poll, .release = pipe_release};

long sys_pipe2(struct process *p, uint64_t ufds, long flags)
{
    if (flags & ~(long)(O_CLOEXEC | O_NONBLOCK | 040000 /* O_DIRECT */))
        return -EINVAL;
    phys_addr_t pa = frame_alloc_zeroed(&kernel_frames);
    if (pa == PHYS_NONE)
        return -ENFILE;
    struct pipe *pp = phys_to_virt(pa);
    pp->lock = (struct irqlock)IRQLOCK_INIT("pipe", LOCK_RANK_PIPE);
    waitq_init(&pp->readable);
    waitq_init(&pp->writable);
    uint32_t status = (uint32_t)flags & O_NONBLOCK;
    /* Each end counts once its description exists: a failure below puts what was made, and the
     * last end's release frees the pipe. */
    struct file *r = file_new(&pipe_ops, O_RDONLY | status, NULL);
    if (!r) {
        frame_free(&kernel_frames, pa);
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
