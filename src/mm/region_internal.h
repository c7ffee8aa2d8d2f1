/* SPDX-License-Identifier: 0BSD */
/*
 * The region list's private interface, shared by src/mm/region.c and src/mm/region_alloc.c (and
 * the region tests and fuzzer, which predict growth and painting exactly); not an API. Other
 * modules use include/frame64/region.h.
 */
#ifndef FRAME64_MM_REGION_INTERNAL_H
#define FRAME64_MM_REGION_INTERNAL_H

#include <frame64/region.h>

/*
 * Room a growth keeps beyond what the paint that caused it needs: its own META paint and the
 * release of the old storage take up to two entries each, and may change the ends of the pending
 * paint's pieces by as much again. (Here so the fuzzer can predict growth exactly.)
 */
#define REGION_GROW_SLACK 8

/* The "tag" of a paint that makes a hole. */
#define REGION_HOLE UINT32_MAX

/* Which parts of [base, end) a paint changes. */
enum region_paint_kind {
    REGION_PAINT_ALL,   /* all of it (set, remove, alloc, free) */
    REGION_PAINT_HOLES, /* only the holes (add) */
    REGION_PAINT_RETAG, /* only the parts carrying from (retag, reserve) */
};

struct region_paint {
    phys_addr_t base, end;
    uint32_t kind; /* enum region_paint_kind */
    uint32_t from; /* REGION_PAINT_RETAG only */
    uint32_t to;   /* a tag, or REGION_HOLE */
};

/* Carries out p all or nothing, growing the list if it must. Return: as region_set. */
int region_paint(struct region_list *l, const struct region_paint *p);

/*
 * The run region_alloc(l, req) would take, ignoring req->tag and avoiding [xbase, xend).
 * Return: its base, or PHYS_NONE.
 */
phys_addr_t region_find_run(const struct region_list *l, const struct region_request *req,
                            phys_addr_t xbase, phys_addr_t xend);

#endif
