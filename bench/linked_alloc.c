/* SPDX-License-Identifier: 0BSD */
/*
 * The plain linked free list bench_frames compares frame64's batched stack with (see
 * linked_alloc.h). The cursor hands out the frames of the highest free range top-down, then the
 * next range below, as frame64's seeding does, so both hand out the same frames first.
 */
#include "linked_alloc.h"

#include <frame64/phys.h>

/* Moves the cursor to the top of the next free range below the current one (or past the last). */
static void next_range(struct linked_alloc *a)
{
    while (a->range-- > 0) {
        const struct region *r = &a->map->regions[a->range];
        phys_addr_t lo = ALIGN_UP(r->base, PAGE_SIZE), hi = ALIGN_DOWN(r->end, PAGE_SIZE);
        if (r->tag == REGION_FREE && lo < hi) {
            a->next = hi;
            return;
        }
    }
    a->range = a->map->count; /* none left */
}

void linked_init(struct linked_alloc *a, const struct region_list *map)
{
    *a = (struct linked_alloc){.head = PHYS_NONE, .map = map, .range = map->count};
    const struct region *r;
    region_for_each(map, r)
    {
        phys_addr_t lo = ALIGN_UP(r->base, PAGE_SIZE), hi = ALIGN_DOWN(r->end, PAGE_SIZE);
        if (r->tag == REGION_FREE && lo < hi)
            a->free_frames += (hi - lo) / PAGE_SIZE;
    }
    next_range(a);
}

phys_addr_t linked_alloc(struct linked_alloc *a)
{
    phys_addr_t pa = a->head;
    if (pa != PHYS_NONE) {
        a->head = *(const phys_addr_t *)phys_to_virt(pa); /* the cold read */
    } else {
        if (a->range == a->map->count)
            return PHYS_NONE;
        const struct region *r = &a->map->regions[a->range];
        pa = a->next -= PAGE_SIZE;
        if (pa <= ALIGN_UP(r->base, PAGE_SIZE))
            next_range(a);
    }
    a->free_frames--;
    return pa;
}

void linked_free(struct linked_alloc *a, phys_addr_t pa)
{
    *(phys_addr_t *)phys_to_virt(pa) = a->head;
    a->head = pa;
    a->free_frames++;
}
