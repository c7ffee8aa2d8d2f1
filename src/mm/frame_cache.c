/* SPDX-License-Identifier: 0BSD */
/*
 * Per-CPU frame caches (docs/frame-allocator.md, "Per-CPU caches"), in front of the shared
 * stack the way Linux's per-CPU page lists are: the fast paths in src/mm/frame.c pop and push
 * this CPU's cache with interrupts off and neither a lock nor an atomic read-modify-write; what
 * is here runs once per FRAME_CACHE_BATCH operations, or when checks are on, or when the frames
 * parked in caches are needed elsewhere. A refill or a spill moves a whole node of the stack
 * (a magazine) under the pool's lock with three stores for the links, and one count per frame
 * for its 2 MiB area (src/mm/frame_area.h); a spill writes the node's frame numbers outside it.
 *
 * Only a cache's CPU ever touches its frames[]. Another CPU that needs them (for a run, a
 * reclaim, or because memory ran out) sets the cache's asked flag and kicks the CPU (an NMI in
 * the kernel); the owner copies its frames into handoff[] and clears asked with a release store,
 * and the asker, having seen asked clear with an acquire load, pushes them onto the stack. The
 * owner does this in its NMI handler unless the NMI interrupted it changing its cache (busy);
 * then frame_cache_leave() does it a few instructions later. Handing over takes no lock, so an
 * NMI can never wait for a lock its own CPU holds. One CPU at a time collects (collect_lock),
 * and while it waits for that lock a CPU hands over its own cache when asked, so two collectors
 * cannot wait for each other.
 */
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>

#include "frame_internal.h"

/*
 * How long a collector waits for a CPU to hand its cache over, in spins of arch_relax(). With a
 * kick, a CPU that has not answered after the pool's patience (FRAME_CACHE_PATIENCE: 2^16 kicks,
 * seconds even emulated) cannot: its NMIs are not delivered, or it is stuck with its cache marked
 * busy. That is a broken invariant, and the collector panics naming the CPU rather than let a run
 * fail while frames sit cached. Without a kick (host threads) a CPU answers only when it next
 * allocates or frees, so a collector waits FRAME_CACHE_WAIT spins and goes on without that cache.
 */
#define FRAME_CACHE_WAIT (1u << 24)

/* How often (spins) the collector kicks a CPU that has not answered yet. */
#define FRAME_CACHE_REKICK (1u << 12)

static uint32_t load(const uint32_t *v)
{
    return __atomic_load_n(v, __ATOMIC_ACQUIRE);
}

void frame_cache_hand_over(struct frame_cache *c)
{
    /*
     * Asked still? The NMI may have answered between the caller's look and here (in a call's
     * prologue, before the busy mark): answering twice would overwrite handed with nothing.
     */
    if (!load(&c->asked))
        return;
    uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    memcpy(c->handoff, c->frames, n * sizeof(c->frames[0]));
    __atomic_store_n(&c->count, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&c->handed, n, __ATOMIC_RELAXED);
    __atomic_store_n(&c->asked, 0, __ATOMIC_RELEASE); /* publishes handoff[] and handed */
}

void frame_cache_hand_over_marked(struct frame_cache *c)
{
    uint32_t was = __atomic_load_n(&c->busy, __ATOMIC_RELAXED);
    __atomic_store_n(&c->busy, 1, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    frame_cache_hand_over(c);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&c->busy, was, __ATOMIC_RELAXED);
}

bool frame_cache_nmi(struct frame_pool *p, uint64_t rip)
{
    struct frame_cache *c = &p->caches[arch_cpu_index()];
    if (!load(&c->asked))
        return false;
    bool in_fast_path = rip >= (uintptr_t)__start_frame_fast && rip < (uintptr_t)__stop_frame_fast;
    if (!in_fast_path && !__atomic_load_n(&c->busy, __ATOMIC_RELAXED))
        frame_cache_hand_over(c);
    /* Else the fast path or frame_cache_leave() answers at its end, or a later kick does. */
    return true;
}

