/* SPDX-License-Identifier: 0BSD */
/*
 * Frames of an outside owner mapped without a copy (include/frame64/vmspace.h, "Frames of an
 * outside owner"): the in-memory file system's pages, for mmap of a file and for exec's text. The
 * outside owner is counted as one owner in the env's frame_ref table beside the leaves, so no
 * mapping needs to know the file and no file needs to know its mappings: whoever lets go last
 * frees the frame. Only the counting of env->frames has to follow the frame when the outside
 * owner goes first (vmspace_env_disown()).
 */
#include <frame64/error.h>
#include <frame64/pagetable.h>

#include "vmspace_internal.h"

int vmspace_env_hold(struct vmspace_env *env, phys_addr_t pa)
{
    /* K_ERANGE (FRAME_REF_MAX owners) is the table's limit: out of memory to the caller. */
    return frame_ref_share(&env->refs, pa) == K_OK ? K_OK : K_ENOMEM;
}

void vmspace_env_unhold(struct vmspace_env *env, phys_addr_t pa)
{
    /* 0 left: the outside owner went meanwhile and counted the frame in env->frames. */
    if (frame_ref_unshare(&env->refs, pa) == 0)
        vm_frame_free(env, pa);
}

bool vmspace_env_disown(struct vmspace_env *env, phys_addr_t pa)
{
    if (frame_ref_unshare(&env->refs, pa) == 0)
        return true;
    /* Leaves keep it: from now on it is the spaces' frame, and the last leaf frees it. */
    __atomic_add_fetch(&env->frames, 1, __ATOMIC_RELAXED);
    return false;
}

/* The area all of [va, va + n pages) lies in, if it may take placed leaves. */
static const struct vm_area *place_area(const struct vmspace *s, uint64_t va, uint64_t n)
{
    if (n == 0 || !IS_ALIGNED(va, PAGE_SIZE) || va >= VMSPACE_USER_END ||
        n > (VMSPACE_USER_END - va) / PAGE_SIZE)
        return NULL;
    const struct vm_area *a = vm_area_lookup(s, va);
    if (!a || va + n * PAGE_SIZE > a->end)
        return NULL;
    return a->kind == VM_AREA_FIXED ? NULL : a;
}

int vmspace_place(struct vmspace *s, uint64_t va, const phys_addr_t *pa, uint64_t n)
{
    const struct vm_area *a = place_area(s, va, n);
    int err = a ? K_OK : K_EINVAL;
    uint64_t bits = 0;
    if (a && a->kind == VM_AREA_ANON) /* private: read-only until the first write copies */
        bits = (vm_prot_pte(s->env, a->prot) & ~PTE_WRITE) | PTE_SW_OWNED | PTE_SW_COW;
    else if (a)
        bits = vm_prot_pte(s->env, a->prot) | PTE_SW_OWNED | PTE_SW_SHARED;
    uint64_t i = 0;
    for (; err == K_OK && i < n; i++) {
        if (pa[i] == PHYS_NONE)
            continue;
        uint64_t *e;
        err = pt_leaf_slot(s->pml4, va + i * PAGE_SIZE, VM_LINK, vm_table_alloc, s, &e);
        if (err == K_OK && *e != 0)
            err = K_EINVAL; /* already mapped (pt_leaf_slot() says so for a 2 MiB page) */
        if (err != K_OK)
            break;
        *e = pa[i] | bits;
        vm_leaf_account(s, *e, 1);
    }
    if (err == K_ENOMEM) { /* tables linked for the page that got no leaf: empty, back */
        struct vm_gather g;
        vm_gather_init(&g, s);
        pt_prune(s->pml4, va + i * PAGE_SIZE, PAGE_SIZE, vm_table_free, &g);
        vm_gather_finish(&g);
    }
    for (; i < n; i++) /* from the one that failed on: their holds go back */
        if (pa[i] != PHYS_NONE)
            vmspace_env_unhold(s->env, pa[i]);
    return err == K_OK ? K_OK : err == K_ENOMEM ? K_ENOMEM : K_EINVAL;
}
