/* SPDX-License-Identifier: 0BSD */
/*
 * What the page-frame manager knows per 2 MiB area (docs/frame-allocator.md, "Whole 2 MiB
 * areas"): two bytes per area, counting the area's frames that are entries of the shared stack's
 * nodes, so that an area whose 512 frames are all stacked leaves the stack whole in O(1), onto a
 * whole list where 2 MiB requests find it, without walking the stack. Its entries then stay in
 * the nodes as stale ones, which every path that takes entries off the stack drops
 * (frame_area_leave()). The counts are kept by the stack's own operations (src/mm/frame_stack.h)
 * under the pool's lock: the per-CPU caches' fast paths do not touch them. The first 4 GiB's
 * counts are part of the pool; each further 4 GiB's page is taken from the seed cursor as it
 * first reaches it (frame_area_page()). Pools with debug checks keep none. Not an API.
 */
#ifndef FRAME64_MM_FRAME_AREA_H
#define FRAME64_MM_FRAME_AREA_H

#include <frame64/frame.h>
#include <frame64/phys.h>

#define FRAME_AREA_SHIFT  21 /* a 2 MiB area */
#define FRAME_AREA_FRAMES (FRAME_HUGE_SIZE / PAGE_SIZE)
#define FRAME_AREA_PAGE   32 /* one page of counts covers 4 GiB: 2,048 areas of 2 bytes */

/* An area's two bytes. */
#define FRAME_AREA_N     0x03ffu /* its frames on the stack, nodes too (TAKEN: stale ones) */
#define FRAME_AREA_NODES 0x1c00u /* of those, nodes (7: seven or more, no longer counted) */
#define FRAME_AREA_NODE  0x0400u
#define FRAME_AREA_WHOLE 0x2000u /* on the pool's whole list */
#define FRAME_AREA_OUT   0x4000u /* handed out as a 2 MiB frame */
#define FRAME_AREA_TAKEN 0x8000u /* every frame free: its N frames still on the stack are stale */
/* WHOLE and OUT together: given to the region list while stale frames of it are still stacked. */
#define FRAME_AREA_LISTED (FRAME_AREA_WHOLE | FRAME_AREA_OUT)

/* The two bytes of pa's area, or NULL if the pool keeps none for it. */
static inline uint16_t *frame_area_slot(const struct frame_pool *p, phys_addr_t pa)
{
    uint64_t r = pa >> FRAME_AREA_PAGE;
    if (r >= FRAME_AREA_DIR || !p->area_dir[r])
        return NULL;
    return p->area_dir[r] + ((pa >> FRAME_AREA_SHIFT) & ((1u << (FRAME_AREA_PAGE - 21)) - 1));
}

/*
 * An area whose count reached FRAME_AREA_FRAMES: every frame of it is free on the stack. It
 * leaves the stack whole for the whole list, or, if nodes of the stack lie in it, once the last
 * of them has been popped (frame_area_node_leave()).
 */
void frame_area_full(struct frame_pool *p, phys_addr_t pa);

/* Frame pa becomes an entry of a stack node (node: becomes a node itself). */
static inline void frame_area_enter(struct frame_pool *p, phys_addr_t pa, bool node)
{
    uint16_t *s = frame_area_slot(p, pa);
    if (!s)
        return;
    uint16_t v = (uint16_t)(*s + 1);
    if (node && (v & FRAME_AREA_NODES) != FRAME_AREA_NODES)
        v = (uint16_t)(v + FRAME_AREA_NODE);
    *s = v;
    if (__builtin_expect((v & FRAME_AREA_N) == FRAME_AREA_FRAMES, 0))
        frame_area_full(p, pa);
}

/* An area that waited for the stack's nodes in it: none is left, so onto the whole list. */
void frame_area_release(struct frame_pool *p, phys_addr_t pa);

/*
 * Frame pa leaves the stack: an entry taken off a node, or (node) a node handed out itself.
 * Return: false if it is stale (its area is whole): the caller drops it. Counts never go below
 * zero: a frame stacked before its area had a count (its page came later) leaves the count
 * short, which only hides a whole area, never invents one.
 */
