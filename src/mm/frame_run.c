/* SPDX-License-Identifier: 0BSD */
/*
 * Contiguous runs from the page-frame manager (docs/frame-allocator.md, "Runs"): the region list
 * serves them; when it cannot, the pool gives back what it holds and the list is searched again.
 * First the cheap ways (an idle pool retags everything at once; the seed cursor is one range),
 * then drain rounds (src/mm/frame_drain.c) over the stacked frames below the ceiling. So a run
 * fails only when no free frame anywhere makes it, or when the list had no room to say so.
 *
 * None of this is on the single-frame paths: only frame_alloc_run() drains.
 */
#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/panic.h>

#include "frame_internal.h"
#include "region_internal.h"

/*
 * Whether req can be served from outside ISA memory at all: it has no ceiling, or one above
 * FRAME_ISA_LIMIT (e.g. 32-bit DMA). Such a request must leave ISA memory to the devices that can
 * reach nothing else for as long as other memory can serve it; a top-down search alone does not,
 * since after churn the only free ranges the list knows are often the low frames freed back to it.
 */
static bool spares_isa(const struct region_request *req)
{
    return req->max == 0 || req->max > FRAME_ISA_LIMIT;
}

/*
 * The region-list search behind frame_alloc_run(), lock held: for a request that spares ISA
 * memory, only [FRAME_ISA_LIMIT, max) unless whole (the pool drains before it gives up on that);
 * else, or with whole, all of [0, max). Return: a base or PHYS_NONE.
 */
static phys_addr_t run_search(struct frame_pool *p, struct region_request *req, bool whole)
{
    phys_addr_t base = PHYS_NONE;
    req->min = !whole && spares_isa(req) ? FRAME_ISA_LIMIT : 0;
    region_alloc(p->regions, req, &base);
    req->min = 0;
    return base;
}

/* frame_reclaim() with the lock held. */
static uint64_t reclaim_locked(struct frame_pool *p)
{
    uint64_t free = frame_stack_count(p) + p->whole_frames;
    uint64_t bytes = free * PAGE_SIZE + (p->seed_next - p->seed_base);
    if (bytes == 0 || p->seeded != free)
        return 0;
    if (region_retag(p->regions, 0, PHYS_ADDR_MAX, REGION_FRAMES, REGION_FREE) != K_OK)
        return 0;          /* cannot happen: a retag that only merges needs no slot */
    frame_stack_detach(p); /* every stacked frame is free in the list now */
    frame_area_forget(p);  /* and every whole area */
    p->seeded = 0;
    p->seed_base = p->seed_next = 0;
    return bytes;
}

/*
 * Gathers every CPU's cached frames onto the stack (frame_caches_collect()), inside this CPU's
 * cache section: gathering empties this CPU's cache too. Only the gathering is in the section,
 * not the drain that may follow, so a CPU that asks this one meanwhile is answered at once.
 */
static void collect_caches(struct frame_pool *p)
{
    uint64_t irq = arch_irq_save();
    struct frame_cache *c = &p->caches[arch_cpu_index()];
    frame_cache_enter(c);
    frame_caches_collect(p);
    frame_cache_leave(c);
    arch_irq_restore(irq);
}

uint64_t frame_reclaim(struct frame_pool *p)
{
    collect_caches(p); /* their frames are free too */
    uint64_t irq = irqlock_acquire(&p->lock);
    uint64_t bytes = reclaim_locked(p);
    irqlock_release(&p->lock, irq);
    return bytes;
}

/*
 * The seed cursor's frames are free and already one range: give them back in one retag.
 * Return: false if the list had no slot for it (the cursor stays as it was).
 */
static bool give_back_cursor(struct frame_pool *p)
{
    if (p->seed_next == p->seed_base)
        return true;
    if (region_retag(p->regions, p->seed_base, p->seed_next, REGION_FRAMES, REGION_FREE) != K_OK)
        return false;
    p->seed_base = p->seed_next = 0;
    return true;
}

