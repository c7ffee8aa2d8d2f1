/* SPDX-License-Identifier: 0BSD */
/*
 * region_retag_sorted(): retagging many ranges in one pass over the list. Painting them one at a
 * time would move the tail of the list once per range (O(ranges * entries)); here the list is
 * merged with the sorted ranges like two sorted sequences, O(entries + ranges) per pass.
 *
 * Three passes over the same input, all through merge_pass(), so they cannot disagree: a count
 * pass (how many entries the result has, and how far ahead of its input the output ever runs), a
 * placement pass when the list must move to bigger storage (where the highest free run of the
 * result lies), and the pass that writes. When the result fits, it is written over the list
 * itself: the entries are first moved up by the output's greatest lead over its input, so the
 * writes never overtake the reads. Otherwise it is written into new storage, taken (like
 * region_grow() in region.c does) from the highest free memory of the result below grow_limit;
 * that memory may be part of the ranges being freed, provided the source says it does not read
 * from it.
 */
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/region.h>

#include "region_internal.h"

/* One pass: its input, its output (or none), and what it measured. */
struct merge {
    const struct region_list *l;
    const struct region *old; /* the entries as they were, l->count of them */
    struct region_ranges *src;
    uint32_t from, to;
    uint64_t min_size;
    struct region *out; /* NULL: count only */
    bool final;         /* the writing pass: tell the source what was taken */
    size_t n;           /* entries flushed */
    struct region cur;  /* the entry being built, not yet flushed */
    bool have;
    size_t lead;       /* max over input entries i of (output entries so far) - (i + 1) */
    size_t taken;      /* ranges retagged */
    uint64_t room;     /* placement pass: bytes wanted; 0 in the other passes */
    phys_addr_t limit; /* placement pass: the storage must end at or below this */
    phys_addr_t best;  /* placement pass: the highest base found, PHYS_NONE if none */
    phys_addr_t bad;   /* the first range that does not lie inside one `from` entry */
};

/* A free entry of the result that can hold the new storage: keep the highest place in it. */
static void consider(struct merge *m, phys_addr_t base, phys_addr_t end)
{
    phys_addr_t lo = MAX(ALIGN_UP(base, PAGE_SIZE), PAGE_SIZE); /* page 0 means "no storage" */
    phys_addr_t hi = ALIGN_DOWN(MIN(end, m->limit), PAGE_SIZE);
    while (lo < hi && hi - lo >= m->room) {
        phys_addr_t used = m->src->in_use(m->src, hi - m->room, hi);
        if (used == PHYS_NONE) {
            m->best = hi - m->room; /* entries come in address order: later is higher */
            return;
        }
        hi = ALIGN_DOWN(used, PAGE_SIZE);
    }
}

static void flush(struct merge *m)
{
    if (m->out)
        m->out[m->n] = m->cur;
    if (m->room && m->cur.tag == REGION_FREE)
        consider(m, m->cur.base, m->cur.end);
    m->n++;
}

/* Appends [base, end) with tag to the result, merged with the entry before it if they touch. */
static void emit(struct merge *m, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    if (m->have && m->cur.end == base && m->cur.tag == tag) {
        m->cur.end = end;
        return;
    }
    if (m->have)
        flush(m);
    m->cur = (struct region){.base = base, .end = end, .tag = tag};
    m->have = true;
}

/*
 * Whether range [rb, re) inside entry e (between prev and next, copies of the entries around it,
 * or NULL) is retagged: if it is long enough, if the source insists, or if it touches an entry
 * that already carries the new tag (it then only moves a boundary, costing no entry).
 */
static bool wanted(const struct merge *m, const struct region *prev, const struct region *e,
                   const struct region *next, phys_addr_t rb, phys_addr_t re, bool force)
{
    if (force || re - rb >= m->min_size)
        return true;
    if (rb == e->base && prev && prev->end == rb && prev->tag == m->to)
        return true;
    return re == e->end && next && next->base == re && next->tag == m->to;
}

/*
 * Merges the list with the source's ranges. Return: false (with m->bad set) if a range does not
 * lie inside a single entry tagged m->from, is empty, or starts before the one before it ends.
 */
static bool merge_pass(struct merge *m)
{
    phys_addr_t rb = 0, re = 0, last = 0;
    bool force = false, more;
    m->src->rewind(m->src);
    more = m->src->next(m->src, &rb, &re, &force);
    struct region prev, next;
    for (size_t i = 0; i < m->l->count; i++) {
        /*
         * Copies: writing in place, the output may already cover the slot of the entry before,
         * and will cover this one; the one after is still intact (see region_retag_sorted()).
         */
        struct region e = m->old[i];
        if (i + 1 < m->l->count)
            next = m->old[i + 1];
        phys_addr_t pos = e.base;
        for (; more && rb < e.end; more = m->src->next(m->src, &rb, &re, &force)) {
            if (e.tag != m->from || rb < e.base || re > e.end || rb >= re || rb < last) {
                m->bad = rb;
                return false;
            }
            last = re;
            if (!wanted(m, i ? &prev : NULL, &e, i + 1 < m->l->count ? &next : NULL, rb, re, force))
                continue;
            if (pos < rb)
                emit(m, pos, rb, e.tag);
            emit(m, rb, re, m->to);
            m->taken++;
            if (m->final && m->src->taken)
                m->src->taken(m->src, rb, re);
            pos = re;
        }
        if (pos < e.end)
            emit(m, pos, e.end, e.tag);
        size_t produced = m->n + m->have;
        if (produced > i + 1 && produced - (i + 1) > m->lead)
            m->lead = produced - (i + 1);
        prev = e;
    }
    if (more) { /* past the last entry: in a hole */
        m->bad = rb;
        return false;
    }
    if (m->have)
        flush(m);
    return true;
}

