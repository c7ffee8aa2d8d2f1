/* SPDX-License-Identifier: 0BSD */
/*
 * futex (Linux x86-64): FUTEX_WAIT and FUTEX_WAKE, their _BITSET forms, private and shared.
 * set_robust_list and rseq are declined as Linux declines them when it has neither (ENOSYS, in
 * syscall.c): libcs then keep no robust list and no rseq area, instead of trusting a kernel that
 * would not act on them.
 *
 * Waiters sit in one of a fixed number of hashed buckets, each a list under its own lock, on
 * their own kernel stacks. A waiter checks the futex word under its bucket's lock (and the
 * space's lock, so the page cannot go meanwhile), so a waker that changes the word and then
 * wakes always finds it queued or finds it gone: no wake-up is lost. A private futex is known by
 * its process and address; a shared one by the physical address it maps to now.
 */
#include <frame64/interrupts.h>
#include <frame64/sched.h>
#include "proc_internal.h"
#include "syscall_internal.h"

#define FUTEX_WAIT           0
#define FUTEX_WAKE           1
#define FUTEX_WAIT_BITSET    9
#define FUTEX_WAKE_BITSET    10
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_BITSET_ANY     0xffffffffu
#define BUCKETS              64
#define NSEC                 1000000000ull

struct waiter {
    struct thread *thread;
    const void *space; /* the process (private), or NULL (shared: addr is physical) */
    uint64_t addr;
    uint32_t bitset;
    bool woken;
    struct waiter *next;
};

static struct bucket {
    struct irqlock lock;
    struct waiter *head;
} buckets[BUCKETS];

static struct bucket *bucket_of(const void *space, uint64_t addr)
{
    uint64_t h = (addr ^ (uint64_t)(uintptr_t)space) * 0x9e3779b97f4a7c15ull;
    struct bucket *b = &buckets[h >> 58];
    if (!b->lock.name) /* set up on first use: a static table can't name its locks otherwise */
        b->lock = (struct irqlock)IRQLOCK_INIT("futex", LOCK_RANK_FUTEX);
    return b;
}

/* The futex's key: (process, address) if private, else (NULL, physical address). */
static bool key_of(struct process *p, uint64_t uaddr, bool private, const void **space,
                   uint64_t *addr)
{
    *space = private ? (const void *)p : NULL;
    *addr = uaddr;
    if (private)
        return true;
    phys_addr_t pa = vmspace_translate(&p->vs, uaddr, NULL);
    *addr = pa;
    return pa != PHYS_NONE;
}

long futex_wake(struct process *p, uint64_t uaddr, long n, bool private, uint32_t bitset)
{
    const void *space;
    uint64_t addr;
    if (!bitset)
        return -EINVAL;
    uint64_t irq = mm_lock(p);
    bool mapped = key_of(p, uaddr, private, &space, &addr);
    mm_unlock(p, irq);
    if (!mapped)
        return 0;
    struct bucket *b = bucket_of(space, addr);
    long woken = 0;
    irq = irqlock_acquire(&b->lock);
    for (struct waiter **l = &b->head; *l && woken < n;) {
        struct waiter *w = *l;
        if (w->space != space || w->addr != addr || !(w->bitset & bitset)) {
            l = &w->next;
            continue;
        }
        *l = w->next;
        w->woken = true;
        unpark(w->thread); /* under the lock: the waiter cannot return (and go) meanwhile */
        woken++;
    }
    irqlock_release(&b->lock, irq);
    return woken;
}

/* Takes w out of its bucket if a waker has not. Return: whether a waker had. */
static bool leave(struct bucket *b, struct waiter *w)
{
    uint64_t irq = irqlock_acquire(&b->lock);
    bool woken = w->woken;
    for (struct waiter **l = &b->head; *l && !woken; l = &(*l)->next) {
        if (*l == w) {
            *l = w->next;
            break;
        }
    }
    irqlock_release(&b->lock, irq);
    return woken;
}

static long futex_wait(struct process *p, uint64_t uaddr, uint32_t val, uint64_t deadline,
                       bool private, uint32_t bitset)
{
    struct waiter w = {.thread = thread_current(), .bitset = bitset};
    if (!bitset)
        return -EINVAL;
    uint64_t irq = mm_lock(p);
    if (vmspace_check_user(&p->vs, uaddr, sizeof(uint32_t), VM_READ) != K_OK ||
        !key_of(p, uaddr, private, &w.space, &w.addr)) {
        mm_unlock(p, irq);
        return -EFAULT;
    }
    struct bucket *b = bucket_of(w.space, w.addr);
    uint64_t birq = irqlock_acquire(&b->lock);
    usermode_access_begin();
    uint32_t now = *(volatile const uint32_t *)uaddr;
    usermode_access_end();
    if (now != val) {
        irqlock_release(&b->lock, birq);
        mm_unlock(p, irq);
        return -EAGAIN;
    }
    w.next = b->head;
    b->head = &w;
    irqlock_release(&b->lock, birq);
    mm_unlock(p, irq);
    for (;;) {
        if (__atomic_load_n(&w.woken, __ATOMIC_ACQUIRE))
            break;
        if (thread_interrupted()) /* killed, or a handler to run: restarted if it may be */
            return leave(b, &w) ? 0 : w.thread->killed || deadline ? -EINTR : -PROC_ERESTARTSYS;
        if (deadline && time_ns() >= deadline)
            return leave(b, &w) ? 0 : -ETIMEDOUT;
        if (deadline)
            sched_sleep_until(deadline);
        else
            park();
    }
    leave(b, &w);
    return 0;
}

long sys_futex(struct process *p, uint64_t uaddr, long op, uint64_t val, uint64_t timeout,
               uint64_t uaddr2, uint64_t val3)
{
    (void)uaddr2;
    bool private = op & FUTEX_PRIVATE_FLAG, realtime = op & FUTEX_CLOCK_REALTIME;
    long cmd = op & ~(long)(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
    if (uaddr & 3)
        return -EINVAL;
    if (realtime && cmd != FUTEX_WAIT_BITSET)
        return -ENOSYS; /* Linux: only FUTEX_WAIT_BITSET takes the realtime clock here */
    switch (cmd) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        uint64_t deadline = 0;
        if (timeout) {
            struct {
                int64_t sec, nsec;
            } ts;
            if (copy_from_user(p, &ts, timeout, sizeof(ts)))
                return -EFAULT;
            if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NSEC)
                return -EINVAL;
            uint64_t ns = (uint64_t)ts.sec * NSEC + (uint64_t)ts.nsec;
            if (cmd == FUTEX_WAIT) /* relative, on the monotonic clock */
                deadline = time_ns() + ns;
            else if (realtime) /* absolute, on the realtime clock */
                deadline = time_ns() + (ns > wallclock_ns() ? ns - wallclock_ns() : 0);
            else
                deadline = ns;
            if (!deadline)
                deadline = 1; /* an absolute time at boot: already past */
        }
        return futex_wait(p, uaddr, (uint32_t)val, deadline, private,
                          cmd == FUTEX_WAIT ? FUTEX_BITSET_ANY : (uint32_t)val3);
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        return futex_wake(p, uaddr, (long)(int32_t)val < 0 ? 0 : (long)(int32_t)val, private,
                          cmd == FUTEX_WAKE ? FUTEX_BITSET_ANY : (uint32_t)val3);
    default:
        return -ENOSYS;
    }
}
