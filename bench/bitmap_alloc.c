/* SPDX-License-Identifier: 0BSD */
/*
 * The bitmap baseline (see bitmap_alloc.h). Written to be a fair opponent, not a strawman:
 * searches skip full words eight at a time (one cache line, one compare), find the free bit with
 * ctz, keep a hint below which every word is full, and init writes each word exactly once.
 */
#include "bitmap_alloc.h"

#include <frame64/error.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>

#define ALL_ONES (~(uint64_t)0)

/* Sets (set) or clears bits [from, to) of w. */
static void fill_bits(uint64_t *w, uint64_t from, uint64_t to, bool set)
{
    if (from >= to)
        return;
    uint64_t fw = from / 64, lw = (to - 1) / 64;
    uint64_t fmask = ALL_ONES << (from % 64);
    uint64_t lmask = ALL_ONES >> (63 - (to - 1) % 64);
    if (fw == lw) {
        fmask &= lmask;
        w[fw] = set ? w[fw] | fmask : w[fw] & ~fmask;
        return;
    }
    w[fw] = set ? w[fw] | fmask : w[fw] & ~fmask;
    memset(&w[fw + 1], set ? 0xff : 0, (lw - fw - 1) * sizeof(uint64_t));
    w[lw] = set ? w[lw] | lmask : w[lw] & ~lmask;
}

/* Index of the first word in [i, n) that has a clear bit, or n. */
static uint64_t skip_full(const uint64_t *w, uint64_t i, uint64_t n)
{
    if (i < n && w[i] != ALL_ONES)
        return i; /* the common case: the hint word still has room */
    while (i + 8 <= n) {
        uint64_t a =
            w[i] & w[i + 1] & w[i + 2] & w[i + 3] & w[i + 4] & w[i + 5] & w[i + 6] & w[i + 7];
        if (a != ALL_ONES)
            break;
        i += 8;
    }
    while (i < n && w[i] == ALL_ONES)
        i++;
    return i;
}

/* The first clear bit in [pos, limit), or limit. */
static uint64_t find_clear(const uint64_t *w, uint64_t pos, uint64_t limit)
{
    if (pos >= limit)
        return limit;
    uint64_t i = pos / 64, n = (limit + 63) / 64;
    uint64_t x = ~w[i] & (ALL_ONES << (pos % 64));
    if (x == 0) {
        i = skip_full(w, i + 1, n);
        if (i == n)
            return limit;
        x = ~w[i];
    }
    uint64_t f = i * 64 + (uint64_t)__builtin_ctzll(x);
    return MIN(f, limit);
}

/* The first set bit in [pos, limit), or limit. */
static uint64_t find_set(const uint64_t *w, uint64_t pos, uint64_t limit)
{
    if (pos >= limit)
        return limit;
    uint64_t i = pos / 64, n = (limit + 63) / 64;
    uint64_t x = w[i] & (ALL_ONES << (pos % 64));
    while (x == 0) {
        if (++i >= n)
            return limit;
        x = w[i];
    }
    uint64_t f = i * 64 + (uint64_t)__builtin_ctzll(x);
    return MIN(f, limit);
}

static uint64_t top_frame(const struct region_list *map)
{
    uint64_t top = 0;
    const struct region *r;
    region_for_each(map, r)
    {
        if (r->tag == REGION_FREE)
            top = MAX(top, ALIGN_DOWN(r->end, PAGE_SIZE) >> PAGE_SHIFT);
    }
    return top;
}

uint64_t bitmap_storage_bytes(const struct region_list *map)
{
    return (top_frame(map) + 63) / 64 * sizeof(uint64_t);
}

