/* SPDX-License-Identifier: 0BSD */
/*
 * The page-frame manager (design and policy: docs/frame-allocator.md).
 *
 * Single frames: a stack of free frames kept inside the free frames, whose head free frame holds
 * up to FRAME_BATCH_MAX more free frame numbers, so a push or pop touches that one hot frame
 * (src/mm/frame_stack.h has the shape; bench/linked_alloc.c is the plain xv6-style list, a link in
 * every free frame, for comparison: each pop there reads a frame that may have gone cold).
 *
 * Seeding is lazy: frame_init() only scans the region list. When the stack is empty the next
 * frame comes from a seed cursor that walks down through a chunk carved from the top of the
 * highest free range, without touching the frame. Frames freed below FRAME_ISA_LIMIT go back to
 * the region list, so low memory stays contiguous for ISA DMA. Runs are the region list's job
 * (src/mm/frame_run.c), and src/mm/frame_drain.c gives stacked frames back to it for them.
 *
 * In front of the stack, each CPU has a cache of free frames (src/mm/frame_cache.c): frame_alloc()
 * and frame_free() below touch only the current CPU's cache, with interrupts off and no lock, and
 * go to the stack under its lock only a batch at a time (bench/locked_pool.c takes the lock on
 * every call instead, to compare).
 * The stack, the cursor and the region list are under the pool's lock; it is released before any
 * panic so host tests can go on.
 */
#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "frame_internal.h"

_Static_assert(sizeof(struct frame_batch) == PAGE_SIZE, "a batch must fill exactly one frame");

#define FRAME_ALL_FLAGS (FRAME_CHECK | FRAME_POISON | FRAME_NO_AREAS)

int frame_init(struct frame_pool *p, struct region_list *regions, unsigned flags)
{
    const struct region *r;

    if (flags & ~FRAME_ALL_FLAGS) {
        kprintf("frame_init: unknown flags 0x%x\n", flags & ~FRAME_ALL_FLAGS);
        return K_EINVAL;
    }
    *p = (struct frame_pool){
        .lock = IRQLOCK_INIT("frame pool", LOCK_RANK_FRAME_POOL),
        .collect_lock = IRQLOCK_INIT("frame caches", LOCK_RANK_FRAME_COLLECT),
        .flags = flags,
        .head = PHYS_NONE,
        .whole = PHYS_NONE,
        .patience = FRAME_CACHE_PATIENCE,
    };
    p->regions = regions;
    /* Frames only ever come from free ranges, so the highest of them bounds every valid free. */
    region_for_each(regions, r)
    {
        if (r->tag == REGION_FREE)
            p->end = MAX(p->end, ALIGN_DOWN(r->end, PAGE_SIZE));
    }
    if (!flags) /* debug pools go frame by frame and keep no counts; nor does FRAME_NO_AREAS */
        p->area_dir[0] = p->area_low;
    if (flags & FRAME_CHECK)
        return frame_check_init(p);
    return K_OK;
}

/*
 * Gives the seed cursor a new chunk: the top FRAME_SEED_CHUNK (or less) of the highest free
 * range at or above floor, so single frames use high memory first and the free ranges shrink
 * from their tops without being split. Nothing inside the chunk is touched.
 * Return: false when no free frame is left there (or the list cannot record the chunk).
 */
static bool seed_from_list(struct frame_pool *p, phys_addr_t floor)
{
    struct region_list *l = p->regions;

    for (size_t i = l->count; i-- > 0;) {
        const struct region *r = &l->regions[i];
        if (r->tag != REGION_FREE || r->base >= p->end || r->end <= floor)
            continue;
        phys_addr_t lo = ALIGN_UP(MAX(r->base, floor), PAGE_SIZE);
        phys_addr_t hi = ALIGN_DOWN(MIN(r->end, p->end), PAGE_SIZE);
        if (lo >= hi)
            continue; /* a sliver smaller than a frame */
        phys_addr_t base = hi - MIN(hi - lo, FRAME_SEED_CHUNK);
        /* Within one 4 GiB, whose page of area counts the chunk may have to give. */
        base = MAX(base, ALIGN_DOWN(hi - 1, (phys_addr_t)1 << FRAME_AREA_PAGE));
        int err = region_reserve(l, base, hi, REGION_FRAMES);
        /* No slot for the split: take the whole range, which needs none. */
        if (err == K_ENOMEM && lo == r->base)
            err = region_reserve(l, base = lo, hi, REGION_FRAMES);
        if (err != K_OK) {
            kprintf("frame: cannot take [0x%lx, 0x%lx) from %s: %s\n", base, hi, l->name,
                    kerr_str(err));
            continue;
        }
        frame_area_page(p, &base, hi);
        p->seed_base = base;
        p->seed_next = hi;
        return true;
    }
    return false;
}

/*
 * A new chunk for the seed cursor, in the order single frames should break memory: free ranges
 * above the ISA limit, then a whole 2 MiB area (one that left the stack whole, or a 2 MiB frame
 * given back), then the memory below FRAME_ISA_LIMIT that DMA runs need, last. Without the
 * middle step, a pool whose freed areas all went whole would seed single frames from ISA memory
 * while whole areas wait (the region list then fragments there and grows its own storage).
 * Return: false when no free frame is left.
 */