/*
 * Stacked ranges shorter than this stay stacked in a first pass of drain rounds, whatever the
 * request: a small request could use any of them, but a few long ranges serve it as well and
 * cost the list two entries each instead of two per crumb (a 4-frame run after the churn
 * would otherwise turn 13,000 crumbs into 26,000 entries).
 */
#define FRAME_DRAIN_COARSE (2 * MiB)

/*
 * After a walk of the stack: the areas that waited for the stack's nodes in them are whole now,
 * into the list with the rest of the whole list, then the list is searched again. Return: the
 * run, or PHYS_NONE (with *stalled set if the list had no room for the areas).
 */
static phys_addr_t whole_then_search(struct frame_pool *p, struct region_request *req,
                                     bool *stalled)
{
    if (!frame_area_whole_to_list(p)) {
        *stalled = true;
        return PHYS_NONE;
    }
    return run_search(p, req, false);
}

/*
 * Drain rounds over the stacked frames below the ceiling (all of them without one), one slice at a
 * time, searching again after each: first taking only ranges of FRAME_DRAIN_COARSE or more, then,
 * if that was not enough, every range the request could use. Return: the run, or PHYS_NONE with
 * *stalled set if the list ran out of room on the way.
 */
static phys_addr_t drain_and_search(struct frame_pool *p, struct region_request *req, uint64_t irq,
                                    bool *stalled)
{
    /*
     * Areas whose frames are all free but which wait for the stack's nodes in them first: one
     * walk of the stack drops their stale frames, and they join the list before any round, so
     * that the rounds see them as free ranges (a crumb next to one goes back with it).
     */
    if (p->areas_waiting) {
        frame_drain_purge(p, irq);
        p->drains++;
        phys_addr_t base = whole_then_search(p, req, stalled);
        if (base != PHYS_NONE || *stalled)
            return base;
    }
    /* Whole frames only: one that ends above the ceiling cannot be part of the run. */
    phys_addr_t hi = ALIGN_DOWN(req->max ? MIN(req->max, p->end) : p->end, PAGE_SIZE);
    uint64_t coarse = MAX(req->size, FRAME_DRAIN_COARSE);
    for (uint64_t min = coarse;; min = req->size) {
        struct frame_drain_req r = {
            .lo = 0,
            .hi = hi,
            .whole_lo = 0,
            .whole_hi = hi,
            .bottom_up = req->max != 0,
            .min_size = min,
        };
        for (int res; (res = frame_drain_round(p, &r, irq)) != FRAME_DRAIN_NONE;) {
            if (res == FRAME_DRAIN_STALLED) {
                *stalled = true;
                return PHYS_NONE;
            }
            p->drains++;
            phys_addr_t base = whole_then_search(p, req, stalled);
            if (base != PHYS_NONE || *stalled)
                return base;
        }
        if (min == req->size)
            return PHYS_NONE;
    }
}

/*
 * Whether req is known to fail: an earlier request failed after every free frame was looked at
 * (caches gathered, the stack drained of everything a run of its size could use), nothing has
 * become free since (freed has not moved: allocations only take memory away), and req is no
 * easier -- no shorter, aligned to a multiple, under the same ceiling or a lower one, within the
 * same boundary or a smaller one -- so any run that fits req would have fitted that one.
 */
static bool known_to_fail(const struct frame_pool *p, const struct region_request *req)
{
    const struct frame_no_run *m = &p->no_run;
    return m->valid && m->freed == p->freed && req->size >= m->size && req->align >= m->align &&
           (m->max == 0 || (req->max != 0 && req->max <= m->max)) &&
           (m->boundary == 0 || (req->boundary != 0 && req->boundary <= m->boundary));
}

/*
 * Everything frame_alloc_run() does once the list alone has no run: reclaim, cursor, drain.
 * Return: the run or PHYS_NONE.
 */
