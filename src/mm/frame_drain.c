/* SPDX-License-Identifier: 0BSD */
/*
 * Draining: giving stacked frames back to the region list, merged, so that runs can be carved
 * from them (docs/frame-allocator.md, "Runs after churn"). One round, lock held:
 *
 *   1. pop the top frame to serve as the directory, and survey the rest of the stack: whether a
 *      frame lies in the window (and, for a window wider than one round, the lowest and the
 *      highest);
 *   2. choose a slice of the window, at most FRAME_DRAIN_SPAN, at the bottom for a ceiling, at
 *      the top without one;
 *   3. take the whole stack off and walk it once: a frame in the slice sets its bit in a bitmap,
 *      any other frame is stacked again, a stale entry (its 2 MiB area went out whole) dropped;
 *   4. region_retag_sorted() hands the bitmap's maximal runs to the list (frames -> free) in one
 *      merge, skipping crumbs a run of the requested size cannot use;
 *   5. what the list did not take is stacked again; the directory frame joins the free memory
 *      next to it, or goes back on top.
 *
 * O(stacked frames + ranges), and no memory that was not free already: the bitmap (one bit per
 * frame, one "leaf" frame per 128 MiB, up to 512 leaves in the directory) is built in frames
 * being drained. A leaf is made from the first frame of its 128 MiB the walk meets, so that
 * frame's own bit lies in itself and it goes back to the list like the rest; the list may even
 * move into the memory given back, so the merge asks where the leaves are (drain_in_use()).
 */
#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "frame_internal.h"

#define LEAF_FRAMES (PAGE_SIZE * 8) /* frames one bitmap frame covers: 128 MiB */
#define LEAF_WORDS  (LEAF_FRAMES / 64)
#define DIR_LEAVES  (PAGE_SIZE / sizeof(phys_addr_t)) /* leaves one directory frame finds */

_Static_assert(FRAME_DRAIN_SPAN == DIR_LEAVES * LEAF_FRAMES * PAGE_SIZE,
               "a drain round covers exactly what one directory frame can find");

struct drain {
    struct region_ranges rr; /* first: the merge calls back with &rr */
    struct frame_pool *p;
    uint64_t irq;
    phys_addr_t lo, hi;      /* the slice: frames in [lo, hi) are collected */
    bool force_lo, force_hi; /* a range touching these edges goes back whatever its size */
    phys_addr_t *dir;        /* dir[i]: the leaf for frames lo + i * 128 MiB on, 0 if none yet */
    phys_addr_t dir_pa;      /* the directory frame itself */
    bool dir_joins;          /* it may follow into the list: ranges touching it go whatever
                                their size, so that it joins them (put_dir_back()) */
    uint64_t nframes;        /* (hi - lo) / PAGE_SIZE */
    uint64_t nleaves;
    uint64_t pos;    /* the ranges' cursor: the next frame index to look at */
    uint64_t cached; /* collect(): the leaf it used last, and that leaf's words */
    uint64_t *cached_w;
};

/* What a walk found among frames of the window. */
struct survey {
    uint64_t n;
    phys_addr_t low, high;
};

/*
 * The drain holds the pool's lock through d, which the compile-time analysis cannot tie to the
 * p its callers locked: this panic path, which drops it first, is outside the analysis.
 */
static __attribute__((noreturn)) void corrupt(const struct drain *d, phys_addr_t pa,
                                              const char *what) NO_THREAD_SAFETY_ANALYSIS;
static __attribute__((noreturn)) void corrupt(const struct drain *d, phys_addr_t pa,
                                              const char *what)
{
    irqlock_release(&d->p->lock, d->irq);
    panic("frame: drain: the free stack holds 0x%lx %s (free stack corrupted)", pa, what);
}

static uint64_t *leaf(const struct drain *d, uint64_t i)
{
    return d->dir[i] ? phys_to_virt(d->dir[i]) : NULL;
}

/* Sets the bit of frame pa (in the slice); pa becomes the leaf of its 128 MiB if it has none. */
static void collect(struct drain *d, phys_addr_t pa)
{
    uint64_t i = (pa - d->lo) >> PAGE_SHIFT, li = i / LEAF_FRAMES;
    uint64_t *w = d->cached_w;
    if (pa == d->dir_pa)
        corrupt(d, pa, "twice (freed twice?)");
    if (li != d->cached) {
        if (!d->dir[li]) {
            d->dir[li] = pa;
            memset(phys_to_virt(pa), 0, PAGE_SIZE);
        }
        w = d->cached_w = phys_to_virt(d->dir[li]);
        d->cached = li;
    }
    uint64_t bit = (uint64_t)1 << (i % 64), k = i % LEAF_FRAMES / 64;
    if (w[k] & bit)
        corrupt(d, pa, "twice (freed twice?)");
    w[k] |= bit;
}

