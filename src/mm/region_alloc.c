/* SPDX-License-Identifier: 0BSD */
/*
 * Allocation from the region list: finding a free run that meets a request's size, alignment,
 * address window and boundary, tagging it for its owner, and giving it back. The painting itself
 * (and growing the list when a split needs a slot) is region_paint() in region.c.
 */
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/region.h>

#include "region_internal.h"

static bool is_pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

static bool crosses(phys_addr_t a, uint64_t size, uint64_t boundary)
{
    return boundary && ALIGN_DOWN(a, boundary) != ALIGN_DOWN(a + size - 1, boundary);
}

/*
 * The lowest run of size bytes in [lo, hi) aligned to align that does not cross a multiple of
 * boundary (size <= boundary). Return: its base, or PHYS_NONE.
 */
static phys_addr_t fit_low(phys_addr_t lo, phys_addr_t hi, uint64_t size, uint64_t align,
                           uint64_t boundary)
{
    if (lo > PHYS_ADDR_MAX - (align - 1))
        return PHYS_NONE;
    phys_addr_t a = ALIGN_UP(lo, align);
    if (a >= hi || size > hi - a)
        return PHYS_NONE;
    /* The first aligned start past the crossed multiple is that multiple: align <= boundary. */
    if (crosses(a, size, boundary))
        a = ALIGN_DOWN(a + size - 1, boundary);
    return a < hi && size <= hi - a ? a : PHYS_NONE;
}

/* As fit_low(), the highest such run. */
static phys_addr_t fit_high(phys_addr_t lo, phys_addr_t hi, uint64_t size, uint64_t align,
                            uint64_t boundary)
{
    if (size > hi - lo)
        return PHYS_NONE;
    phys_addr_t a = ALIGN_DOWN(hi - size, align);
    if (a < lo)
        return PHYS_NONE;
    if (crosses(a, size, boundary)) {
        phys_addr_t m = ALIGN_DOWN(a + size - 1, boundary);
        if (m < size)
            return PHYS_NONE;
        a = ALIGN_DOWN(m - size, align);
    }
    return a >= lo ? a : PHYS_NONE;
}

/* Tries [lo, hi) minus [xbase, xend) in search order. Return: a base, or PHYS_NONE. */
static phys_addr_t fit_outside(phys_addr_t lo, phys_addr_t hi, phys_addr_t xbase, phys_addr_t xend,
                               uint64_t size, uint64_t align, uint64_t boundary, bool top_down)
{
    phys_addr_t seg[2][2] = {{lo, hi}, {hi, hi}};
    if (xbase < xend && xbase < hi && lo < xend) {
        seg[0][1] = MAX(lo, xbase);
        seg[1][0] = MIN(hi, xend);
    }
    for (int k = 0; k < 2; k++) {
        phys_addr_t *s = seg[top_down ? 1 - k : k];
        if (s[0] >= s[1])
            continue;
        phys_addr_t a = top_down ? fit_high(s[0], s[1], size, align, boundary)
                                 : fit_low(s[0], s[1], size, align, boundary);
        if (a != PHYS_NONE)
            return a;
    }
    return PHYS_NONE;
}

/* Whether req's size, alignment, window and boundary make sense (its tag is not looked at). */
static bool region_request_valid(const struct region_request *req)
{
    uint64_t align = req->align ? req->align : PAGE_SIZE;
    phys_addr_t max = req->max ? req->max : PHYS_ADDR_MAX;
    if (req->size == 0 || req->size > PHYS_ADDR_MAX - (PAGE_SIZE - 1) || !is_pow2(align) ||
        (req->boundary && !is_pow2(req->boundary)) || req->min >= max)
        return false;
    return !req->boundary || ALIGN_UP(req->size, PAGE_SIZE) <= req->boundary;
}

phys_addr_t region_find_run(const struct region_list *l, const struct region_request *req,
                            phys_addr_t xbase, phys_addr_t xend)
{
    if (!region_request_valid(req))
        return PHYS_NONE;
    phys_addr_t max = req->max ? req->max : PHYS_ADDR_MAX;
    uint64_t size = ALIGN_UP(req->size, PAGE_SIZE);
    uint64_t align = MAX(req->align, PAGE_SIZE);
    for (size_t k = 0; k < l->count; k++) {
        const struct region *r = &l->regions[req->top_down ? l->count - 1 - k : k];
        if (req->top_down ? r->end <= req->min : r->base >= max)
            break;
        phys_addr_t lo = MAX(r->base, req->min), hi = MIN(r->end, max);
        if (r->tag != REGION_FREE || lo >= hi)
            continue;
        phys_addr_t a = fit_outside(lo, hi, xbase, xend, size, align, req->boundary, req->top_down);
        if (a != PHYS_NONE)
            return a;
    }
    return PHYS_NONE;
}

int region_alloc(struct region_list *l, const struct region_request *req, phys_addr_t *base)
{
    *base = PHYS_NONE;
    if (req->tag == REGION_FREE || req->tag >= REGION_TAG_COUNT || !region_request_valid(req))
        return K_EINVAL;
    phys_addr_t pa = region_find_run(l, req, 0, 0);
    if (pa == PHYS_NONE)
        return K_ENOMEM;
    phys_addr_t end = pa + ALIGN_UP(req->size, PAGE_SIZE);
    int err = region_paint(l, &(struct region_paint){.base = pa, .end = end, .to = req->tag});
    if (err == K_OK)
        *base = pa;
    return err;
}

int region_free(struct region_list *l, phys_addr_t base, uint64_t size, uint32_t tag)
{
    phys_addr_t end = size > PHYS_ADDR_MAX - base ? PHYS_ADDR_MAX : base + size;
    if (base >= end || tag == REGION_FREE || tag >= REGION_TAG_COUNT)
        return K_EINVAL;
    const struct region *r = region_lookup(l, base);
    for (phys_addr_t cur = base; cur < end; cur = r->end, r++) {
        if (!r || r == l->regions + l->count || r->base > cur || r->tag != tag) {
            kprintf("region: %s: free of [0x%lx, 0x%lx) as %s, but 0x%lx is %s\n", l->name, base,
                    end, region_tag_name(tag), cur,
                    r && r < l->regions + l->count && r->base <= cur ? region_tag_name(r->tag)
                                                                     : "a hole");
            return K_EINVAL;
        }
    }
    return region_paint(l, &(struct region_paint){.base = base, .end = end, .to = REGION_FREE});
}
