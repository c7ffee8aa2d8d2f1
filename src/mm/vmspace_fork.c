/* SPDX-License-Identifier: 0BSD */
/*
 * fork (include/frame64/vmspace.h, docs/address-spaces.md "Fork and copy-on-write"): the child
 * gets the parent's areas and mappings without a frame of data being copied. Private frames
 * become copy-on-write in both spaces, with one owner more in the env's frame_ref table; the
 * first write copies (vm_cow_break(), src/mm/vmspace_fault.c).
 *
 * First the parent's 2 MiB pages are split (src/mm/vmspace_huge.c: only their 4 KiB pieces are
 * ever shared); a split is invisible to the program, so one made before a failure stays.
 * Then all or nothing, in two passes so that a failure never has to repair the parent:
 *   1. (may fail) copy the area list; then for each page table's worth of the parent's leaves,
 *      link the child's table, share the owned frames with one frame_ref_share_many() call, and
 *      write the child's leaves. The parent is only read. On K_ENOMEM the child's leaves are
 *      exactly the shares made, so undoing is: unshare what the child holds, free its tables.
 *   2. (cannot fail) mark the parent's private leaves copy-on-write, read-only, and flush the
 *      ones that were writable.
 * The caller holds the parent's lock, so nothing else changes the parent's tables meanwhile.
 */
#include <frame64/error.h>
#include <frame64/pagetable.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "vmspace_internal.h"

#define USER_HALF ((uint64_t)1 << 47)
#define PT_SPAN   ((uint64_t)PAGE_SIZE << 9) /* what one page table maps: 2 MiB */

/* Whether the parent's leaf e is private and becomes copy-on-write. */
static bool private_leaf(uint64_t e)
{
    return (e & PTE_SW_OWNED) && !(e & (PTE_SW_SHARED | PTE_SW_COW));
}

/* The child's leaf for the parent's leaf e: shared mappings and frames it does not own as they
 * are, private frames copy-on-write. */
static uint64_t child_leaf(uint64_t e)
{
    if (private_leaf(e))
        return (e & ~PTE_WRITE) | PTE_SW_COW;
    return e;
}

/*
 * Pass 1 for the parent's leaves pe[0..n) (one page table's, from va on): the child's table, the
 * owned frames' extra owners (scratch holds their addresses), the child's leaves. Return: K_OK or
 * K_ENOMEM (no leaf written for these pages, no owner added).
 */
static int copy_leaves(struct vmspace *child, const uint64_t *pe, uint64_t va, uint64_t n,
                       phys_addr_t *scratch)
{
    size_t owned = 0;
    bool any = false;
    for (uint64_t i = 0; i < n; i++) {
        any |= pe[i] != 0;
        if (pe[i] & PTE_SW_OWNED)
            scratch[owned++] = pe[i] & PTE_ADDR_MASK;
    }
    if (!any)
        return K_OK; /* untouched demand-zero pages: nothing to copy, no table to link */
    uint64_t *ce;
    int err = pt_leaf_slot(child->pml4, va, VM_LINK, vm_table_alloc, child, &ce);
    if (err == K_EINVAL)
        panic("vmspace_fork: a huge page covers %lx in the new child", va);
    if (err == K_OK && owned)
        err = frame_ref_share_many(&child->env->refs, scratch, owned) == K_OK ? K_OK : K_ENOMEM;
    if (err != K_OK)
        return K_ENOMEM; /* a table linked for nothing is freed with the rest by the undo */
    for (uint64_t i = 0; i < n; i++) {
        if (pe[i] == 0)
            continue;
        if (ce[i] != 0)
            panic("vmspace_fork: the child already maps %lx", va + i * PAGE_SIZE);
        ce[i] = child_leaf(pe[i]);
        vm_leaf_account(child, ce[i], 1);
    }
    return K_OK;
}

/* Pass 1 over [lo, hi) of the parent, a page table at a time, skipping missing tables whole. */
static int copy_range(struct vmspace *child, struct vmspace *parent, uint64_t lo, uint64_t hi,
                      phys_addr_t *scratch)
{
    for (uint64_t va = lo; va < hi;) {
        int level;
        const uint64_t *e = pt_find(parent->pml4, va, &level);
        uint64_t span = level == 0 ? PT_SPAN : (uint64_t)1 << (PAGE_SHIFT + 9 * level);
        uint64_t stop = MIN(ALIGN_DOWN(va, span) + span, hi);
        if (level > 0 && *e != 0)
            panic("vmspace_fork: a huge page or a corrupt entry %lx covers %lx", *e, va);
        if (level == 0) {
            int err = copy_leaves(child, e, va, (stop - va) / PAGE_SIZE, scratch);
            if (err != K_OK)
                return err;
        }
        va = stop;
    }
    return K_OK;
}

