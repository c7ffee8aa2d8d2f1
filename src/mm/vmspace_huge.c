/* SPDX-License-Identifier: 0BSD */
/*
 * 2 MiB pages for anonymous memory (docs/address-spaces.md "Huge pages"): the fault that maps a
 * whole 2 MiB frame with one PD leaf, the split that breaks such a leaf into 512 4 KiB leaves of
 * the same frame, and the bookkeeping that gives the 2 MiB frame back whole once its last piece
 * goes; and madvise's advice, which decides where a fault may map one.
 *
 * Why pieces are counted and not freed one by one: frame_free_huge() takes back only the whole,
 * aligned 2 MiB frame, and the frame manager is free to keep a 2 MiB frame apart from single
 * frames (a run today, an area with its own count tomorrow), so handing its 4 KiB pieces to
 * frame_free() would be a free of frames frame_alloc() never gave. Instead env->pieces (a
 * frame_ref table, keyed by the 2 MiB frame's base) counts the pieces some leaf still holds; a
 * piece whose last owner lets go is counted off (env->pieces_idle counts it meanwhile, so the
 * accounting stays exact), and the last one frees the 2 MiB frame whole. The cost: memory of a
 * partly unmapped 2 MiB page comes back only when all of it is unmapped (Linux defers the same
 * memory to its THP shrinker).
 *
 * Why a 2 MiB leaf is never shared: frame64 keeps no per-frame record (no struct page), so a
 * 2 MiB frame mapped whole by one space and in pieces by another would need owners per piece
 * and per whole at once. Fork and share therefore split first, and the pieces are shared as
 * 4 KiB frames with the usual owners in env->refs (Linux shares the 2 MiB page at fork and splits
 * it at the first write; frame64 splits at the fork).
 */
#include <frame64/error.h>
#include <frame64/kstring.h>
#include <frame64/pagetable.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "vmspace_internal.h"

bool vm_huge_allowed(const struct vmspace *s, uint64_t va, const struct vm_area *a)
{
    uint64_t block = ALIGN_DOWN(va, VM_HUGE_SIZE);
    unsigned thp = s->env->thp;
    if (a->kind != VM_AREA_ANON || thp == VMSPACE_THP_NEVER || a->advice == VMSPACE_NOHUGE)
        return false;
    if (a->advice != VMSPACE_HUGE && thp != VMSPACE_THP_ALWAYS)
        return false;
    return a->start <= block && block + VM_HUGE_SIZE <= a->end;
}

int vm_huge_fault_in(struct vmspace *s, uint64_t va, const struct vm_area *a)
{
    uint64_t block = ALIGN_DOWN(va, VM_HUGE_SIZE);
    /* Tables first: if no 2 MiB frame comes, the 4 KiB page the caller maps instead uses them. */
    uint64_t *e;
    int err = pt_huge_slot(s->pml4, block, VM_LINK, vm_table_alloc, s, &e);
    if (err == K_EINVAL)
        panic("vmspace: a 1 GiB page covers the user address %lx", block);
    if (err == K_OK && *e != 0)
        panic("vmspace: a 2 MiB page at %lx was to go where %lx is mapped", block, *e);
    if (err != K_OK) { /* no frame for a table: take back the empty ones linked on the way */
        struct vm_gather g;
        vm_gather_init(&g, s);
        pt_prune(s->pml4, block, VM_HUGE_SIZE, vm_table_free, &g);
        vm_gather_finish(&g);
        return K_ENOMEM;
    }
    phys_addr_t pa = vm_huge_alloc(s->env);
    if (pa == PHYS_NONE)
        return K_EAGAIN; /* the tables stay for the 4 KiB page (or its own prune) */
    memset(phys_to_virt(pa), 0, VM_HUGE_SIZE);
    *e = pa | vm_prot_pte(s->env, a->prot) | PTE_SW_OWNED | PTE_HUGE;
    vm_leaf_account(s, *e, 1);
    s->stats.faults_2m++;
    return K_OK;
}

/*
 * Holds the 511 pieces beyond the first in env->pieces (a table entry counts from 2; no entry
 * means one). Return: K_OK or K_ENOMEM (the table could not grow; nothing changed).
 */
static int hold_pieces(struct vmspace_env *env, phys_addr_t base)
{
    if (frame_ref_share(&env->pieces, base) != K_OK)
        return K_ENOMEM; /* a new entry: the only share here that may need memory */
    for (uint64_t i = 2; i < VM_HUGE_PIECES; i++)
        if (frame_ref_share(&env->pieces, base) != K_OK)
            panic("vmspace: split 2 MiB frame %lx: its piece count cannot grow", base);
    return K_OK;
}

