/* SPDX-License-Identifier: 0BSD */
/*
 * Walking the page tables (see include/frame64/pagetable.h): the one descent every single-address
 * walk goes through (pt_walk(), used here and by src/mm/pagetable.c), the slot of one 4 KiB leaf
 * found or made, and the tables' lifetime for address spaces that own them: pruning tables that
 * became empty, and the xv6-style freewalk that takes every table back once the leaves are gone.
 * Mappings themselves are built and cleared in src/mm/pagetable.c, which never frees a table.
 *
 * Levels are counted from the leaf: 0 = PT, 1 = PD, 2 = PDPT, 3 = PML4.
 */
#include "pagetable_internal.h"

#include <frame64/error.h>
#include <frame64/kstring.h>

/* A new zeroed table from grow's allocator linked into *e, which is at level. */
static int link_table(const struct pt_grow *grow, uint64_t *e, int level)
{
    phys_addr_t t = grow->alloc(grow->ctx, level - 1);
    if (t == PHYS_NONE)
        return K_ENOMEM;
    if (!IS_ALIGNED(t, PAGE_SIZE) || t >= PT_PHYS_LIMIT)
        panic("%s: allocator returned %lx, not a 4 KiB aligned frame below 2^52", grow->who, t);
    memset(phys_to_virt(t), 0, PAGE_SIZE);
    *e = t | PTE_PRESENT | grow->link; /* linked only once it is all zeroes */
    return K_OK;
}

int pt_walk(phys_addr_t pml4, uint64_t virt, int target, const struct pt_grow *grow,
            uint64_t **entry, int *level)
{
    uint64_t link = grow ? PTE_PRESENT | grow->link : 0;
    phys_addr_t table = pml4;
    for (int l = PT_LEVEL_PML4;; l--) {
        uint64_t *e = pt_entry_ptr(table, virt, l);
        *entry = e;
        *level = l;
        if (l == target)
            return K_OK;
        if (!pt_is_link(*e, l, virt)) {
            /* Non-zero: a huge page, present or not (a no-access one keeps its frame), never
             * overwritten by a table. */
            if (*e != 0 || !grow)
                return K_OK; /* a huge page, or nothing mapped in the whole slot */
            int err = link_table(grow, e, l);
            if (err != K_OK)
                return err;
        } else if (grow && grow->widen && (*e & (link | PTE_NX)) != link) {
            *e = (*e | link) & ~PTE_NX; /* so the leaf alone decides */
        }
        table = *e & PTE_ADDR_MASK;
    }
}

uint64_t *pt_find(phys_addr_t pml4, uint64_t virt, int *level)
{
    pt_check_root(pml4, "pt_find");
    *level = -1;
    if (!pt_canonical(virt))
        return NULL;
    uint64_t *e;
    pt_walk(pml4, virt, PT_LEVEL_PT, NULL, &e, level);
    return e;
}

int pt_leaf_slot(phys_addr_t pml4, uint64_t virt, uint64_t link, pt_alloc_fn alloc, void *ctx,
                 uint64_t **slot)
{
    pt_check_root(pml4, "pt_leaf_slot");
    if (!pt_canonical(virt) || !IS_ALIGNED(virt, PAGE_SIZE) || (link & ~(PTE_WRITE | PTE_USER)))
        return K_EINVAL;
    const struct pt_grow grow = {alloc, ctx, link, false, "pt_leaf_slot"};
    uint64_t *e;
    int level;
    int err = pt_walk(pml4, virt, PT_LEVEL_PT, &grow, &e, &level);
    if (err != K_OK)
        return err;
    if (level != PT_LEVEL_PT)
        return K_EINVAL; /* a huge page covers virt */
    *slot = e;
    return K_OK;
}

int pt_huge_slot(phys_addr_t pml4, uint64_t virt, uint64_t link, pt_alloc_fn alloc, void *ctx,
                 uint64_t **slot)
{
    pt_check_root(pml4, "pt_huge_slot");
    if (!pt_canonical(virt) || !IS_ALIGNED(virt, pt_level_size(PT_LEVEL_PD)) ||
        (link & ~(PTE_WRITE | PTE_USER)))
        return K_EINVAL;
    const struct pt_grow grow = {alloc, ctx, link, false, "pt_huge_slot"};
    uint64_t *e;
    int level;
    int err = pt_walk(pml4, virt, PT_LEVEL_PD, &grow, &e, &level);
    if (err != K_OK)
        return err;
    if (level != PT_LEVEL_PD)
        return K_EINVAL; /* a 1 GiB page covers virt */
    *slot = e;
    return K_OK;
}

static bool table_empty(phys_addr_t table)
{
    const uint64_t *e = phys_to_virt(table);
    for (unsigned i = 0; i < PT_ENTRIES; i++)
        if (e[i] != 0)
            return false;
    return true;
}

/*
 * Below table (at level, covering [virt, virt + size) of the request): with all false, unlinks
 * and releases the child tables that are empty after their own children were pruned; with all
 * true, every child whose whole slot is inside the range, panicking on any leaf in the range.
 */
static void walk_tables(phys_addr_t table, int level, uint64_t virt, uint64_t size, bool all,
                        pt_table_free_fn release, void *ctx)
{
    uint64_t sz = pt_level_size(level);
    uint64_t *e = pt_entry_ptr(table, virt, level); /* the slots of the range are consecutive */
    for (uint64_t off = 0; off < size; e++) {
        uint64_t v = virt + off;
        uint64_t base = ALIGN_DOWN(v, sz);
        uint64_t step = MIN(base + sz - v, size - off);
        off += step;
        if (*e == 0)
            continue;
        if (pt_is_link(*e, level, v)) {
            phys_addr_t child = *e & PTE_ADDR_MASK;
            if (level > 1 || all) /* a PT has no tables below it to prune */
                walk_tables(child, level - 1, v, step, all, release, ctx);
            if (all ? step == sz : table_empty(child)) {
                *e = 0;
                release(ctx, child, level - 1, base);
            }
        } else if (all) {
            panic("pt_free_tables: %lx is still mapped (%s entry %lx) while its tables are freed",
                  v, level == 0 ? "PT" : "huge or non-present", *e);
        }
    }
}

int pt_prune(phys_addr_t pml4, uint64_t virt, uint64_t size, pt_table_free_fn release, void *ctx)
{
    pt_check_root(pml4, "pt_prune");
    if (pt_range_fault(virt, size))
        return K_EINVAL;
    walk_tables(pml4, PT_LEVEL_PML4, virt, size, false, release, ctx);
    return K_OK;
}

int pt_free_tables(phys_addr_t pml4, uint64_t virt, uint64_t size, pt_table_free_fn release,
                   void *ctx)
{
    pt_check_root(pml4, "pt_free_tables");
    if (pt_range_fault(virt, size))
        return K_EINVAL;
    walk_tables(pml4, PT_LEVEL_PML4, virt, size, true, release, ctx);
    return K_OK;
}
