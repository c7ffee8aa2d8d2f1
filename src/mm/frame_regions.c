/* SPDX-License-Identifier: 0BSD */
/*
 * A copy of a pool's region list taken under the pool's lock (include/frame64/frame.h), for a
 * reader that must not see it half changed by a run being cut out or given back on another CPU:
 * /proc/frames prints it.
 */
#include <frame64/frame.h>
#include <frame64/irqlock.h>
#include <frame64/region.h>

size_t frame_regions_copy(struct frame_pool *p, struct region *out, size_t max)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    const struct region_list *l = p->regions;
    size_t n = l->count;
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = l->regions[i];
    irqlock_release(&p->lock, irq);
    return n;
}
