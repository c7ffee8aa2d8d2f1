/* SPDX-License-Identifier: 0BSD */
/*
 * Address spaces: the env, create and destroy, the accounting, and the leaf walk every operation
 * shares (include/frame64/vmspace.h has the contract, docs/address-spaces.md the design). Making
 * and changing areas is in src/mm/vmspace_map.c, the fault path in src/mm/vmspace_fault.c.
 *
 * Invariants, between calls:
 *   - a user leaf is non-zero only inside an area; in a fixed area every leaf is non-zero;
 *   - a leaf's bits are what its area's protection says (vm_prot_pte()), plus the software
 *     bits, the frame and the caching bits it was made with;
 *   - no table in the user half is empty (tables go as their last entry goes);
 *   - every frame in use is counted in exactly one category of one space (a frame with several
 *     owners once per owner), or in the frame_ref tables' frames (the stats), or among the idle
 *     pieces of split 2 MiB frames, and in env->frames;
 *   - an owned leaf marked SHARED or COW holds one of its frame's owners in env->refs;
 *   - a 2 MiB leaf is private and lies inside one area; a split 2 MiB frame's entry in
 *     env->pieces counts the pieces some leaf still holds.
 */
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/pagetable.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "vmspace_internal.h"

#define USER_HALF ((uint64_t)1 << 47)

int vmspace_env_init(struct vmspace_env *env, struct frame_pool *pool, phys_addr_t kernel_pml4,
                     unsigned flags, vmspace_flush_fn flush, void *flush_ctx)
{
    if ((flags & ~VMSPACE_NX) || !flush || !IS_ALIGNED(kernel_pml4, PAGE_SIZE)) {
        kprintf("vmspace_env_init: flags %x, flush %p, template PML4 %lx: unknown flags, no "
                "flush callback or a misaligned template\n",
                flags, (void *)flush, kernel_pml4);
        return K_EINVAL;
    }
    *env = (struct vmspace_env){
        .pool = pool,
        .kernel_pml4 = kernel_pml4,
        .flags = flags,
        .flush = flush,
        .flush_ctx = flush_ctx,
        .flush_max_pages = VMSPACE_FLUSH_MAX_PAGES,
    };
    frame_ref_init(&env->refs, vm_ref_alloc, vm_ref_free, env);
    frame_ref_init(&env->pieces, vm_ref_alloc, vm_ref_free, env);
    return K_OK;
}

void vmspace_env_get_stats(struct vmspace_env *env, struct vmspace_env_stats *st)
{
    struct frame_ref_stats r = frame_ref_stats(&env->refs), h = frame_ref_stats(&env->pieces);
    st->frames = __atomic_load_n(&env->frames, __ATOMIC_RELAXED);
    st->share_frames = r.frames + h.frames;
    st->shared = r.shared;
    st->shared_mappings = r.refs;
    st->pieces_idle = __atomic_load_n(&env->pieces_idle, __ATOMIC_RELAXED);
    /* A split frame with one piece left has no entry: its 511 idle pieces count it instead. */
    uint64_t idle_in_entries = h.shared * VM_HUGE_PIECES - h.refs;
    st->split_frames = h.shared + (st->pieces_idle - idle_in_entries) / (VM_HUGE_PIECES - 1);
}

void vmspace_get_stats(const struct vmspace *s, struct vmspace_stats *st)
{
    *st = s->stats;
    st->leaf_private = st->leaf - st->leaf_cow - st->leaf_shared;
    st->tables = st->pt + st->pd + st->pdpt + st->pml4;
}

void vm_leaf_account(struct vmspace *s, uint64_t e, int dir)
{
    uint64_t d = (uint64_t)(int64_t)dir;
    if (e & PTE_HUGE) { /* 4 KiB leaves never have bit 7 (PAT) here */
        s->stats.leaf_huge += d * VM_HUGE_PIECES;
        return;
    }
    if (!(e & PTE_SW_OWNED)) {
        s->stats.phys += d;
        return;
    }
    s->stats.leaf += d;
    if (e & PTE_SW_COW)
        s->stats.leaf_cow += d;
    else if (e & PTE_SW_SHARED)
        s->stats.leaf_shared += d;
}

uint64_t vm_prot_pte(const struct vmspace_env *env, unsigned prot)
{
    if (!(prot & VM_READ))
        return PTE_SW_NOACCESS;
    uint64_t e = PTE_PRESENT;
    if (prot & VM_WRITE)
        e |= PTE_WRITE;
    if (prot & VM_USER)
        e |= PTE_USER;
    if ((env->flags & VMSPACE_NX) && !(prot & VM_EXEC))
        e |= PTE_NX;
    return e;
}

static uint64_t *table_count(struct vmspace *s, int level)
{
    return level == PT_LEVEL_PT   ? &s->stats.pt
           : level == PT_LEVEL_PD ? &s->stats.pd
                                  : &s->stats.pdpt;
}

phys_addr_t vm_table_alloc(void *ctx, int level)
{
    struct vmspace *s = ctx;
    phys_addr_t pa = vm_frame_alloc(s->env);
    if (pa != PHYS_NONE)
        (*table_count(s, level))++;
    return pa;
}