static __attribute__((noinline)) bool seed_refill(struct frame_pool *p)
{
    if (seed_from_list(p, frame_isa_limit))
        return true;
    phys_addr_t w = frame_area_take_whole(p);
    if (w == PHYS_NONE)
        return seed_from_list(p, 0);
    p->seeded -= FRAME_HUGE_SIZE >> PAGE_SHIFT;
    p->seed_base = w;
    p->seed_next = w + FRAME_HUGE_SIZE;
    return true;
}

/* The next frame from the seed cursor. Return: it, or PHYS_NONE when memory is exhausted. */
static inline phys_addr_t seed_take(struct frame_pool *p)
{
    if (p->seed_next == p->seed_base && !seed_refill(p))
        return PHYS_NONE;
    p->seed_next -= PAGE_SIZE;
    return p->seed_next;
}

uint64_t frame_seed_take(struct frame_pool *p, uint64_t max, phys_addr_t *hi)
{
    if (p->seed_next == p->seed_base && !seed_refill(p))
        return 0;
    uint64_t n = MIN(max, (p->seed_next - p->seed_base) >> PAGE_SHIFT);
    *hi = p->seed_next;
    p->seed_next -= n << PAGE_SHIFT;
    p->seeded += n;
    return n;
}

phys_addr_t frame_pool_pop(struct frame_pool *p, enum frame_source *src)
{
    phys_addr_t pa = frame_stack_pop(p, src);
    if (pa == PHYS_NONE) {
        pa = seed_take(p);
        *src = FRAME_FROM_SEED;
        if (pa != PHYS_NONE)
            p->seeded++;
    }
    return pa;
}

phys_addr_t frame_pool_alloc(struct frame_pool *p)
{
    enum frame_source src;
    uint64_t irq = irqlock_acquire(&p->lock);
    phys_addr_t pa = frame_pool_pop(p, &src);
    if (pa != PHYS_NONE && (p->flags & FRAME_DEBUG_FLAGS))
        frame_check_alloc(p, pa, src, irq);
    irqlock_release(&p->lock, irq);
    return pa;
}

/*
 * frame_alloc() off its fast path; ends the cache section the fast path began. Out of line, so
 * the fast path holds nothing across a call and saves no registers.
 */
static __attribute__((noinline)) phys_addr_t alloc_other(struct frame_pool *p,
                                                         struct frame_cache *c, uint64_t irq)
{
    frame_cache_enter(c); /* count is read again after this: an NMI may have emptied the cache */
    phys_addr_t pa = frame_cache_alloc_slow(p, c);
    frame_cache_leave(c);
    arch_irq_restore(irq);
    return pa;
}

/*
 * The fast paths live in their own section (FRAME_FAST): an NMI that interrupts them leaves the
 * cache alone (the kernel's NMI handler sees its RIP there), so they need no busy mark of their
 * own; what they defer they do at their end (frame_cache_answer()).
 */
FRAME_FAST phys_addr_t frame_alloc(struct frame_pool *p)
{
    uint64_t irq = arch_irq_save();
    struct frame_cache *c = &p->caches[arch_cpu_index()];

    /* The fast path (no checks): the last frame of this CPU's cache. No lock, no atomic. */
    uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    if ((p->flags & FRAME_DEBUG_FLAGS) || n == 0)
        return alloc_other(p, c, irq);
    phys_addr_t pa = c->frames[n - 1];
    __atomic_store_n(&c->count, n - 1, __ATOMIC_RELAXED);
    __atomic_store_n(&c->allocs, c->allocs + 1, __ATOMIC_RELAXED);
    frame_cache_answer(c);
    arch_irq_restore(irq);
    return pa;
}