static __attribute__((noinline)) phys_addr_t run_slow(struct frame_pool *p,
                                                      struct region_request *req, uint64_t irq)
{
    phys_addr_t base = PHYS_NONE;
    bool stalled = false;
    if (known_to_fail(p, req)) {
        p->fast_fails++;
        return PHYS_NONE;
    }
    p->list_full = false;    /* what follows may give the list room again */
    if (reclaim_locked(p)) { /* idle: everything went back at once */
        base = run_search(p, req, false);
    } else {
        bool cursor = p->seed_next != p->seed_base || p->whole != PHYS_NONE;
        /* The cursor's rest and the 2 MiB frames given back are free ranges already. */
        if (!give_back_cursor(p) || !frame_area_whole_to_list(p))
            stalled = true; /* the drain may still find room by merging */
        else if (cursor)
            base = run_search(p, req, false);
        if (base == PHYS_NONE)
            base = drain_and_search(p, req, irq, &stalled);
    }
    if (base == PHYS_NONE && spares_isa(req)) /* nothing above it: ISA memory then */
        base = run_search(p, req, true);
    /* A run the list has but cannot split off for want of a slot is a stall too. */
    if (base == PHYS_NONE && (stalled || region_find_run(p->regions, req, 0, 0) != PHYS_NONE))
        p->run_stalls++;
    else if (base == PHYS_NONE) /* a true "no": remembered until something is freed */
        p->no_run =
            (struct frame_no_run){req->size, req->align, req->boundary, req->max, p->freed, true};
    return base;
}

/* frame_alloc_run(); huge: a 2 MiB frame, which may also be a whole area of the stack. */
static phys_addr_t alloc_run(struct frame_pool *p, uint64_t nframes, uint64_t align,
                             phys_addr_t max, uint64_t boundary, bool huge)
{
    if (nframes == 0 || nframes > (PHYS_ADDR_MAX >> PAGE_SHIFT) || (align & (align - 1)) ||
        (boundary & (boundary - 1)) || (boundary && nframes > boundary >> PAGE_SHIFT)) {
        kprintf("frame_alloc_run: invalid request: %lu frames, align 0x%lx, boundary 0x%lx\n",
                nframes, align, boundary);
        return PHYS_NONE;
    }
    if (max && nframes > max >> PAGE_SHIFT)
        return PHYS_NONE; /* cannot fit below the ceiling: no need to drain to find out */
    struct region_request req = {
        .size = nframes << PAGE_SHIFT,
        .align = MAX(align, PAGE_SIZE),
        .max = max,
        .boundary = boundary,
        .tag = REGION_DMA,
        .top_down = max == 0, /* no ceiling: leave low memory to those who need it */
    };
    uint64_t irq = irqlock_acquire(&p->lock);
    phys_addr_t base = run_search(p, &req, false);
    /*
     * A run of 2 MiB or less fits at the base of any whole area below its ceiling, whatever its
     * alignment (2 MiB at most) and boundary: one area into the list serves it, before the
     * caches are gathered, the cursor given back, every whole area merged or the stack drained.
     */
    if (base == PHYS_NONE && req.size <= FRAME_HUGE_SIZE && req.align <= FRAME_HUGE_SIZE &&
        frame_area_one_to_list(p, max, req.size))
        base = run_search(p, &req, false);
    if (base == PHYS_NONE && frame_caches_held(p)) {
        /* What follows must see every free frame: the caches' go onto the stack first. */
        irqlock_release(&p->lock, irq);
        collect_caches(p);
        irq = irqlock_acquire(&p->lock);
        if (huge) /* the caches' frames may have completed an area */
            base = frame_area_take_huge(p);
    }
    if (base == PHYS_NONE)
        base = run_slow(p, &req, irq);
    irqlock_release(&p->lock, irq);
    return base;
}

