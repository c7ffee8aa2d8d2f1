/* SPDX-License-Identifier: 0BSD */
/*
 * poll, ppoll, select and pselect6 (Linux x86-64): which descriptors are ready, waiting until one
 * is, the time runs out, or the caller is killed (EINTR). Files that do not say (regular files,
 * devices) are always ready, as Linux's are. A waiter does not queue on each file: every change
 * a poll may wait for (src/exec/pipe.c, the terminal) wakes one queue of all pollers, who look
 * again -- simple, and enough for a shell and its pipelines; a server with thousands of
 * descriptors would want per-file queues. ppoll and pselect6 wait with their signal mask, as
 * rt_sigsuspend does: the old one comes back on return, or after the handler the wait ran for.
 * A wait cut short by a stop (or by a signal without a handler) is restarted, as Linux restarts
 * it; one a handler ran for returns EINTR. A restarted wait starts its timeout again.
 */
#include <frame64/errno.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/sched.h>
#include <frame64/waitq.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define POLL_MAX 1024 /* descriptors one call may ask about (RLIMIT_NOFILE's default) */

static struct waitq pollers = WAITQ_INIT;

void poll_wake(void)
{
    waitq_wake_all(&pollers);
}

struct pollfd_user {
    int32_t fd;
    int16_t events, revents;
};

/* The ready events of fd for events. */
static unsigned ready_of(struct process *p, long fd, unsigned events)
{
    struct file *f = fd_get(p, fd);
    if (!f)
        return POLLNVAL;
    unsigned r = f->ops->poll ? f->ops->poll(f, events)
                              : (events & (POLLIN | POLLOUT | 0x40 | 0x100)); /* RDNORM, WRNORM */
    file_put(f);
    return r;
}

/*
 * Waits until check(ctx) says something is ready (> 0) or fails (< 0), or deadline (0: never;
 * UINT64_MAX: do not wait). Return: check's answer, 0 at the deadline, -PROC_ERESTARTNOHAND.
 */
static long wait_ready(long (*check)(void *ctx), void *ctx, uint64_t deadline)
{
    struct waitq_entry e;
    for (;;) {
        waitq_add(&pollers, &e);
        long n = check(ctx);
        if (n || deadline == UINT64_MAX || (deadline && time_ns() >= deadline)) {
            waitq_remove(&pollers, &e);
            return n;
        }
        if (thread_interrupted()) {
            waitq_remove(&pollers, &e);
            return -PROC_ERESTARTNOHAND; /* EINTR after a handler, else restarted */
        }
        if (deadline)
            sched_sleep_until(deadline);
        else
            park();
    }
}

struct poll_ctx {
    struct process *p;
    struct pollfd_user *fds;
    uint64_t n;
};

static long poll_check(void *ctx)
{
    struct poll_ctx *c = ctx;
    long ready = 0;
    for (uint64_t i = 0; i < c->n; i++) {
        struct pollfd_user *q = &c->fds[i];
        q->revents = q->fd < 0 ? 0 : (int16_t)ready_of(c->p, q->fd, (uint16_t)q->events);
        ready += q->revents != 0;
    }
    return ready;
}

/* poll's core: deadline as wait_ready(). The array is copied into a frame and back. */
static long do_poll(struct process *p, uint64_t ufds, uint64_t n, uint64_t deadline)
{
    if (n > POLL_MAX)
        return -EINVAL;
    uint64_t bytes = n * sizeof(struct pollfd_user);
    phys_addr_t pa = PHYS_NONE;
    if (bytes > PAGE_SIZE) { /* two frames: 1,024 x 8 bytes */
        pa = frame_alloc_run(&kernel_frames, 2, 1, 0, 0);
    } else {
        pa = frame_alloc(&kernel_frames);
    }
    if (pa == PHYS_NONE)
        return -ENOMEM;
    struct poll_ctx c = {.p = p, .fds = phys_to_virt(pa), .n = n};
    long r = bytes && copy_from_user(p, c.fds, ufds, bytes) ? -EFAULT : 0;
    if (!r)
        r = wait_ready(poll_check, &c, deadline);
    if (r >= 0 && bytes && copy_to_user(p, ufds, c.fds, bytes))
        r = -EFAULT;
    if (bytes > PAGE_SIZE)
        frame_free_run(&kernel_frames, pa, 2);
    else
        frame_free(&kernel_frames, pa);
    return r;
}

/* A relative timespec to a deadline (NULL: 0, wait forever). Return: 0, -EFAULT, -EINVAL. */
static long deadline_of(struct process *p, uint64_t uts, bool usec, uint64_t *deadline)
{
    *deadline = 0;
    if (!uts)
        return 0;
    int64_t t[2];
    if (copy_from_user(p, t, uts, sizeof(t)))
        return -EFAULT;
    int64_t unit = usec ? 1000 : 1;
    if (t[0] < 0 || t[1] < 0 || t[1] * unit >= 1000000000)
        return -EINVAL;
    uint64_t ns = (uint64_t)t[0] * 1000000000 + (uint64_t)(t[1] * unit);
    *deadline = ns ? time_ns() + ns : UINT64_MAX;
    return 0;
}

