/* SPDX-License-Identifier: 0BSD */
/*
 * frame_whereis() (include/frame64/frame_whereis.h). It reads the pool through the fields that
 * include/frame64/frame.h documents (lock, seed_base/seed_next, regions, and struct frame_cache:
 * count, frames[], handed, handoff[], whose entries may carry debug bits below the page boundary)
 * and walks the free stack through src/mm/frame_stack.h, the one file that knows its shape.
 */
#include <frame64/frame_whereis.h>
#include <frame64/phys.h>

#include "frame_stack.h"

/* Whether pa is on the free stack: a node of the chain, or an entry of one. */
static bool stacked(const struct frame_pool *p, phys_addr_t pa)
{
    uint64_t seen = 0, count = frame_stack_count(p);
    for (phys_addr_t h = frame_stack_first(p); h != PHYS_NONE && seen <= count; seen++) {
        if (h == pa && !frame_area_stale(p, pa))
            return true;
        struct frame_stack_node n = frame_stack_read(h);
        for (uint64_t i = 0; i < n.count && i < FRAME_BATCH_MAX; i++)
            if (n.frames[i] == pa && !frame_area_stale(p, pa))
                return true;
        h = n.next;
    }
    return false;
}

/*
 * Whether pa is in a CPU's cache. Other CPUs change theirs without a lock: the answer is what
 * the caches held a moment ago, which is what a person asking wants.
 */
static bool cached(const struct frame_pool *p, phys_addr_t pa)
{
    for (unsigned i = 0; i < CPU_MAX; i++) {
        const struct frame_cache *c = &p->caches[i];
        uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
        uint32_t h = __atomic_load_n(&c->handed, __ATOMIC_RELAXED);
        for (uint32_t j = 0; j < n && j < FRAME_CACHE_HIGH; j++)
            if ((c->frames[j] & ~(phys_addr_t)(PAGE_SIZE - 1)) == pa)
                return true;
        for (uint32_t j = 0; j < h && j < FRAME_CACHE_HIGH; j++)
            if ((c->handoff[j] & ~(phys_addr_t)(PAGE_SIZE - 1)) == pa)
                return true;
    }
    return false;
}

enum frame_where frame_whereis(struct frame_pool *p, phys_addr_t pa)
{
    pa = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t irq = irqlock_acquire(&p->lock);
    enum frame_where w;
    const struct region *r = region_lookup(p->regions, pa);
    if (!r)
        w = FRAME_WHERE_NOT_RAM;
    else if (r->tag == REGION_FREE)
        w = FRAME_WHERE_UNSEEDED;
    else if (r->tag == REGION_DMA)
        w = FRAME_WHERE_RUN;
    else if (r->tag != REGION_FRAMES)
        w = FRAME_WHERE_OTHER;
    else if (pa >= p->seed_base && pa < p->seed_next)
        w = FRAME_WHERE_CURSOR;
    else if (frame_area_is_whole(p, pa))
        w = FRAME_WHERE_WHOLE;
    else if (frame_area_is_out(p, pa))
        w = FRAME_WHERE_HUGE;
    else if (stacked(p, pa))
        w = FRAME_WHERE_STACKED;
    else if (cached(p, pa))
        w = FRAME_WHERE_CACHED;
    else
        w = FRAME_WHERE_HANDED_OUT;
    irqlock_release(&p->lock, irq);
    return w;
}

const char *frame_where_name(enum frame_where w)
{
    switch (w) {
    case FRAME_WHERE_NOT_RAM:
        return "not RAM the frame manager knows";
    case FRAME_WHERE_UNSEEDED:
        return "free, never seeded (still in the region list)";
    case FRAME_WHERE_CURSOR:
        return "free, carved for the stack but not yet handed out";
    case FRAME_WHERE_STACKED:
        return "free, on the free stack";
    case FRAME_WHERE_CACHED:
        return "free, in a CPU's frame cache";
    case FRAME_WHERE_HANDED_OUT:
        return "handed out as a single frame";
    case FRAME_WHERE_WHOLE:
        return "free, a whole 2 MiB area kept for 2 MiB frames";
    case FRAME_WHERE_HUGE:
        return "handed out as part of a 2 MiB frame";
    case FRAME_WHERE_RUN:
        return "handed out as part of a contiguous run";
    case FRAME_WHERE_OTHER:
        return "not managed as frames (owned by the range's tag)";
    }
    return "?";
}
