/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the page-frame manager's files (src/mm/frame.c: single frames and stats; frame_run.c:
 * runs; frame_drain.c: giving stacked frames back to the region list; frame_check.c: debug
 * checks); not an API.
 */
#ifndef FRAME64_MM_FRAME_INTERNAL_H
#define FRAME64_MM_FRAME_INTERNAL_H

#include <frame64/frame.h>
#include <frame64/phys.h>

#include "frame_stack.h"

#define FRAME_DEBUG_FLAGS (FRAME_CHECK | FRAME_POISON)

/*
 * The FRAME_CHECK bitmap is changed atomically: CPUs allocating from their caches set and clear
 * bits of the same word without the pool's lock.
 */
static inline bool frame_inuse_test(const struct frame_pool *p, phys_addr_t pa)
{
    uint64_t i = pa >> PAGE_SHIFT;
    return (__atomic_load_n(&p->inuse[i >> 6], __ATOMIC_RELAXED) >> (i & 63)) & 1;
}

static inline void frame_inuse_flip(struct frame_pool *p, phys_addr_t pa)
{
    uint64_t i = pa >> PAGE_SHIFT;
    __atomic_fetch_xor(&p->inuse[i >> 6], (uint64_t)1 << (i & 63), __ATOMIC_RELAXED);
}

/* Sets (on) or clears pa's bit. Return: what the bit was. */
static inline bool frame_inuse_set(struct frame_pool *p, phys_addr_t pa, bool on)
{
    uint64_t i = pa >> PAGE_SHIFT, bit = (uint64_t)1 << (i & 63);
    uint64_t old = on ? __atomic_fetch_or(&p->inuse[i >> 6], bit, __ATOMIC_RELAXED)
                      : __atomic_fetch_and(&p->inuse[i >> 6], ~bit, __ATOMIC_RELAXED);
    return old & bit;
}

/*
 * The per-CPU caches' side of the slow paths (src/mm/frame.c, frame_cache.c, frame_run.c): busy
 * marks this CPU as changing its cache, so its own NMI handler (frame_cache_nmi()) leaves the
 * cache be. busy is read only by that handler, on this CPU, so ordering it against the cache
 * needs no fence, only that the compiler keeps the order. The fast paths need no mark: they lie
 * in their own section, frame_fast, and frame_cache_nmi() recognises them by the interrupted RIP.
 * The name is a C identifier so that linkers define __start_frame_fast and __stop_frame_fast by
 * themselves; a kernel linker script that places the section must define them (boot/linker.ld).
 */
#define FRAME_FAST __attribute__((noinline, section("frame_fast")))
extern const char __start_frame_fast[], __stop_frame_fast[];

/*
 * FRAME_ISA_LIMIT (frame_config.h) as an object for the "is this frame ISA memory" tests: with
 * -DFRAME_ISA_LIMIT=0 (no ISA zone) the macro would make them "pa < 0", which gcc's
 * -Wtype-limits rejects under -Werror.
 */
static const phys_addr_t frame_isa_limit = FRAME_ISA_LIMIT;