void frame_set_kick(struct frame_pool *p, void (*kick)(struct frame_pool *p, unsigned cpu))
{
    p->kick = kick;
}

uint64_t frame_caches_held(const struct frame_pool *p)
{
    uint64_t n = 0;
    for (unsigned i = 0; i < CPU_MAX; i++)
        n += __atomic_load_n(&p->caches[i].count, __ATOMIC_RELAXED) +
             __atomic_load_n(&p->caches[i].handed, __ATOMIC_RELAXED);
    return n;
}

void frame_cache_get_stats(const struct frame_pool *p, unsigned cpu, struct frame_cache_stats *s)
{
    const struct frame_cache *c = &p->caches[cpu];
    s->allocs = __atomic_load_n(&c->allocs, __ATOMIC_RELAXED);
    s->frees = __atomic_load_n(&c->frees, __ATOMIC_RELAXED);
    s->allocs_locked = __atomic_load_n(&c->allocs_locked, __ATOMIC_RELAXED);
    s->frees_locked = __atomic_load_n(&c->frees_locked, __ATOMIC_RELAXED);
    s->cached = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
}

/* Pushes n cached entries onto the shared stack (lock held). */
static void restack(struct frame_pool *p, const phys_addr_t *e, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        frame_stack_push(p, p->flags & FRAME_POISON ? frame_check_restack(p, e[i]) : e[i]);
}

/*
 * Refills c one frame at a time through frame_pool_pop(), as a debug pool must (each frame is
 * checked as it leaves the stack), so that the frame the stack would have handed out next is the
 * cache's next too. Return: how many came.
 */
static uint32_t refill_checked(struct frame_pool *p, struct frame_cache *c)
{
    uint32_t n = 0;
    uint64_t irq = irqlock_acquire(&p->lock);
    for (enum frame_source src; n < FRAME_CACHE_BATCH; n++) {
        phys_addr_t pa = frame_pool_pop(p, &src);
        if (pa == PHYS_NONE)
            break;
        if (p->flags & FRAME_DEBUG_FLAGS)
            frame_check_refill(p, pa, src, irq);
        c->frames[n] = p->flags & FRAME_POISON ? pa | src : pa;
    }
    irqlock_release(&p->lock, irq);
    for (uint32_t i = 0; i < n / 2; i++) { /* the first popped goes out first */
        phys_addr_t e = c->frames[i];
        c->frames[i] = c->frames[n - 1 - i];
        c->frames[n - 1 - i] = e;
    }
    return n;
}

/*
 * Refills an empty c with a whole batch under the lock: the stack's head node as it is (the node
 * at the bottom of the cache, its entries above it in their order, so the cache hands them out
 * in the order single pops would have), or, from a node too large for the cache, its top
 * FRAME_CACHE_BATCH entries, or a range of the seed cursor (O(1)). The entries are copied under
 * the lock, each counted out of its 2 MiB area (stale ones dropped: frame_area.h).
 * Return: how many came.
 */
static uint32_t refill(struct frame_pool *p, struct frame_cache *c)
{
    if (p->flags & FRAME_DEBUG_FLAGS)
        return refill_checked(p, c);
    uint64_t irq = irqlock_acquire(&p->lock);
    uint64_t whole, n = 0;
    /* Entries all stale at the top of a large node give nothing: then the node itself. */
    while (n == 0 && (whole = frame_stack_head_frames(p)) != 0)
        n = whole <= FRAME_CACHE_HIGH ? frame_stack_pop_node(p, c->frames)
                                      : frame_stack_pop_entries(p, c->frames, FRAME_CACHE_BATCH);
    if (n != 0) {
        irqlock_release(&p->lock, irq);
        return (uint32_t)n;
    }
    phys_addr_t hi = 0;
    n = frame_seed_take(p, FRAME_CACHE_BATCH, &hi);
    irqlock_release(&p->lock, irq);
    for (uint64_t i = 0; i < n; i++) /* the cursor hands out downward: hi - 1 frame first */
        c->frames[i] = hi - ((n - i) << PAGE_SHIFT);
    return (uint32_t)n;
}