struct select_ctx {
    struct process *p;
    long nfds;
    uint64_t in[3][FD_MAX / 64]; /* asked: read, write, except */
    uint64_t out[3][FD_MAX / 64];
};

static long select_check(void *ctx)
{
    struct select_ctx *c = ctx;
    long ready = 0;
    memset(c->out, 0, sizeof(c->out));
    for (long fd = 0; fd < c->nfds; fd++) {
        unsigned want = 0;
        for (int k = 0; k < 3; k++)
            if (c->in[k][fd / 64] >> (fd % 64) & 1)
                want |= k == 0 ? POLLIN : k == 1 ? POLLOUT : POLLPRI;
        if (!want)
            continue;
        unsigned r = ready_of(c->p, fd, want);
        if (r & POLLNVAL)
            return -EBADF;
        bool set[3] = {(r & (POLLIN | POLLHUP | POLLERR)) && (want & POLLIN),
                       (r & (POLLOUT | POLLERR)) && (want & POLLOUT), (r & POLLPRI) != 0};
        for (int k = 0; k < 3; k++)
            if (set[k]) {
                c->out[k][fd / 64] |= 1ull << (fd % 64);
                ready++;
            }
    }
    return ready;
}

static long do_select(struct process *p, long nfds, const uint64_t sets[3], uint64_t deadline)
{
    if (nfds < 0 || nfds > FD_MAX)
        return -EINVAL;
    phys_addr_t pa = frame_alloc_zeroed(&kernel_frames);
    if (pa == PHYS_NONE)
        return -ENOMEM;
    struct select_ctx *c = phys_to_virt(pa);
    _Static_assert(sizeof(*c) <= PAGE_SIZE, "select's sets fit a frame");
    c->p = p;
    c->nfds = nfds;
    uint64_t bytes = (uint64_t)(nfds + 63) / 64 * 8;
    long r = 0;
    for (int k = 0; k < 3 && !r; k++)
        if (sets[k] && bytes && copy_from_user(p, c->in[k], sets[k], bytes))
            r = -EFAULT;
    if (!r)
        r = wait_ready(select_check, c, deadline);
    for (int k = 0; k < 3 && r >= 0; k++)
        if (sets[k] && bytes && copy_to_user(p, sets[k], c->out[k], bytes))
            r = -EFAULT;
    frame_free(&kernel_frames, pa);
    return r;
}

/* The wait returned r: unless a signal is to run its handler now, the old mask comes back. */
static long mask_done(struct process *p, long r)
{
    struct thread *t = thread_current();
    if (!t->sig_restore_mask || r == -PROC_ERESTARTNOHAND)
        return r; /* signal_syscall_return() puts it back, in the handler's frame if one runs */
    uint64_t irq = irqlock_acquire(&p->lock);
    t->sig_mask = t->sig_saved_mask;
    t->sig_restore_mask = false;
    irqlock_release(&p->lock, irq);
    return r;
}

long dispatch_poll(struct process *p, const struct syscall_frame *f)
{
    uint64_t deadline;
    long r;
    switch (f->rax) {
    case 7: { /* poll */
        int timeout = (int)f->rdx;
        deadline = timeout < 0    ? 0
                   : timeout == 0 ? UINT64_MAX
                                  : time_ns() + (uint64_t)timeout * 1000000;
        return do_poll(p, f->rdi, f->rsi, deadline);
    }
    case 271: /* ppoll */
        if ((r = deadline_of(p, f->rdx, false, &deadline)) ||
            (r = (f->r10 ? signal_wait_mask(p, f->r10, f->r8) : 0)))
            return r;
        return mask_done(p, do_poll(p, f->rdi, f->rsi, deadline));
    case 23: { /* select */
        const uint64_t sets[3] = {f->rsi, f->rdx, f->r10};
        if ((r = deadline_of(p, f->r8, true, &deadline)))
            return r;
        return do_select(p, (int)f->rdi, sets, deadline);
    }
    case 270: { /* pselect6: r9 points at {the mask's address, its size} */
        const uint64_t sets[3] = {f->rsi, f->rdx, f->r10};
        uint64_t ss[2] = {0, 0};
        if ((r = deadline_of(p, f->r8, false, &deadline)))
            return r;
        if (f->r9 && copy_from_user(p, ss, f->r9, sizeof(ss)))
            return -EFAULT;
        if (ss[0] && (r = signal_wait_mask(p, ss[0], ss[1])))
            return r;
        return mask_done(p, do_select(p, (int)f->rdi, sets, deadline));
    }
    case 22: /* pipe */
        return sys_pipe2(p, f->rdi, 0);
    case 293: /* pipe2 */
        return sys_pipe2(p, f->rdi, (int)f->rsi);
    default:
        return SYSCALL_UNKNOWN;
    }
}