/* The first frame index at or after pos whose bit is set (set) or clear, or nframes. */
static uint64_t find_bit(const struct drain *d, uint64_t pos, bool set)
{
    while (pos < d->nframes) {
        uint64_t li = pos / LEAF_FRAMES;
        const uint64_t *w = leaf(d, li);
        if (!w) { /* no leaf: every bit clear */
            if (!set)
                return pos;
            pos = (li + 1) * LEAF_FRAMES;
            continue;
        }
        uint64_t k = pos % LEAF_FRAMES / 64;
        uint64_t x = (set ? w[k] : ~w[k]) & (~(uint64_t)0 << (pos % 64));
        while (x == 0 && ++k < LEAF_WORDS)
            x = set ? w[k] : ~w[k];
        if (x)
            return MIN(li * LEAF_FRAMES + k * 64 + (uint64_t)__builtin_ctzll(x), d->nframes);
        pos = (li + 1) * LEAF_FRAMES;
    }
    return d->nframes;
}

static void drain_rewind(struct region_ranges *rr)
{
    ((struct drain *)rr)->pos = 0;
}

/* The next maximal run of set bits. */
static bool drain_next(struct region_ranges *rr, phys_addr_t *base, phys_addr_t *end, bool *force)
{
    struct drain *d = (struct drain *)rr;
    uint64_t s = find_bit(d, d->pos, true);
    if (s >= d->nframes)
        return false;
    uint64_t e = find_bit(d, s + 1, false);
    d->pos = e;
    *base = d->lo + (s << PAGE_SHIFT);
    *end = d->lo + (e << PAGE_SHIFT);
    *force = (d->force_lo && s == 0) || (d->force_hi && e == d->nframes) ||
             (d->dir_joins && (*end == d->dir_pa || *base == d->dir_pa + PAGE_SIZE));
    return true;
}

/* The list took [base, end): clear its bits, so that what is left set is what stays stacked. */
static void drain_taken(struct region_ranges *rr, phys_addr_t base, phys_addr_t end)
{
    struct drain *d = (struct drain *)rr;
    uint64_t i = (base - d->lo) >> PAGE_SHIFT, e = (end - d->lo) >> PAGE_SHIFT;
    while (i < e) {
        uint64_t *w = leaf(d, i / LEAF_FRAMES);
        uint64_t n = MIN(e - i, 64 - i % 64);
        uint64_t mask = (n == 64 ? ~(uint64_t)0 : ((uint64_t)1 << n) - 1) << (i % 64);
        w[i % LEAF_FRAMES / 64] &= ~mask;
        i += n;
    }
}

/* The lowest leaf in [base, end): the list must not move over the bitmap it is reading. */
static phys_addr_t drain_in_use(struct region_ranges *rr, phys_addr_t base, phys_addr_t end)
{
    const struct drain *d = (const struct drain *)rr;
    phys_addr_t low = PHYS_NONE;
    for (uint64_t i = 0; i < d->nleaves; i++)
        if (d->dir[i] && d->dir[i] >= base && d->dir[i] < end && d->dir[i] < low)
            low = d->dir[i];
    return low;
}

static void note(const struct drain *d, struct survey *s, phys_addr_t pa, phys_addr_t lo,
                 phys_addr_t hi)
{
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= d->p->end)
        corrupt(d, pa, "which is not a frame of the pool");
    if (pa < lo || pa >= hi)
        return;
    s->n++;
    s->low = MIN(s->low, pa);
    s->high = MAX(s->high, pa);
}

/* A node of the chain read from pa, checked: its entries can be trusted to be in the pool. */
static struct frame_stack_node read_node(const struct drain *d, phys_addr_t pa)
{
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= d->p->end)
        corrupt(d, pa, "which is not a frame of the pool");
    struct frame_stack_node n = frame_stack_read(pa);
    if (n.count > FRAME_BATCH_MAX)
        corrupt(d, pa, "as a batch of more than FRAME_BATCH_MAX frames");
    return n;
}

