/* SPDX-License-Identifier: 0BSD */
/*
 * Whole 2 MiB areas (docs/frame-allocator.md, "Whole 2 MiB areas"): the slow-path half of
 * src/mm/frame_area.h. The stack's operations count, per 2 MiB area, its frames that are entries
 * of stack nodes. When an area's count reaches 512, every frame of it is free on the stack, and
 * it leaves the stack whole, O(1): its two bytes say "whole, 512 stale frames", it goes onto the
 * whole list (linked through its own first frame), and whatever takes frames off the stack later
 * drops its frames. So single frames no longer come from it (they come from areas
 * already broken: the anti-fragmentation policy), and frame_alloc_huge() takes it off the whole
 * list in O(1). A 2 MiB frame given back goes onto the whole list too. Runs take from that list
 * (one area for a run of 2 MiB or less, every area for a longer one), and so does the seed cursor
 * once no free range above FRAME_ISA_LIMIT is left (before ISA memory).
 *
 *   two bytes per area:  TAKEN | OUT | WHOLE | NODES (3 bits) | N (10 bits)
 *     N       its frames on the stack, nodes too (TAKEN: its stale ones still there)
 *     NODES   of those, nodes of the stack (7: seven or more)
 *     OUT     handed out as a 2 MiB frame        WHOLE   on the whole list
 *     both    given to the region list, stale frames of it still stacked (LISTED)
 *
 * A node of the stack holds the stack's links and entries, so an area with a node in it cannot
 * go anywhere while the node is in use: it waits (TAKEN, not WHOLE), its entries stale, until
 * its last node is popped (dropped then, not handed out), or a drain, which walks everything.
 *
 * All of it under the pool's lock. Stale entries never meet live ones of the same area: frames
 * of an area that left the stack come back only as a 2 MiB frame (to the whole list) or through
 * the region list, and the seed cursor takes from the list or the whole list only when the stack
 * is empty, when no stale entry is left.
 */
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>

#include "frame_internal.h"

#define AREAS_PER_PAGE (1u << (FRAME_AREA_PAGE - FRAME_AREA_SHIFT))

_Static_assert(AREAS_PER_PAGE * sizeof(uint16_t) == PAGE_SIZE, "a page of counts is one frame");
_Static_assert(sizeof(((struct frame_pool *)0)->area_low) == PAGE_SIZE, "the pool holds one page");

/* Puts whole area base on the whole list: every frame of it free, none a node of the stack. */
static void put_whole(struct frame_pool *p, phys_addr_t base, uint16_t *s)
{
    *s |= FRAME_AREA_WHOLE;
    *(phys_addr_t *)phys_to_virt(base) = p->whole;
    p->whole = base;
}

void frame_area_full(struct frame_pool *p, phys_addr_t pa)
{
    phys_addr_t base = ALIGN_DOWN(pa, FRAME_HUGE_SIZE);
    if (base < frame_isa_limit)
        return; /* ISA memory is for runs that need it, not for 2 MiB frames */
    uint16_t *s = frame_area_slot(p, pa);
    *s |= FRAME_AREA_TAKEN; /* its 512 frames on the stack are stale from now on */
    p->whole_frames += FRAME_AREA_FRAMES;
    p->stacked -= FRAME_AREA_FRAMES;
    p->areas_whole++;
    if (!(*s & FRAME_AREA_NODES))
        put_whole(p, base, s);
    else /* once the stack's nodes in it are popped */
        p->areas_waiting++;
}

void frame_area_release(struct frame_pool *p, phys_addr_t pa)
{
    p->areas_waiting--;
    put_whole(p, ALIGN_DOWN(pa, FRAME_HUGE_SIZE), frame_area_slot(p, pa));
}

void frame_area_page(struct frame_pool *p, phys_addr_t *base, phys_addr_t hi)
{
    uint64_t r = (hi - 1) >> FRAME_AREA_PAGE;
    if (p->flags || r >= FRAME_AREA_DIR || p->area_dir[r] || hi - *base < 2 * PAGE_SIZE)
        return;
    if (region_retag(p->regions, *base, *base + PAGE_SIZE, REGION_FRAMES, REGION_META) != K_OK)
        return; /* no slot for it: this 4 GiB has no counts until a later chunk finds room */
    p->area_dir[r] = phys_to_virt(*base);
    memset(p->area_dir[r], 0, PAGE_SIZE);
    *base += PAGE_SIZE;
}