void vm_table_free(void *ctx, phys_addr_t table, int level, uint64_t virt)
{
    struct vm_gather *g = ctx;
    uint64_t *n = table_count(g->s, level);
    if (*n == 0)
        panic("vmspace: freeing the level-%d table %lx for %lx, which the space does not count",
              level, table, virt);
    (*n)--;
    vm_gather_table(g, virt, table);
}

void vm_for_each_leaf(struct vmspace *s, uint64_t lo, uint64_t hi, vm_leaf_fn fn, void *ctx)
{
    for (uint64_t va = lo; va < hi;) {
        int level;
        uint64_t *e = pt_find(s->pml4, va, &level);
        uint64_t span = (uint64_t)1 << (PAGE_SHIFT + 9 * (level == 0 ? 1 : level));
        uint64_t stop = MIN(ALIGN_DOWN(va, span) + span, hi);
        if (level == PT_LEVEL_PD && *e != 0) {
            uint64_t block = ALIGN_DOWN(va, VM_HUGE_SIZE);
            if (!(*e & PTE_HUGE) || !(*e & (PTE_PRESENT | PTE_SW_NOACCESS)))
                panic("vmspace: the PD entry for %lx is corrupt (%lx)", va, *e);
            if (block < lo || block + VM_HUGE_SIZE > hi)
                panic("vmspace: the 2 MiB page at %lx is only partly inside [%lx, %lx)", block, lo,
                      hi);
            fn(s, ctx, block, e, VM_HUGE_SIZE);
        } else if (level > PT_LEVEL_PD && *e != 0) {
            panic("vmspace: a 1 GiB page or a corrupt entry %lx covers the user address %lx", *e,
                  va);
        }
        for (; level == 0 && va < stop; va += PAGE_SIZE, e++) {
            if (*e == 0)
                continue;
            if (!(*e & (PTE_PRESENT | PTE_SW_NOACCESS)))
                panic("vmspace: the leaf for %lx is corrupt (%lx)", va, *e);
            fn(s, ctx, va, e, PAGE_SIZE);
        }
        va = stop;
    }
}

static void clear_leaf(struct vmspace *s, void *ctx, uint64_t va, uint64_t *e, uint64_t size)
{
    uint64_t old = *e;
    *e = 0; /* step 1: unhook */
    vm_leaf_account(s, old, -1);
    vm_gather_old_leaf(ctx, va, old, size);
}

void vm_clear_range(struct vmspace *s, struct vm_gather *g, uint64_t lo, uint64_t hi, bool prune)
{
    vm_for_each_leaf(s, lo, hi, clear_leaf, g);
    if (prune)
        pt_prune(s->pml4, lo, hi - lo, vm_table_free, g);
}

int vmspace_create(struct vmspace *s, struct vmspace_env *env)
{
    phys_addr_t pml4 = vm_frame_alloc(env);
    if (pml4 == PHYS_NONE)
        return K_ENOMEM;
    uint64_t *p = phys_to_virt(pml4);
    const uint64_t *k = phys_to_virt(env->kernel_pml4);
    memset(p, 0, VMSPACE_KERNEL_FIRST * sizeof(uint64_t));
    memcpy(p + VMSPACE_KERNEL_FIRST, k + VMSPACE_KERNEL_FIRST,
           PAGE_SIZE - VMSPACE_KERNEL_FIRST * sizeof(uint64_t));
    *s = (struct vmspace){.env = env, .pml4 = pml4, .areas = {PHYS_NONE, 0}, .stats = {.pml4 = 1}};
    return K_OK;
}

void vmspace_destroy(struct vmspace *s)
{
    struct vmspace_env *env = s->env;
    struct vm_gather g;
    vm_gather_init(&g, s);
    for (uint64_t i = 0; i < s->stats.areas; i++) {
        struct vm_area a = *vm_area_at(s, i);
        vm_clear_range(s, &g, a.start, a.end, false);
    }
    vm_area_remove(s, 0, s->stats.areas);
    vm_area_trim(s);
    pt_free_tables(s->pml4, 0, USER_HALF, vm_table_free, &g); /* panics on a leaf left over */
    vm_gather_finish(&g);

    const uint64_t *p = phys_to_virt(s->pml4), *k = phys_to_virt(env->kernel_pml4);
    for (unsigned i = VMSPACE_KERNEL_FIRST; i < PAGE_SIZE / sizeof(uint64_t); i++)
        if (p[i] != k[i])
            panic("vmspace_destroy: PML4 %lx entry %u (kernel half) is %lx, the template's %lx",
                  s->pml4, i, p[i], k[i]);
    vm_frame_free(env, s->pml4);
    s->stats.pml4 = 0;
    const struct vmspace_stats *st = &s->stats;
    if (st->leaf | st->phys | st->pt | st->pd | st->pdpt | st->area_frames | st->areas |
        st->leaf_cow | st->leaf_shared | st->leaf_huge)
        panic("vmspace_destroy: %lu leaf, %lu huge-leaf, %lu phys, %lu PT, %lu PD, %lu PDPT, %lu "
              "area-list frames left after teardown of %lx",
              st->leaf, st->leaf_huge, st->phys, st->pt, st->pd, st->pdpt, st->area_frames,
              s->pml4);
    s->env = NULL;
    s->pml4 = PHYS_NONE;
}