/* Notes node pa and the frames it holds. Return: the node below it. */
static phys_addr_t note_node(const struct drain *d, struct survey *s, phys_addr_t pa,
                             phys_addr_t lo, phys_addr_t hi)
{
    struct frame_stack_node n = read_node(d, pa);
    note(d, s, pa, lo, hi);
    for (uint64_t k = 0; k < n.count; k++)
        note(d, s, n.frames[k], lo, hi);
    return n.next;
}

/* Stacks pa again; dirty: it held data, which FRAME_POISON must not mistake for a stray write. */
static void restack(struct frame_pool *p, phys_addr_t pa, bool dirty)
{
    if (dirty && (p->flags & FRAME_POISON))
        memset(phys_to_virt(pa), FRAME_POISON_BYTE, PAGE_SIZE);
    frame_stack_push(p, pa);
}

/*
 * The walk of the detached chain from pa: frames in the slice are
 * collected, the others stacked again. Each batch is read (its frames, its link) before the batch
 * frame itself is placed, and a frame is only written (as a leaf or a new head) once nothing is
 * left to read in it.
 */
static void sort_out(struct drain *d, phys_addr_t pa)
{
    while (pa != PHYS_NONE) {
        struct frame_stack_node n = read_node(d, pa);
        for (uint64_t k = 0; k < n.count; k++) {
            phys_addr_t f = n.frames[k];
            if (!IS_ALIGNED(f, PAGE_SIZE) || f >= d->p->end)
                corrupt(d, f, "which is not a frame of the pool");
            if (frame_area_stale(d->p, f))
                continue; /* its area went out whole: dropped */
            if (f >= d->lo && f < d->hi)
                collect(d, f);
            else
                restack(d->p, f, false);
        }
        if (frame_area_stale(d->p, pa))
            ; /* its area is whole: dropped, as its entries are */
        else if (pa >= d->lo && pa < d->hi)
            collect(d, pa);
        else
            restack(d->p, pa, true); /* a node's entries hold frame numbers */
        pa = n.next;
    }
}

/* Stacks again every frame whose bit is still set; each leaf after its own bits are read. */
static void restack_rest(struct drain *d)
{
    for (uint64_t li = 0; li < d->nleaves; li++) {
        const uint64_t *w = leaf(d, li);
        if (!w)
            continue;
        phys_addr_t self = d->dir[li];
        bool self_left = false;
        for (uint64_t k = 0; k < LEAF_WORDS; k++) {
            for (uint64_t x = w[k]; x; x &= x - 1) {
                uint64_t i = li * LEAF_FRAMES + k * 64 + (uint64_t)__builtin_ctzll(x);
                phys_addr_t pa = d->lo + (i << PAGE_SHIFT);
                if (pa == self)
                    self_left = true;
                else
                    restack(d->p, pa, true);
            }
        }
        if (self_left)
            restack(d->p, self, true);
    }
}

/*
 * The directory frame (the frame that was on top) goes to the list if it lies in the window and
 * joins free memory there (or the request is a single frame), else back on top of the stack.
 * Return: whether the list took it (*stalled set if it had no slot for it).
 */
static bool put_dir_back(const struct drain *d, const struct frame_drain_req *r, phys_addr_t pa,
                         bool *stalled)
{
    const struct region_list *l = d->p->regions;
    if (pa >= r->whole_lo && pa < r->whole_hi) {
        const struct region *below = pa ? region_lookup(l, pa - 1) : NULL;
        const struct region *above = region_lookup(l, pa + PAGE_SIZE);
        if (r->min_size <= PAGE_SIZE || (below && below->tag == REGION_FREE) ||
            (above && above->tag == REGION_FREE)) {
            int err = region_free(d->p->regions, pa, PAGE_SIZE, REGION_FRAMES);
            if (err == K_OK)
                return true;
            if (err != K_ENOMEM)
                corrupt(d, pa, "but the region list says it is not the pool's");
            *stalled = true;
        }
    }
    restack(d->p, pa, true);
    return false;
}

/*
 * Chooses this round's slice among the window's frames s, and moves the window past it. A run
 * may straddle the edge between two rounds' slices, so the pieces either side of such an edge
 * go back whatever their size: the edge this round shares with an earlier one, and the edge at
 * which it was cut short of the window.
 */