phys_addr_t frame_area_take_whole(struct frame_pool *p)
{
    phys_addr_t pa = p->whole;
    if (pa == PHYS_NONE)
        return PHYS_NONE;
    p->whole = *(const phys_addr_t *)phys_to_virt(pa);
    p->whole_frames -= FRAME_AREA_FRAMES;
    uint16_t *s = frame_area_slot(p, pa);
    *s = (uint16_t)(*s & ~FRAME_AREA_WHOLE);
    return pa;
}

phys_addr_t frame_area_take_huge(struct frame_pool *p)
{
    phys_addr_t pa = frame_area_take_whole(p);
    if (pa != PHYS_NONE)
        *frame_area_slot(p, pa) |= FRAME_AREA_OUT;
    return pa;
}

bool frame_area_free_huge(struct frame_pool *p, phys_addr_t pa)
{
    uint16_t *s = frame_area_slot(p, pa);
    if (!s || (*s & FRAME_AREA_LISTED) != FRAME_AREA_OUT)
        return false;
    *s = (uint16_t)(*s & ~FRAME_AREA_OUT);
    put_whole(p, pa, s);
    p->whole_frames += FRAME_AREA_FRAMES;
    p->freed += FRAME_AREA_FRAMES;
    return true;
}

/* Whether area a (its index) is on the whole list. */
static bool listed_whole(const struct frame_pool *p, uint64_t a)
{
    const uint16_t *s = frame_area_slot(p, a << FRAME_AREA_SHIFT);
    return s && (*s & FRAME_AREA_LISTED) == FRAME_AREA_WHOLE;
}

/* Areas [a, e) leave the whole list for the region list's free ranges (already retagged). */
static void listed(struct frame_pool *p, uint64_t a, uint64_t e)
{
    for (; a < e; a++) {
        uint16_t *s = frame_area_slot(p, a << FRAME_AREA_SHIFT);
        /* Its stale frames still stacked must still be dropped: marked, not forgotten. */
        *s = (*s & FRAME_AREA_TAKEN) ? (uint16_t)(*s | FRAME_AREA_LISTED) : 0;
        p->whole_frames -= FRAME_AREA_FRAMES;
        p->seeded -= FRAME_AREA_FRAMES;
    }
}

/* The whole list's areas in address order, as maximal stretches, for region_retag_sorted(). */
struct whole_ranges {
    struct region_ranges rr; /* first: the merge calls back with &rr */
    struct frame_pool *p;
    uint64_t a, end; /* the next area index to look at; one past the last */
};

static void whole_rewind(struct region_ranges *rr)
{
    ((struct whole_ranges *)rr)->a = 0;
}

static bool whole_next(struct region_ranges *rr, phys_addr_t *base, phys_addr_t *end, bool *force)
{
    struct whole_ranges *w = (struct whole_ranges *)rr;
    while (w->a < w->end && !listed_whole(w->p, w->a))
        w->a++;
    if (w->a == w->end)
        return false;
    uint64_t e = w->a + 1;
    while (e < w->end && listed_whole(w->p, e))
        e++;
    *base = w->a << FRAME_AREA_SHIFT;
    *end = e << FRAME_AREA_SHIFT;
    *force = true;
    w->a = e;
    return true;
}

static void whole_taken(struct region_ranges *rr, phys_addr_t base, phys_addr_t end)
{
    listed(((struct whole_ranges *)rr)->p, base >> FRAME_AREA_SHIFT, end >> FRAME_AREA_SHIFT);
}

/* Nothing is read from the areas while they are retagged: the list may move into them. */
static phys_addr_t whole_in_use(struct region_ranges *rr, phys_addr_t base, phys_addr_t end)
{
    (void)rr;
    (void)base;
    (void)end;
    return PHYS_NONE;
}