phys_addr_t frame_alloc_zeroed(struct frame_pool *p)
{
    phys_addr_t pa = frame_alloc(p);
    if (pa != PHYS_NONE)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

/*
 * Whether freeing pa only moves a boundary of the list: pa is the first or last frame of its
 * entry and the free range next to it touches it. Such a free needs no new slot.
 */
static bool joins_free(const struct region_list *l, phys_addr_t pa)
{
    const struct region *r = region_lookup(l, pa);
    if (!r || r->tag != REGION_FRAMES)
        return true; /* not ours: let region_free() say so */
    if (r->base == pa && r > l->regions && r[-1].end == pa && r[-1].tag == REGION_FREE)
        return true;
    return r->end == pa + PAGE_SIZE && r + 1 < l->regions + l->count && r[1].base == r->end &&
           r[1].tag == REGION_FREE;
}

/*
 * A frame below FRAME_ISA_LIMIT goes back to the region list, where it merges into the free
 * ranges that DMA runs come from. Once the list had no slot for one (it could not grow), the
 * next ones go back only where they join free memory (no slot needed), and the others are
 * stacked, until a run is freed or a run request drains or reclaims (list_full): asking for room
 * again would search the list in vain each time, and say so each time. A drain gives the stacked
 * ones back when a run needs them. Return: false if the frame is to be stacked.
 */
static __attribute__((noinline)) bool free_low(struct frame_pool *p, phys_addr_t pa, uint64_t irq)
    REQUIRES(p->lock);
static __attribute__((noinline)) bool free_low(struct frame_pool *p, phys_addr_t pa, uint64_t irq)
{
    int err = K_EINVAL; /* a frame the cursor still holds must not become free twice over */
    if ((pa < p->seed_base || pa >= p->seed_next) && (!p->list_full || joins_free(p->regions, pa)))
        err = region_free(p->regions, pa, PAGE_SIZE, REGION_FRAMES);
    else if (pa < p->seed_base || pa >= p->seed_next)
        err = K_ENOMEM;
    if (err == K_ENOMEM) {
        p->list_full = true;
        return false;
    }
    if (err != K_OK) { /* not a frame of ours; costs nothing to notice here, so never ignored */
        irqlock_release(&p->lock, irq);
        frame_bad_free(p, pa);
    }
    return true;
}

void frame_pool_free(struct frame_pool *p, phys_addr_t pa)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    /* The cheap checks stay on in release: a bad address on the stack would corrupt memory. */
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= p->end) {
        irqlock_release(&p->lock, irq);
        frame_bad_free(p, pa);
    }
    if (p->flags & FRAME_DEBUG_FLAGS)
        frame_check_free(p, pa, irq);
    if (pa < frame_isa_limit && free_low(p, pa, irq)) {
        p->seeded--; /* back in the region list */
        p->freed++;
    } else {
        frame_stack_push(p, pa);
    }
    irqlock_release(&p->lock, irq);
}

/* frame_free() off its fast path; ends the cache section, as alloc_other() does. */
static __attribute__((noinline)) void free_other(struct frame_pool *p, struct frame_cache *c,
                                                 phys_addr_t pa, uint64_t irq)
{
    frame_cache_enter(c);
    frame_cache_free_slow(p, c, pa);
    frame_cache_leave(c);
    arch_irq_restore(irq);
}

FRAME_FAST void frame_free(struct frame_pool *p, phys_addr_t pa)
{
    uint64_t irq = arch_irq_save();
    struct frame_cache *c = &p->caches[arch_cpu_index()];

    /* The fast path (no checks): a valid frame above the ISA limit, room in this CPU's cache. */
    uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    if ((p->flags & FRAME_DEBUG_FLAGS) || n == FRAME_CACHE_HIGH || !IS_ALIGNED(pa, PAGE_SIZE) ||
        pa < frame_isa_limit || pa >= p->end)
        return free_other(p, c, pa, irq);
    c->frames[n] = pa;
    __atomic_store_n(&c->count, n + 1, __ATOMIC_RELAXED);
    __atomic_store_n(&c->frees, c->frees + 1, __ATOMIC_RELAXED);
    frame_cache_answer(c);
    arch_irq_restore(irq);
}

void frame_get_stats(struct frame_pool *p, struct frame_stats *s)
{
    uint64_t by_tag[REGION_TAG_COUNT] = {0};
    uint64_t total = 0;
    const struct region *r;

    uint64_t irq = irqlock_acquire(&p->lock);
    region_for_each(p->regions, r)
    {
        /* Firmware-reserved ranges are mostly not RAM (PCI holes, ROMs, a 1 TiB window). */
        if (r->tag == REGION_FIRMWARE || r->tag == REGION_BAD || r->tag >= REGION_TAG_COUNT)
            continue;
        total += r->end - r->base;
        by_tag[r->tag] += r->end - r->base;
    }
    /*
     * Reserved is what the list says is neither free, ours, nor a run; stacked, the cursor and
     * out are our own counters, so the sum only adds up if they agree with the list's
     * REGION_FRAMES bytes.
     */
    uint64_t free = frame_stack_count(p) + frame_caches_held(p) + p->whole_frames;
    s->total = total;
    s->stacked = free * PAGE_SIZE;
    s->unseeded = by_tag[REGION_FREE] + (p->seed_next - p->seed_base);
    s->reserved = total - by_tag[REGION_FREE] - by_tag[REGION_FRAMES] - by_tag[REGION_DMA];
    s->in_use = (p->seeded - free) * PAGE_SIZE + by_tag[REGION_DMA];
    irqlock_release(&p->lock, irq);
}

void frame_print_stats(struct frame_pool *p)
{
    struct frame_stats s;
    char total[24], avail[24], stacked[24], unseeded[24], reserved[24], in_use[24];

    frame_get_stats(p, &s);
    kprintf("frames: %s total, %s free (%s stacked, %s unseeded), %s reserved, %s in use\n",
            kformat_size(total, sizeof(total), s.total),
            kformat_size(avail, sizeof(avail), s.stacked + s.unseeded),
            kformat_size(stacked, sizeof(stacked), s.stacked),
            kformat_size(unseeded, sizeof(unseeded), s.unseeded),
            kformat_size(reserved, sizeof(reserved), s.reserved),
            kformat_size(in_use, sizeof(in_use), s.in_use));
}