/*
 * Whether a spill can be one node: the oldest frame of the batch holds the others' numbers.
 * Debug pools restack frame by frame instead, poisoning each (frame_check_restack()).
 */
#define SPILL_AS_NODE (FRAME_CACHE_BATCH - 1 <= FRAME_BATCH_MAX)

/*
 * Gives the oldest FRAME_CACHE_BATCH frames of a full cache back to the stack: as one node filled
 * before the lock is taken and linked under it (its entries counted for their areas there), the
 * oldest frame the node, so the stack hands them out in the order single pushes would have left.
 */
static void spill(struct frame_pool *p, struct frame_cache *c)
{
    uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    if (SPILL_AS_NODE && !(p->flags & FRAME_DEBUG_FLAGS)) {
        struct frame_batch *b = phys_to_virt(c->frames[0]);
        b->count = FRAME_CACHE_BATCH - 1;
        memcpy(b->frames, c->frames + 1, (FRAME_CACHE_BATCH - 1) * sizeof(c->frames[0]));
        uint64_t irq = irqlock_acquire(&p->lock);
        frame_stack_push_node(p, c->frames[0]);
        irqlock_release(&p->lock, irq);
    } else {
        uint64_t irq = irqlock_acquire(&p->lock);
        restack(p, c->frames, FRAME_CACHE_BATCH);
        irqlock_release(&p->lock, irq);
    }
    memmove(c->frames, c->frames + FRAME_CACHE_BATCH,
            (n - FRAME_CACHE_BATCH) * sizeof(c->frames[0]));
    __atomic_store_n(&c->count, n - FRAME_CACHE_BATCH, __ATOMIC_RELAXED);
}

/* One more on a counter only this CPU writes (others read it, relaxed). */
static void count(uint64_t *v)
{
    __atomic_store_n(v, *v + 1, __ATOMIC_RELAXED);
}

phys_addr_t frame_cache_alloc_slow(struct frame_pool *p, struct frame_cache *c)
{
    count(&c->allocs);
    uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    if (n == 0)
        count(&c->allocs_locked);
    if (n == 0 && (n = refill(p, c)) == 0) {
        /* Out of memory here; other CPUs' caches may still hold some. */
        if (!frame_caches_collect(p) || (n = refill(p, c)) == 0)
            return PHYS_NONE;
    }
    __atomic_store_n(&c->count, n, __ATOMIC_RELAXED);
    phys_addr_t e = c->frames[n - 1];
    __atomic_store_n(&c->count, n - 1, __ATOMIC_RELAXED);
    phys_addr_t pa = e & ~FRAME_CACHED_SOURCE;
    if (p->flags & FRAME_DEBUG_FLAGS)
        frame_check_handout(p, pa, (enum frame_source)(e & FRAME_CACHED_SOURCE));
    return pa;
}

void frame_cache_free_slow(struct frame_pool *p, struct frame_cache *c, phys_addr_t pa)
{
    count(&c->frees);
    /* Low frames go back to the region list, bad ones are reported: the stack's path does both. */
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa < frame_isa_limit || pa >= p->end) {
        count(&c->frees_locked);
        frame_pool_free(p, pa);
        return;
    }
    if (p->flags & FRAME_DEBUG_FLAGS)
        frame_check_cached_free(p, pa);
    if (__atomic_load_n(&c->count, __ATOMIC_RELAXED) == FRAME_CACHE_HIGH) {
        count(&c->frees_locked);
        spill(p, c);
    }
    uint32_t n = __atomic_load_n(&c->count, __ATOMIC_RELAXED);
    c->frames[n] = pa; /* poisoned all through: FRAME_FROM_SLOT, 0 */
    __atomic_store_n(&c->count, n + 1, __ATOMIC_RELAXED);
}