phys_addr_t frame_alloc_run(struct frame_pool *p, uint64_t nframes, uint64_t align, phys_addr_t max,
                            uint64_t boundary)
{
    return alloc_run(p, nframes, align, max, boundary, false);
}

uint64_t frame_settle(struct frame_pool *p)
{
    collect_caches(p);
    uint64_t irq = irqlock_acquire(&p->lock);
    p->list_full = false;
    uint64_t moved = reclaim_locked(p);
    uint64_t whole = p->whole_frames * PAGE_SIZE;
    if (!moved && give_back_cursor(p) && frame_area_whole_to_list(p)) {
        /* Every stacked frame, crumbs too: afterwards no run needs to drain. */
        struct frame_drain_req r = {.hi = ALIGN_DOWN(p->end, PAGE_SIZE),
                                    .whole_hi = ALIGN_DOWN(p->end, PAGE_SIZE),
                                    .min_size = PAGE_SIZE};
        uint64_t before = frame_stack_count(p);
        for (int res; (res = frame_drain_round(p, &r, irq)) == FRAME_DRAIN_DONE;)
            p->drains++;
        if (p->areas_waiting)
            frame_drain_purge(p, irq);
        frame_area_whole_to_list(p); /* areas that waited for the stack's nodes in them */
        moved = (before - frame_stack_count(p)) * PAGE_SIZE + whole;
    }
    irqlock_release(&p->lock, irq);
    return moved;
}

void frame_free_run(struct frame_pool *p, phys_addr_t base, uint64_t nframes)
{
    int err = K_EINVAL;
    if (IS_ALIGNED(base, PAGE_SIZE) && nframes != 0 && nframes <= (PHYS_ADDR_MAX >> PAGE_SHIFT) &&
        base <= PHYS_ADDR_MAX - (nframes << PAGE_SHIFT)) {
        uint64_t irq = irqlock_acquire(&p->lock);
        err = region_free(p->regions, base, nframes << PAGE_SHIFT, REGION_DMA);
        if (err == K_OK) {
            p->list_full = false; /* free memory the list may grow into */
            p->freed += nframes;
        }
        irqlock_release(&p->lock, irq);
    }
    if (err == K_OK)
        return;
    if (err == K_EINVAL && (p->flags & FRAME_CHECK))
        panic("frame_free_run(0x%lx, %lu frames): not a run from frame_alloc_run", base, nframes);
    kprintf("frame_free_run(0x%lx, %lu frames): %s; run not freed\n", base, nframes,
            err == K_EINVAL ? "not a run from frame_alloc_run" : kerr_str(err));
}

phys_addr_t frame_alloc_huge(struct frame_pool *p)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    phys_addr_t pa = frame_area_take_huge(p); /* a whole area, given back or on the stack */
    irqlock_release(&p->lock, irq);
    if (pa != PHYS_NONE)
        return pa;
    return alloc_run(p, FRAME_HUGE_SIZE >> PAGE_SHIFT, FRAME_HUGE_SIZE, 0, 0, true);
}

void frame_free_huge(struct frame_pool *p, phys_addr_t pa)
{
    if (IS_ALIGNED(pa, FRAME_HUGE_SIZE)) {
        uint64_t irq = irqlock_acquire(&p->lock);
        bool taken = frame_area_free_huge(p, pa); /* one taken from the stack: the whole list */
        irqlock_release(&p->lock, irq);
        if (!taken)
            frame_free_run(p, pa, FRAME_HUGE_SIZE >> PAGE_SHIFT);
        return;
    }
    /* Half of one area and half of the next would pass frame_free_run(): refuse it here. */
    if (p->flags & FRAME_CHECK)
        panic("frame_free_huge(0x%lx): not 2 MiB aligned, not a frame from frame_alloc_huge", pa);
    kprintf("frame_free_huge(0x%lx): not 2 MiB aligned; not freed\n", pa);
}