/* Undo of pass 1, for each child leaf: the owner it added goes (the parent still holds one). */
static void undo_leaf(struct vmspace *s, void *ctx, uint64_t va, uint64_t *e, uint64_t size)
{
    (void)ctx;
    (void)va;
    (void)size; /* the child has 4 KiB leaves only */
    if (*e & PTE_SW_OWNED)
        frame_ref_unshare_shared(&s->env->refs, *e & PTE_ADDR_MASK);
    vm_leaf_account(s, *e, -1);
    *e = 0; /* never loaded in CR3: nothing to flush for the leaf */
}

/* Back to the empty space vmspace_create() made: no leaf, no table, no area. */
static void undo_child(struct vmspace *child)
{
    struct vm_gather g;
    vm_gather_init(&g, child);
    vm_for_each_leaf(child, 0, VMSPACE_USER_END, undo_leaf, NULL);
    pt_free_tables(child->pml4, 0, USER_HALF, vm_table_free, &g);
    vm_gather_finish(&g);
    vm_area_remove(child, 0, child->stats.areas);
    vm_area_trim(child);
}

/* Pass 2, for each parent leaf. */
static void protect_leaf(struct vmspace *s, void *ctx, uint64_t va, uint64_t *e, uint64_t size)
{
    if (size != PAGE_SIZE)
        panic("vmspace_fork: the 2 MiB page at %lx was not split", va);
    if (!private_leaf(*e))
        return;
    bool was_writable = (*e & PTE_WRITE) != 0;
    vm_leaf_account(s, *e, -1);
    *e = (*e & ~PTE_WRITE) | PTE_SW_COW;
    vm_leaf_account(s, *e, 1);
    if (was_writable)
        vm_gather_range(ctx, va, PAGE_SIZE); /* a TLB may still allow writes: flush it */
}

static bool empty(const struct vmspace *s)
{
    const struct vmspace_stats *st = &s->stats;
    return !(st->areas | st->leaf | st->phys | st->pt | st->pd | st->pdpt);
}

int vmspace_fork(struct vmspace *child, struct vmspace *parent)
{
    if (child == parent || child->env != parent->env || !empty(child))
        return K_EINVAL;
    struct vmspace_env *env = parent->env;
    uint64_t n = parent->stats.areas;
    if (n == 0)
        return K_OK;
    /* 2 MiB pages are never shared (vmspace_huge.c): their 4 KiB pieces are. */
    for (uint64_t i = 0; i < n; i++) {
        const struct vm_area *a = vm_area_at(parent, i);
        if (vm_huge_split_range(parent, a->start, a->end) != K_OK)
            return K_ENOMEM; /* the splits made stay: same frames, contents and rights */
    }
    if (vm_area_reserve(child, n) != K_OK) {
        vm_area_trim(child);
        return K_ENOMEM;
    }
    for (uint64_t i = 0; i < n; i++)
        vm_area_insert(child, i, vm_area_at(parent, i));

    /* One pool frame holds a page table's worth of frame addresses for frame_ref_share_many(). */
    phys_addr_t scratch = vm_frame_alloc(env);
    int err = scratch == PHYS_NONE ? K_ENOMEM : K_OK;
    for (uint64_t i = 0; err == K_OK && i < n; i++) {
        const struct vm_area *a = vm_area_at(parent, i);
        err = copy_range(child, parent, a->start, a->end, phys_to_virt(scratch));
    }
    if (scratch != PHYS_NONE)
        vm_frame_free(env, scratch); /* never mapped: no flush */
    if (err != K_OK) {
        undo_child(child);
        return err;
    }

    struct vm_gather g;
    vm_gather_init(&g, parent);
    for (uint64_t i = 0; i < n; i++) {
        const struct vm_area *a = vm_area_at(parent, i);
        vm_for_each_leaf(parent, a->start, a->end, protect_leaf, &g);
    }
    vm_gather_finish(&g); /* the parent's writable translations are gone before it returns */
    return K_OK;
}