/* Takes what c handed over onto the stack (lock held). Return: how many frames. */
static uint32_t take_handed(struct frame_pool *p, struct frame_cache *c)
{
    if (load(&c->asked))
        return 0; /* asked, not answered yet: handoff[] is not ours to read */
    uint32_t n = __atomic_load_n(&c->handed, __ATOMIC_RELAXED);
    restack(p, c->handoff, n);
    __atomic_store_n(&c->handed, 0, __ATOMIC_RELAXED);
    return n;
}

/* Pushes this CPU's own cache onto the stack (lock held, cache section entered). */
static uint32_t restack_own(struct frame_pool *p, struct frame_cache *own)
{
    uint32_t n = __atomic_load_n(&own->count, __ATOMIC_RELAXED);
    restack(p, own->frames, n);
    __atomic_store_n(&own->count, 0, __ATOMIC_RELAXED);
    return n;
}

bool frame_caches_collect(struct frame_pool *p)
{
    unsigned self = arch_cpu_index();
    struct frame_cache *own = &p->caches[self];
    uint64_t irq, moved = 0;
    while (!irqlock_try_acquire(&p->collect_lock, &irq)) {
        frame_cache_hand_over(own); /* if asked: the collector may be waiting for this CPU */
        arch_relax();
    }
    frame_cache_hand_over(own); /* if asked by a collector that stopped waiting */
    /* Left over from a collector that stopped waiting: handoff[] must be empty to ask again. */
    uint64_t lock = irqlock_acquire(&p->lock);
    for (unsigned i = 0; i < CPU_MAX; i++)
        moved += take_handed(p, &p->caches[i]);
    irqlock_release(&p->lock, lock);

    bool asked[CPU_MAX] = {false};
    for (unsigned i = 0; i < CPU_MAX; i++) {
        struct frame_cache *c = &p->caches[i];
        if (i == self || (!load(&c->asked) && !__atomic_load_n(&c->count, __ATOMIC_RELAXED)))
            continue;
        asked[i] = true;
        __atomic_store_n(&c->asked, 1, __ATOMIC_SEQ_CST);
        if (p->kick)
            p->kick(p, i);
    }
    uint32_t wait = p->kick ? p->patience : FRAME_CACHE_WAIT;
    for (unsigned i = 0; i < CPU_MAX; i++) {
        uint32_t spins = 0;
        while (asked[i] && load(&p->caches[i].asked) && ++spins < wait) {
            /* A kick that found the CPU past its fast path's last look at asked is lost: again. */
            if (p->kick && spins % FRAME_CACHE_REKICK == 0)
                p->kick(p, i);
            arch_relax();
        }
        if (spins == wait && p->kick) {
            irqlock_release(&p->collect_lock, irq);
            panic("frame: CPU %u has not handed over its %u cached frames after %u kicks; its NMIs "
                  "are not delivered or it is stuck in its cache's slow path",
                  i, __atomic_load_n(&p->caches[i].count, __ATOMIC_RELAXED),
                  wait / FRAME_CACHE_REKICK);
        }
        if (spins == wait)
            kprintf("frame: CPU %u has not handed over its cached frames (no kick to ask it with); "
                    "going on without them\n",
                    i);
    }

    lock = irqlock_acquire(&p->lock);
    for (unsigned i = 0; i < CPU_MAX; i++)
        moved += take_handed(p, &p->caches[i]);
    moved += restack_own(p, own);
    irqlock_release(&p->lock, lock);
    irqlock_release(&p->collect_lock, irq);
    return moved != 0;
}

void frame_cache_drain(struct frame_pool *p)
{
    uint64_t irq = arch_irq_save();
    struct frame_cache *c = &p->caches[arch_cpu_index()];
    frame_cache_enter(c);
    frame_cache_hand_over(c); /* if a collector is waiting for these, they are its now */
    if (__atomic_load_n(&c->count, __ATOMIC_RELAXED)) { /* an empty cache costs no lock */
        uint64_t lock = irqlock_acquire(&p->lock);
        restack_own(p, c);
        irqlock_release(&p->lock, lock);
    }
    frame_cache_leave(c);
    arch_irq_restore(irq);
}