int vm_huge_split(struct vmspace *s, uint64_t va)
{
    uint64_t block = ALIGN_DOWN(va, VM_HUGE_SIZE);
    int level;
    uint64_t *e = pt_find(s->pml4, block, &level);
    if (level != PT_LEVEL_PD || *e == 0)
        return K_OK; /* 4 KiB pages, or nothing, there */
    uint64_t old = *e;
    if (!(old & PTE_HUGE) || (old & (PTE_SW_SHARED | PTE_SW_COW | PTE_SW_PIECE)) ||
        !(old & PTE_SW_OWNED))
        panic("vmspace: the PD entry %lx for %lx is no private 2 MiB page", old, block);
    phys_addr_t base = old & PTE_ADDR_MASK & ~(VM_HUGE_SIZE - 1);
    phys_addr_t pt = vm_table_alloc(s, PT_LEVEL_PT);
    if (pt == PHYS_NONE)
        return K_ENOMEM;
    if (hold_pieces(s->env, base) != K_OK) {
        s->stats.pt--;
        vm_frame_free(s->env, pt); /* never linked: no flush */
        return K_ENOMEM;
    }
    uint64_t bits = (old & ~PTE_ADDR_MASK & ~PTE_HUGE) | PTE_SW_PIECE;
    uint64_t *pte = phys_to_virt(pt);
    for (uint64_t i = 0; i < VM_HUGE_PIECES; i++) {
        pte[i] = (base + i * PAGE_SIZE) | bits;
        vm_leaf_account(s, pte[i], 1);
    }
    vm_leaf_account(s, old, -1);
    /*
     * Same frames, same rights: a stale 2 MiB TLB entry reads what the new leaves do. It is
     * flushed all the same, before returning, because a TLB holding a 2 MiB and a 4 KiB entry
     * for one address is what Intel SDM 4.10.2.3 leaves undefined.
     */
    *e = pt | PTE_PRESENT | VM_LINK;
    s->stats.splits++;
    struct vm_gather g;
    vm_gather_init(&g, s);
    vm_gather_range(&g, block, VM_HUGE_SIZE);
    vm_gather_finish(&g);
    return K_OK;
}

int vm_huge_split_at(struct vmspace *s, uint64_t va)
{
    return IS_ALIGNED(va, VM_HUGE_SIZE) || va >= VMSPACE_USER_END ? K_OK : vm_huge_split(s, va);
}

int vm_huge_split_range(struct vmspace *s, uint64_t lo, uint64_t hi)
{
    /* Only where the space has a PD entry can a 2 MiB leaf be: skip missing tables whole. */
    for (uint64_t va = ALIGN_DOWN(lo, VM_HUGE_SIZE); va < hi;) {
        int level;
        const uint64_t *e = pt_find(s->pml4, va, &level);
        uint64_t span = level <= PT_LEVEL_PD ? VM_HUGE_SIZE : (uint64_t)1 << (12 + 9 * level);
        if (level == PT_LEVEL_PD && *e != 0) {
            int err = vm_huge_split(s, va);
            if (err != K_OK)
                return err;
        }
        va = ALIGN_DOWN(va, span) + span;
    }
    return K_OK;
}

void vm_piece_release(struct vmspace_env *env, phys_addr_t pa)
{
    phys_addr_t base = ALIGN_DOWN(pa, VM_HUGE_SIZE);
    if (frame_ref_unshare(&env->pieces, base) != 0) {
        __atomic_fetch_add(&env->pieces_idle, 1, __ATOMIC_RELAXED);
        return;
    }
    __atomic_fetch_sub(&env->pieces_idle, VM_HUGE_PIECES - 1, __ATOMIC_RELAXED);
    vm_huge_free(env, base);
}

int vmspace_advise(struct vmspace *s, uint64_t va, uint64_t size, unsigned advice)
{
    int err = vm_check_range(va, size);
    if (err == K_OK && advice > VMSPACE_NOHUGE)
        err = K_EINVAL;
    if (err == K_OK && !vm_covered(s, va, va + size))
        err = K_ENOENT;
    if (err != K_OK)
        return err;
    uint64_t end = va + size, i, j;
    /* A 2 MiB leaf lies inside one area: areas cut at va or end cut it too. */
    if ((err = vm_huge_split_at(s, va)) != K_OK || (err = vm_huge_split_at(s, end)) != K_OK ||
        (err = vm_area_isolate(s, va, end, &i, &j)) != K_OK)
        return err;
    for (uint64_t k = i; k <= j; k++)
        vm_area_at(s, k)->advice = (uint16_t)advice;
    vm_area_merge(s, i ? i - 1 : 0, j + 2);
    vm_area_trim(s);
    return K_OK;
}
