/* SPDX-License-Identifier: 0BSD */
/*
 * The page tables' private interface, shared by src/mm/pagetable.c (mappings) and
 * src/mm/pagetable_walk.c (the one descent and the tables' lifetime); not an API. Other modules
 * use include/frame64/pagetable.h. The rules every walk obeys live here once: what a level
 * covers, which addresses are canonical, what a valid root and range are, and when an entry is a
 * link to a table rather than a page.
 */
#ifndef FRAME64_MM_PAGETABLE_INTERNAL_H
#define FRAME64_MM_PAGETABLE_INTERNAL_H

#include <frame64/pagetable.h>

#include <frame64/panic.h>
#include <frame64/phys.h>

#define PT_ENTRIES    512
#define PT_PHYS_LIMIT ((uint64_t)1 << 52) /* what an entry's address field can hold */
#define PT_LOWER_END  ((uint64_t)1 << 47) /* end of the lower canonical half */
#define PT_VIRT_BITS  48

/* Bytes one entry at level maps (a page at levels 0..2, 512 GiB at the PML4). */
static inline uint64_t pt_level_size(int level)
{
    return (uint64_t)1 << (PAGE_SHIFT + 9 * level);
}

static inline bool pt_canonical(uint64_t virt)
{
    uint64_t top = virt >> (PT_VIRT_BITS - 1); /* bits 47..63: all zero or all one */
    return top == 0 || top == (UINT64_MAX >> (PT_VIRT_BITS - 1));
}

/* The entry for virt in the table at physical address table, at level. */
static inline uint64_t *pt_entry_ptr(phys_addr_t table, uint64_t virt, int level)
{
    uint64_t index = (virt >> (PAGE_SHIFT + 9 * level)) % PT_ENTRIES;
    return (uint64_t *)phys_to_virt(table + index * sizeof(uint64_t));
}

/*
 * Whether entry e at level links to a table (present, above the PT, no PS bit). A present entry
 * that is not a link maps a page itself. PS is reserved in a PML4 entry: the CPU would fault on
 * it, and nothing here writes it, so it is a broken invariant whether or not the entry is present.
 */
static inline bool pt_is_link(uint64_t e, int level, uint64_t virt)
{
    if (level == PT_LEVEL_PML4 && (e & PTE_HUGE))
        panic("page tables: PML4 entry %lx for virt %lx has the reserved PS bit set", e, virt);
    return level > PT_LEVEL_PT && (e & PTE_PRESENT) && !(e & PTE_HUGE);
}

/* Bytes from virt to the end of its slot at level (wraps correctly at the top of memory). */
static inline uint64_t pt_slot_left(uint64_t virt, int level)
{
    return ALIGN_DOWN(virt, pt_level_size(level)) + pt_level_size(level) - virt;
}

static inline void pt_check_root(phys_addr_t pml4, const char *who)
{
    if (!IS_ALIGNED(pml4, PAGE_SIZE) || pml4 >= PT_PHYS_LIMIT)
        panic("%s: PML4 at %lx is not a 4 KiB aligned frame below 2^52", who, pml4);
}

/*
 * The range rule of pt_map(), pt_unmap(), pt_prune() and pt_free_tables(): non-empty, 4 KiB
 * aligned, inside one canonical half. Return: NULL if [virt, virt + size) keeps it, else what is
 * wrong, for the caller's message.
 */
static inline const char *pt_range_fault(uint64_t virt, uint64_t size)
{
    if (size == 0 || !IS_ALIGNED(virt | size, PAGE_SIZE))
        return "is empty or not 4 KiB aligned";
    uint64_t room = virt < PT_LOWER_END ? PT_LOWER_END - virt : 0 - virt;
    if (!pt_canonical(virt) || size > room)
        return "is not inside one canonical half";
    return NULL;
}

/* What pt_walk() may write on the way down. */
struct pt_grow {
    pt_alloc_fn alloc; /* a missing table above the target comes from alloc(ctx, its level) */
    void *ctx;
    uint64_t link;   /* bits of a new link besides PTE_PRESENT */
    bool widen;      /* links passed get link's bits too and lose NX (pt_map's policy) */
    const char *who; /* names the caller when the allocator breaks its contract */
};

/*
 * The one descent: from the PML4 towards the entry for virt at level target (PT_LEVEL_PT ..
 * PT_LEVEL_PML4), stopping early at the first entry that is not a link to a table (not present,
 * or a huge page). With grow NULL nothing is written; with grow, a missing table above target is
 * allocated, zeroed and only then linked (so no walk ever sees a half-made table), and links
 * passed are widened if grow->widen. A frame from the allocator that is misaligned or above 2^52
 * panics. *entry and *level get where the walk stopped.
 * Return: K_OK, or K_ENOMEM (stopped at the entry no table could be linked into).
 */
int pt_walk(phys_addr_t pml4, uint64_t virt, int target, const struct pt_grow *grow,
            uint64_t **entry, int *level);

#endif