static inline bool frame_area_leave(struct frame_pool *p, phys_addr_t pa, bool node)
{
    uint16_t *s = frame_area_slot(p, pa);
    if (!s)
        return true;
    uint16_t v = *s;
    if (node && (v & FRAME_AREA_NODES) && (v & FRAME_AREA_NODES) != FRAME_AREA_NODES)
        v = (uint16_t)(v - FRAME_AREA_NODE);
    if (v & FRAME_AREA_N)
        v = (uint16_t)(v - 1);
    if (__builtin_expect(v & FRAME_AREA_TAKEN, 0)) {
        bool in_list = (v & FRAME_AREA_LISTED) == FRAME_AREA_LISTED;
        bool waits = !(v & (FRAME_AREA_WHOLE | FRAME_AREA_OUT)); /* for its nodes */
        bool last = !(v & FRAME_AREA_N); /* nothing of it is on the stack any more */
        if (last)
            v = in_list ? 0 : (uint16_t)(v & ~(FRAME_AREA_TAKEN | FRAME_AREA_NODES));
        *s = v;
        if (waits && (last || (node && !(v & FRAME_AREA_NODES))))
            frame_area_release(p, pa);
        return false;
    }
    *s = v;
    return true;
}

/*
 * frame_area_leave() for an entry of a node (not a node), shaped for the loops that copy a node's
 * entries out: the stale test is a value the caller adds, not a branch, because after a churn
 * live and stale entries alternate at random and a branch on them is mispredicted about every
 * other entry. Only the last stale entry of an area takes a branch (frame_area_leave()'s).
 * Return: 1 if pa is live, 0 if stale.
 */
static inline unsigned frame_area_leave_entry(struct frame_pool *p, phys_addr_t pa)
{
    uint16_t *s = frame_area_slot(p, pa);
    if (!s)
        return 1;
    uint16_t v = *s;
    /* Its area's last stale entry (or one its short count no longer covers): the full path. */
    if (__builtin_expect(((v & (FRAME_AREA_TAKEN | FRAME_AREA_N)) | 1) == (FRAME_AREA_TAKEN | 1),
                         0))
        return frame_area_leave(p, pa, false);
    v = (uint16_t)(v - ((v & FRAME_AREA_N) != 0));
    *s = v;
    return !(v & FRAME_AREA_TAKEN);
}

/* Whether stack frame pa is stale (its area is whole), for walks that only look. */
static inline bool frame_area_stale(const struct frame_pool *p, phys_addr_t pa)
{
    const uint16_t *s = frame_area_slot(p, pa);
    return s && (*s & FRAME_AREA_TAKEN);
}

/*
 * Gives the seed cursor's new chunk [*base, hi) a page of counts if its 4 GiB has none: the
 * chunk's lowest frame, retagged REGION_META and zeroed (*base moves past it). Lock held.
 */
void frame_area_page(struct frame_pool *p, phys_addr_t *base, phys_addr_t hi);

/*
 * A 2 MiB frame without the region list, lock held: the first area of the whole list (one that
 * left the stack whole, or a 2 MiB frame given back), O(1). Return: its base, or PHYS_NONE.
 */
phys_addr_t frame_area_take_huge(struct frame_pool *p);

/*
 * Takes back pa if it is a 2 MiB frame frame_area_take_huge() handed out (onto the whole list).
 * Return: false if it is not one (a run's, from the region list). Lock held.
 */
bool frame_area_free_huge(struct frame_pool *p, phys_addr_t pa);

/*
 * Takes an area off the whole list for the seed cursor (single frames, once nothing else is
 * left). Return: its base, or PHYS_NONE. Lock held.
 */
phys_addr_t frame_area_take_whole(struct frame_pool *p);

/*
 * Gives the whole list's areas to the region list (free), where runs find them. Return: false if
 * the list had no room for one (the rest stay on the whole list). Lock held.
 */
bool frame_area_whole_to_list(struct frame_pool *p);

/*
 * Gives one area of the whole list to the region list (free), the first in the list's order
 * that a run of size bytes at its base fits below max (0: no ceiling): a run of 2 MiB or less
 * then needs neither the merge of every whole area nor a drain. O(areas passed over). Return:
 * false if none fits, or if the list had no room for it. Lock held.
 */
bool frame_area_one_to_list(struct frame_pool *p, phys_addr_t max, uint64_t size);

/*
 * Whether pa lies in a whole free area (on the whole list, or waiting for the stack's nodes in
 * it to be popped), or in a 2 MiB frame handed out from the whole list.
 */
bool frame_area_is_whole(const struct frame_pool *p, phys_addr_t pa);
bool frame_area_is_out(const struct frame_pool *p, phys_addr_t pa);

/* The whole stack was taken off and forgotten (reclaim): every count, the whole list, cleared. */
void frame_area_forget(struct frame_pool *p);

/*
 * A drain takes the whole stack off and pushes back what it keeps: counts restart from zero
 * before (stale counts kept, so the walk can tell stale entries), and stale ones are cleared
 * after (the walk dropped them all).
 */
void frame_area_drain_begin(struct frame_pool *p);
void frame_area_drain_end(struct frame_pool *p);

#endif
