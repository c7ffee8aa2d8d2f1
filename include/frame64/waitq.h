/* SPDX-License-Identifier: 0BSD */
/*
 * Wait queues (src/kernel/waitq.c): threads waiting for a condition that another thread or an
 * interrupt will make true. A waiter joins the queue before it looks at the condition and parks
 * only if it is still false, so a wake-up between the look and the park is never lost (park()'s
 * token):
 *
 *     for (;;) {
 *         waitq_add(&q);
 *         if (condition) break;
 *         park();
 *     }
 *     waitq_remove(&q);
 *
 * and the other side makes the condition true, then calls waitq_wake_all(&q).
 */
#ifndef FRAME64_WAITQ_H
#define FRAME64_WAITQ_H

#include <frame64/irqlock.h>

struct thread;

struct waitq_entry {
    struct thread *thread;
    struct waitq_entry *next;
};

struct waitq {
    struct irqlock lock;
    struct waitq_entry *head;
};

#define WAITQ_INIT                                                                                 \
    {                                                                                              \
        .lock = IRQLOCK_INIT("wait queue", LOCK_RANK_WAITQ), .head = NULL                          \
    }

void waitq_init(struct waitq *q);
/* Adds the calling thread (through e, which must live until waitq_remove()); adding twice is fine.
 */
void waitq_add(struct waitq *q, struct waitq_entry *e);
/* Takes e out of q if it is still there. */
void waitq_remove(struct waitq *q, struct waitq_entry *e);
/* Unparks every thread in q (they stay queued: each removes itself). Return: how many. */
unsigned waitq_wake_all(struct waitq *q);
/* Unparks up to n threads, taking them out of q. Return: how many. */
unsigned waitq_wake(struct waitq *q, unsigned n);

#endif