int bitmap_init(struct bitmap_alloc *b, const struct region_list *map, uint64_t *storage,
                uint64_t storage_bytes)
{
    uint64_t nframes = top_frame(map);
    uint64_t nwords = (nframes + 63) / 64;
    if (storage_bytes < nwords * sizeof(uint64_t))
        return K_ENOMEM;
    b->words = storage;
    b->nwords = nwords;
    b->nframes = nframes;
    b->hint = 0;
    b->free_frames = 0;

    /* One pass in address order: the gap before each free range is set, the range cleared. */
    uint64_t cursor = 0;
    const struct region *r;
    region_for_each(map, r)
    {
        if (r->tag != REGION_FREE)
            continue;
        uint64_t s = ALIGN_UP(r->base, PAGE_SIZE) >> PAGE_SHIFT;
        uint64_t e = ALIGN_DOWN(r->end, PAGE_SIZE) >> PAGE_SHIFT;
        s = MAX(s, cursor);
        if (s >= e)
            continue;
        fill_bits(storage, cursor, s, true);
        fill_bits(storage, s, e, false);
        b->free_frames += e - s;
        cursor = e;
    }
    fill_bits(storage, cursor, nwords * 64, true);
    return K_OK;
}

phys_addr_t bitmap_alloc(struct bitmap_alloc *b)
{
    uint64_t i = skip_full(b->words, b->hint, b->nwords);
    b->hint = i;
    if (i == b->nwords)
        return PHYS_NONE;
    uint64_t bit = (uint64_t)__builtin_ctzll(~b->words[i]);
    b->words[i] |= (uint64_t)1 << bit;
    b->free_frames--;
    return (i * 64 + bit) << PAGE_SHIFT;
}

void bitmap_free(struct bitmap_alloc *b, phys_addr_t pa)
{
    uint64_t f = pa >> PAGE_SHIFT;
    if (!IS_ALIGNED(pa, PAGE_SIZE) || f >= b->nframes)
        panic("bitmap_free: 0x%llx is not a frame of the map", (unsigned long long)pa);
    uint64_t i = f / 64, m = (uint64_t)1 << (f % 64);
    if (!(b->words[i] & m))
        panic("bitmap_free: frame 0x%llx is already free", (unsigned long long)pa);
    b->words[i] &= ~m;
    b->free_frames++;
    if (i < b->hint)
        b->hint = i;
}

phys_addr_t bitmap_alloc_run(struct bitmap_alloc *b, uint64_t nframes, uint64_t align,
                             phys_addr_t max)
{
    if (nframes == 0 || (align & (align - 1)) != 0)
        return PHYS_NONE;
    uint64_t step = align > PAGE_SIZE ? align >> PAGE_SHIFT : 1;
    uint64_t limit = b->nframes;
    if (max != 0)
        limit = MIN(limit, max >> PAGE_SHIFT);

    /* Words below the hint are full, so no run can start there; move the hint while at it. */
    b->hint = skip_full(b->words, b->hint, b->nwords);
    uint64_t pos = b->hint * 64;
    for (;;) {
        pos = find_clear(b->words, pos, limit);
        uint64_t start = ALIGN_UP(pos, step);
        if (start >= limit || limit - start < nframes)
            return PHYS_NONE;
        uint64_t used = find_set(b->words, start, start + nframes);
        if (used == start + nframes) {
            fill_bits(b->words, start, start + nframes, true);
            b->free_frames -= nframes;
            return start << PAGE_SHIFT;
        }
        pos = used + 1; /* no run can contain the frame in use */
    }
}

void bitmap_free_run(struct bitmap_alloc *b, phys_addr_t base, uint64_t nframes)
{
    uint64_t f = base >> PAGE_SHIFT;
    if (!IS_ALIGNED(base, PAGE_SIZE) || f >= b->nframes || nframes > b->nframes - f)
        panic("bitmap_free_run: [0x%llx, +%llu frames) is not inside the map",
              (unsigned long long)base, (unsigned long long)nframes);
    if (find_clear(b->words, f, f + nframes) != f + nframes)
        panic("bitmap_free_run: [0x%llx, +%llu frames) has a frame that is already free",
              (unsigned long long)base, (unsigned long long)nframes);
    fill_bits(b->words, f, f + nframes, false);
    b->free_frames += nframes;
    if (f / 64 < b->hint)
        b->hint = f / 64;
}

uint64_t bitmap_meta_bytes(const struct bitmap_alloc *b)
{
    return b->nwords * sizeof(uint64_t) + sizeof(*b);
}
