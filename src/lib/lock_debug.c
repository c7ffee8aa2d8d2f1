/* SPDX-License-Identifier: 0BSD */
/*
 * The lock checker behind FRAME64_LOCK_DEBUG (include/frame64/irqlock.h): each CPU keeps the
 * locks it holds, in the order it took them, and every acquisition is checked against them
 * before the CPU starts spinning, so a deadlock is reported instead of hanging the machine.
 * Only the CPU itself touches its record (interrupts are off while it holds a lock, and NMI
 * handlers take no locks), so the record needs no lock of its own.
 */
#include <frame64/cpu.h>
#include <frame64/irqlock.h>
#include <frame64/panic.h>

#define LOCK_DEBUG_DEPTH 8

struct held {
    unsigned n;
    const struct irqlock *locks[LOCK_DEBUG_DEPTH];
};

static struct held held[CPU_MAX];

void lock_debug_acquire(const struct irqlock *l)
{
    unsigned cpu = arch_cpu_index();
    struct held *h = &held[cpu];
    const struct irqlock *top = NULL;
    for (unsigned i = 0; i < h->n; i++) {
        if (h->locks[i] == l) {
            h->n = 0; /* the report itself takes the console's lock */
            panic("lock '%s' taken again on CPU %u, which already holds it (recursion)", l->name,
                  cpu);
        }
        if (!top || h->locks[i]->rank > top->rank)
            top = h->locks[i];
    }
    if (top && top->rank >= l->rank) {
        h->n = 0;
        panic("lock order inverted on CPU %u: '%s' (rank %u) taken while holding '%s' (rank %u); "
              "include/frame64/lock_order.h says which comes first",
              cpu, l->name, l->rank, top->name, top->rank);
    }
    if (h->n == LOCK_DEBUG_DEPTH) {
        h->n = 0;
        panic("lock '%s': CPU %u already holds %u locks", l->name, cpu, LOCK_DEBUG_DEPTH);
    }
    h->locks[h->n++] = l;
}

void lock_debug_release(const struct irqlock *l)
{
    unsigned cpu = arch_cpu_index();
    struct held *h = &held[cpu];
    for (unsigned i = h->n; i-- > 0;) {
        if (h->locks[i] == l) {
            for (unsigned j = i; j + 1 < h->n; j++)
                h->locks[j] = h->locks[j + 1];
            h->n--;
            return;
        }
    }
    panic("lock '%s' released on CPU %u, which does not hold it", l->name, cpu);
}