bool frame_area_whole_to_list(struct frame_pool *p)
{
    if (p->whole == PHYS_NONE)
        return true;
    /*
     * In address order, each maximal stretch of whole areas one range of one merge over the
     * list (region_retag_sorted(), the drain's): neighbours become one free range, and if the
     * list has no room it may move into the areas it frees. O(areas below end + entries).
     */
    struct whole_ranges w = {
        .rr = {whole_rewind, whole_next, whole_taken, whole_in_use},
        .p = p,
        .end = p->end >> FRAME_AREA_SHIFT,
    };
    phys_addr_t bad;
    int err = region_retag_sorted(p->regions, &w.rr, REGION_FRAMES, REGION_FREE, PAGE_SIZE, &bad);
    if (err != K_OK)
        kprintf("frame: no room in %s for the whole 2 MiB areas; they stay whole, off it\n",
                p->regions->name);
    p->whole = PHYS_NONE; /* what is left of it, linked again */
    for (uint64_t a = w.end; a-- > 0;)
        if (listed_whole(p, a))
            put_whole(p, a << FRAME_AREA_SHIFT, frame_area_slot(p, a << FRAME_AREA_SHIFT));
    return err == K_OK;
}

bool frame_area_one_to_list(struct frame_pool *p, phys_addr_t max, uint64_t size)
{
    if (max != 0 && max < frame_isa_limit + size)
        return false; /* whole areas lie above the ISA limit: none can serve it */
    /* The first area on the whole list under the ceiling: most often the first one. */
    phys_addr_t *link = &p->whole;
    while (*link != PHYS_NONE && max != 0 && *link + size > max)
        link = (phys_addr_t *)phys_to_virt(*link);
    phys_addr_t base = *link;
    if (base == PHYS_NONE)
        return false;
    /* Off the list before the retag: the list may grow its storage into the area it frees. */
    phys_addr_t next = *(const phys_addr_t *)phys_to_virt(base);
    *link = next;
    if (region_retag(p->regions, base, base + FRAME_HUGE_SIZE, REGION_FRAMES, REGION_FREE) !=
        K_OK) {
        *(phys_addr_t *)phys_to_virt(base) = next;
        *link = base;
        return false; /* no slot: the merge of every whole area may still find room */
    }
    listed(p, base >> FRAME_AREA_SHIFT, (base >> FRAME_AREA_SHIFT) + 1);
    return true;
}

bool frame_area_is_whole(const struct frame_pool *p, phys_addr_t pa)
{
    const uint16_t *s = frame_area_slot(p, pa);
    return s && (*s & (FRAME_AREA_WHOLE | FRAME_AREA_TAKEN)) && !(*s & FRAME_AREA_OUT);
}

bool frame_area_is_out(const struct frame_pool *p, phys_addr_t pa)
{
    const uint16_t *s = frame_area_slot(p, pa);
    return s && (*s & FRAME_AREA_LISTED) == FRAME_AREA_OUT;
}

void frame_area_forget(struct frame_pool *p)
{
    for (uint64_t r = 0; r < FRAME_AREA_DIR; r++)
        if (p->area_dir[r])
            memset(p->area_dir[r], 0, PAGE_SIZE);
    p->whole = PHYS_NONE;
    p->whole_frames = 0;
    p->areas_waiting = 0;
}

void frame_area_drain_begin(struct frame_pool *p)
{
    for (uint64_t r = 0; r < FRAME_AREA_DIR; r++) {
        uint16_t *c = p->area_dir[r];
        for (uint32_t i = 0; c && i < AREAS_PER_PAGE; i++)
            if (!(c[i] & FRAME_AREA_TAKEN))
                c[i] = (uint16_t)(c[i] & ~(FRAME_AREA_N | FRAME_AREA_NODES));
    }
}

void frame_area_drain_end(struct frame_pool *p)
{
    for (uint64_t r = 0; r < FRAME_AREA_DIR; r++) {
        uint16_t *c = p->area_dir[r];
        for (uint32_t i = 0; c && i < AREAS_PER_PAGE; i++) {
            if (!(c[i] & FRAME_AREA_TAKEN))
                continue;
            if ((c[i] & FRAME_AREA_LISTED) == FRAME_AREA_LISTED) { /* in the region list */
                c[i] = 0;
                continue;
            }
            c[i] = (uint16_t)(c[i] & ~(FRAME_AREA_TAKEN | FRAME_AREA_N | FRAME_AREA_NODES));
            if (!(c[i] & (FRAME_AREA_WHOLE | FRAME_AREA_OUT))) /* it waited for its nodes */
                frame_area_release(p,
                                   (r << FRAME_AREA_PAGE) + ((phys_addr_t)i << FRAME_AREA_SHIFT));
        }
    }
}