static void choose_slice(struct drain *d, struct frame_drain_req *r, const struct survey *s)
{
    phys_addr_t lo = r->lo, hi = r->hi;
    if (hi - lo <= FRAME_DRAIN_SPAN) { /* the rest of the window in one slice: the last round */
        d->lo = lo;
        d->hi = hi;
        r->lo = r->hi = r->bottom_up ? hi : lo;
        d->force_lo = lo != r->whole_lo;
        d->force_hi = hi != r->whole_hi;
    } else if (r->bottom_up) {
        d->lo = s->low;
        d->hi = hi - d->lo > FRAME_DRAIN_SPAN ? d->lo + FRAME_DRAIN_SPAN : hi;
        r->lo = d->hi;
        d->force_lo = d->lo == lo && lo != r->whole_lo;
        d->force_hi = d->hi < hi;
    } else {
        d->hi = s->high + PAGE_SIZE;
        d->lo = d->hi - lo > FRAME_DRAIN_SPAN ? d->hi - FRAME_DRAIN_SPAN : lo;
        r->hi = d->lo;
        d->force_hi = d->hi == hi && hi != r->whole_hi;
        d->force_lo = d->lo > lo;
    }
    d->nframes = (d->hi - d->lo) >> PAGE_SHIFT;
    d->nleaves = (d->nframes + LEAF_FRAMES - 1) / LEAF_FRAMES;
}

void frame_drain_purge(struct frame_pool *p, uint64_t irq)
{
    struct drain d = {.p = p, .irq = irq, .cached = UINT64_MAX}; /* an empty slice */
    frame_area_drain_begin(p);
    sort_out(&d, frame_stack_detach(p)); /* every live frame pushed again, stale ones dropped */
    frame_area_drain_end(p);
}

int frame_drain_round(struct frame_pool *p, struct frame_drain_req *r, uint64_t irq)
{
    struct drain d = {
        .rr = {drain_rewind, drain_next, drain_taken, drain_in_use},
        .p = p,
        .irq = irq,
        .cached = UINT64_MAX,
    };
    if (frame_stack_first(p) == PHYS_NONE || r->lo >= r->hi)
        return FRAME_DRAIN_NONE;
    /* Free frames off the list: an area completed by the restacking moves from one to the other. */
    uint64_t stacked = frame_stack_count(p) + p->whole_frames;
    bool stalled = false;
    enum frame_source src;
    phys_addr_t dir = frame_stack_pop(p, &src);
    if (dir == PHYS_NONE) /* only stale frames were left: dropping them freed whole areas */
        return p->whole != PHYS_NONE ? FRAME_DRAIN_DONE : FRAME_DRAIN_NONE;
    struct survey s = {.low = PHYS_NONE};
    /* One slice for the whole window needs no bounds: one frame inside is enough to go on. */
    bool one_slice = r->hi - r->lo <= FRAME_DRAIN_SPAN;
    for (phys_addr_t pa = frame_stack_first(p); pa != PHYS_NONE && !(one_slice && s.n);)
        pa = note_node(&d, &s, pa, r->lo, r->hi);
    int res = FRAME_DRAIN_NONE;
    if (s.n) {
        choose_slice(&d, r, &s);
        d.dir = phys_to_virt(dir);
        d.dir_pa = dir;
        d.dir_joins = dir >= r->whole_lo && dir < r->whole_hi;
        memset(d.dir, 0, PAGE_SIZE);
        frame_area_drain_begin(p);           /* counts restart with what is pushed back */
        sort_out(&d, frame_stack_detach(p)); /* everything comes off the stack */
        phys_addr_t bad;
        int err =
            region_retag_sorted(p->regions, &d.rr, REGION_FRAMES, REGION_FREE, r->min_size, &bad);
        if (err == K_EINVAL)
            corrupt(&d, bad, "but the region list does not have it as the pool's");
        if (err != K_OK) {
            kprintf("frame: drain: no room in %s for the free ranges of [0x%lx, 0x%lx); they "
                    "stay stacked\n",
                    p->regions->name, d.lo, d.hi);
            stalled = true;
        }
        restack_rest(&d);
        frame_area_drain_end(p); /* no stale entry is left */
        res = FRAME_DRAIN_DONE;
    }
    if (stalled)
        restack(p, dir, true);
    else if (put_dir_back(&d, r, dir, &stalled))
        res = FRAME_DRAIN_DONE;
    p->seeded = p->seeded - stacked + frame_stack_count(p) + p->whole_frames;
    return stalled ? FRAME_DRAIN_STALLED : res;
}
