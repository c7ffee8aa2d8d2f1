/* SPDX-License-Identifier: 0BSD */
/*
 * Wait queues (include/frame64/waitq.h): a list of parked threads under a lock. The entries live
 * on the waiters' own stacks, so a queue costs nothing while nobody waits.
 */
#include <frame64/sched.h>
#include <frame64/waitq.h>

void waitq_init(struct waitq *q)
{
    *q = (struct waitq)WAITQ_INIT;
}

void waitq_add(struct waitq *q, struct waitq_entry *e)
{
    uint64_t irq = irqlock_acquire(&q->lock);
    struct waitq_entry *w = q->head;
    while (w && w != e)
        w = w->next;
    if (!w) {
        e->thread = thread_current();
        e->next = q->head;
        q->head = e;
    }
    irqlock_release(&q->lock, irq);
}

void waitq_remove(struct waitq *q, struct waitq_entry *e)
{
    uint64_t irq = irqlock_acquire(&q->lock);
    for (struct waitq_entry **l = &q->head; *l; l = &(*l)->next) {
        if (*l == e) {
            *l = e->next;
            break;
        }
    }
    e->next = NULL;
    irqlock_release(&q->lock, irq);
}

unsigned waitq_wake_all(struct waitq *q)
{
    unsigned n = 0;
    uint64_t irq = irqlock_acquire(&q->lock);
    for (struct waitq_entry *e = q->head; e; e = e->next, n++)
        unpark(e->thread); /* under the lock: the waiter cannot leave (and end) meanwhile */
    irqlock_release(&q->lock, irq);
    return n;
}

unsigned waitq_wake(struct waitq *q, unsigned n)
{
    unsigned woken = 0;
    uint64_t irq = irqlock_acquire(&q->lock);
    while (q->head && woken < n) {
        struct waitq_entry *e = q->head;
        q->head = e->next;
        e->next = NULL;
        unpark(e->thread);
        woken++;
    }
    irqlock_release(&q->lock, irq);
    return woken;
}