static struct merge merge_start(const struct region_list *l, struct region_ranges *src,
                                uint32_t from, uint32_t to, uint64_t min_size)
{
    return (struct merge){.l = l,
                          .old = l->regions,
                          .src = src,
                          .from = from,
                          .to = to,
                          .min_size = min_size,
                          .best = PHYS_NONE,
                          .bad = PHYS_NONE};
}

/*
 * Writes the result into new storage of at least need + REGION_GROW_SLACK entries in the
 * highest free memory of the result below grow_limit, then tags that storage REGION_META and gives
 * the old storage back, as region_grow() does. Return: K_OK, or K_ENOMEM with the list unchanged.
 */
static int merge_into_new_storage(struct region_list *l, struct region_ranges *src, uint32_t from,
                                  uint32_t to, uint64_t min_size, size_t need)
{
    if (!l->grow_limit) {
        kprintf("region: %s: %zu entries needed, room for %zu, and growth is off\n", l->name, need,
                l->capacity);
        return K_ENOMEM;
    }
    size_t cap = l->capacity ? l->capacity : 1;
    while (cap < need + REGION_GROW_SLACK && cap <= SIZE_MAX / 2 / sizeof(struct region))
        cap *= 2;
    struct merge m = merge_start(l, src, from, to, min_size);
    m.room = ALIGN_UP(cap * sizeof(struct region), PAGE_SIZE);
    m.limit = l->grow_limit;
    merge_pass(&m); /* the count pass already checked the ranges */
    if (m.best == PHYS_NONE) {
        char sz[16];
        kprintf("region: %s: %zu entries needed, room for %zu, and no free %s below 0x%lx to "
                "grow into\n",
                l->name, need, l->capacity, kformat_size(sz, sizeof(sz), m.room), l->grow_limit);
        return K_ENOMEM;
    }
    phys_addr_t pa = m.best, bytes = m.room;
    m = merge_start(l, src, from, to, min_size);
    m.out = phys_to_virt(pa);
    m.final = true;
    merge_pass(&m);
    phys_addr_t old = l->storage;
    phys_addr_t old_end = old + ALIGN_UP(l->capacity * sizeof(struct region), PAGE_SIZE);
    l->regions = m.out;
    l->count = m.n;
    l->capacity = cap;
    l->storage = pa;
    /* The slack covers both paints (two entries each), so neither can fail. */
    int err =
        region_paint(l, &(struct region_paint){.base = pa, .end = pa + bytes, .to = REGION_META});
    if (err == K_OK && old)
        err = region_paint(l, &(struct region_paint){.base = old,
                                                     .end = old_end,
                                                     .kind = REGION_PAINT_RETAG,
                                                     .from = REGION_META,
                                                     .to = REGION_FREE});
    if (err != K_OK)
        panic("region: %s: moved to [0x%lx, 0x%lx) but cannot tag it: %s", l->name, pa, pa + bytes,
              kerr_str(err));
    return K_OK;
}

int region_retag_sorted(struct region_list *l, struct region_ranges *src, uint32_t from,
                        uint32_t to, uint64_t min_size, phys_addr_t *bad)
{
    *bad = PHYS_NONE;
    if (from >= REGION_TAG_COUNT || to >= REGION_TAG_COUNT || from == to || from == REGION_META ||
        to == REGION_META)
        return K_EINVAL;
    struct merge m = merge_start(l, src, from, to, min_size);
    if (!merge_pass(&m)) {
        *bad = m.bad;
        return K_EINVAL;
    }
    if (m.taken == 0)
        return K_OK;
    if (l->count + m.lead > l->capacity)
        return merge_into_new_storage(l, src, from, to, min_size, m.n);
    /*
     * In place: the entries move up by the output's greatest lead first. After input entries
     * 0..i-1 the output holds at most i + lead entries, so entry i, in slot lead + i, is read
     * before anything is written over it.
     */
    size_t lead = m.lead;
    if (lead)
        memmove(l->regions + lead, l->regions, l->count * sizeof(struct region));
    m = merge_start(l, src, from, to, min_size);
    m.old = l->regions + lead;
    m.out = l->regions;
    m.final = true;
    merge_pass(&m);
    l->count = m.n;
    return K_OK;
}