static inline void frame_cache_enter(struct frame_cache *c)
{
    __atomic_store_n(&c->busy, 1, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* If asked: copies the cache into handoff[] for the CPU that asked and tells it (NMI, or marked).
 */
void frame_cache_hand_over(struct frame_cache *c);

/* frame_cache_hand_over() outside an NMI: marked busy, so a second kick cannot run it too. */
void frame_cache_hand_over_marked(struct frame_cache *c);

/* Hands the cache over if another CPU asked while this one was changing it. */
static inline void frame_cache_answer(struct frame_cache *c)
{
    if (__builtin_expect(__atomic_load_n(&c->asked, __ATOMIC_ACQUIRE), 0))
        frame_cache_hand_over_marked(c);
}

/* Done changing the cache: unmark it and answer what was deferred meanwhile. */
static inline void frame_cache_leave(struct frame_cache *c)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    __atomic_store_n(&c->busy, 0, __ATOMIC_RELAXED);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    frame_cache_answer(c);
}

/*
 * In debug pools (FRAME_POISON) a cached entry's low bits say how far the frame is poisoned:
 * its enum frame_source when it left the stack (a head frame keeps its links, a seeded one was
 * never poisoned). Pools without checks store plain addresses.
 */
#define FRAME_CACHED_SOURCE 3ull

/* frame_alloc() with the cache empty or checks on. */
phys_addr_t frame_cache_alloc_slow(struct frame_pool *p, struct frame_cache *c);

/* frame_free() with the cache full, checks on, or a frame the cache does not take. */
void frame_cache_free_slow(struct frame_pool *p, struct frame_cache *c, phys_addr_t pa);

/*
 * Moves every CPU's cached frames onto the shared stack (this CPU's directly, the others' by
 * asking and kicking them). Call inside frame_cache_enter() on this CPU, without the pool's lock.
 * Return: whether any frame moved.
 */
bool frame_caches_collect(struct frame_pool *p);

/* Frames the caches hold (handed over and not yet collected included), read as they are now. */
uint64_t frame_caches_held(const struct frame_pool *p);

/* The next free frame of the shared stack or the seed cursor (lock held), no checks. */
phys_addr_t frame_pool_pop(struct frame_pool *p, enum frame_source *src) REQUIRES(p->lock);

/*
 * Up to max frames from the seed cursor at once (lock held), O(1): they are [*hi - n frames, *hi),
 * handed out from the top down. Return: n, 0 when memory is exhausted.
 */
uint64_t frame_seed_take(struct frame_pool *p, uint64_t max, phys_addr_t *hi) REQUIRES(p->lock);

/*
 * The shared stack's own locked entry points, every check included: what a pool with no cache in
 * front would do. frame_free() sends low and bad frames here; the one-lock comparison
 * (bench/locked_pool.c) and tests that need the stack without a cache call both.
 */
phys_addr_t frame_pool_alloc(struct frame_pool *p);
void frame_pool_free(struct frame_pool *p, phys_addr_t pa);

/* The widest slice one drain round collects (what one directory frame of bitmap leaves covers). */
#define FRAME_DRAIN_SPAN (64 * GiB)

/* What one drain round (frame_drain_round()) did. */
enum frame_drain_result {
    FRAME_DRAIN_NONE,    /* no stacked frame lies in the window: nothing changed */
    FRAME_DRAIN_DONE,    /* frames went back to the region list (as many as were worth it) */
    FRAME_DRAIN_STALLED, /* the list could not hold the result: every frame is still stacked */
};

/* A drain request for the frames of [lo, hi), updated by each round to what is left. */
struct frame_drain_req {
    phys_addr_t lo, hi;   /* the window still to drain */
    phys_addr_t whole_lo; /* the window as it started (its edges force nothing) */
    phys_addr_t whole_hi;
    bool bottom_up;    /* rounds go up from lo (a ceiling), else down from hi */
    uint64_t min_size; /* crumbs shorter than this that touch no free range stay stacked */
};

/*
 * One drain round, lock held (irq is what releasing it needs before a panic): collects the
 * stacked frames of one slice of the window (at most FRAME_DRAIN_SPAN) into a bitmap built in
 * free frames, gives them to the region list as maximal ranges in one merge, stacks the rest
 * again. Return: what happened (enum frame_drain_result).
 */
int frame_drain_round(struct frame_pool *p, struct frame_drain_req *r, uint64_t irq);

/*
 * Walks the whole stack once, lock held, pushing every live frame again and dropping the stale
 * ones, so that areas waiting for the stack's nodes in them go onto the whole list
 * (src/mm/frame_area.c): what a run does before its drain rounds when areas wait, and what
 * frame_settle() does after its rounds.
 */
void frame_drain_purge(struct frame_pool *p, uint64_t irq);

/* Carves and zeroes the FRAME_CHECK bitmap. Return: K_OK or K_ENOMEM. */
int frame_check_init(struct frame_pool *p);

/* Debug checks on a frame being freed (lock held), then poisons it. Releases the lock to panic. */
void frame_check_free(struct frame_pool *p, phys_addr_t pa, uint64_t irq) REQUIRES(p->lock);

/*
 * Debug checks on a frame frame_pool_alloc() hands out (lock held): stack corruption, in-use bit,
 * poison. Releases the lock with irq before it panics.
 */
void frame_check_alloc(struct frame_pool *p, phys_addr_t pa, enum frame_source src, uint64_t irq)
    REQUIRES(p->lock);

/* Checks on a frame moving from the stack to a cache (lock held): see frame_check.c. */
void frame_check_refill(struct frame_pool *p, phys_addr_t pa, enum frame_source src, uint64_t irq)
    REQUIRES(p->lock);

/* Checks on a frame handed out of a cache (no lock): the in-use bit, the poison. */
void frame_check_handout(struct frame_pool *p, phys_addr_t pa, enum frame_source src);

/* Checks on a frame freed into a cache (no lock), then poisons it. */
void frame_check_cached_free(struct frame_pool *p, phys_addr_t pa);

/* A cached entry going back to the stack (lock held): its frame, poisoned all through again. */
phys_addr_t frame_check_restack(struct frame_pool *p, phys_addr_t entry);

/* Says what is wrong with freeing pa and panics. Call with the lock released. */
__attribute__((noreturn)) void frame_bad_free(struct frame_pool *p, phys_addr_t pa);

#endif
