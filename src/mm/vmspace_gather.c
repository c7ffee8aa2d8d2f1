/* SPDX-License-Identifier: 0BSD */
/*
 * Flush before free (Linux's mmu_gather, include/asm-generic/tlb.h): an unmap or a protection
 * change 1) unhooks the leaves and tables, recording here the addresses it changed and the
 * frames to free or to unshare, 2) flushes the TLB for those addresses, 3) frees the frames and
 * gives up this space's share of the shared ones (a frame whose last other owner this was is
 * freed; one left with a single owner may be made writable by it at its next write fault, which
 * is why the unshare waits for the flush too). Until 2) another
 * CPU, or this one through a stale TLB entry or a cached paging structure, may still reach a
 * frame, so freeing it earlier would let its next owner's data be read or written through the
 * old mapping.
 *
 * The frames wait in a small array inside struct vm_gather (on the caller's stack), then in one
 * batch frame taken from the pool: never in a frame that is itself being freed. When both are
 * full, or the batch frame cannot be had, the gather flushes and frees early and goes on: the
 * order holds for every frame. gather_flush() below is the one place the TLB is flushed: through
 * the env's callback, which in the kernel is tlb_flush(), here and on every other CPU.
 */
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "vmspace_internal.h"

#define BATCH_MAX (PAGE_SIZE / sizeof(phys_addr_t))
/* Marks in the low bits of a gathered (page-aligned) address: how to give it back. */
#define UNSHARE ((phys_addr_t)1) /* one owner fewer; given back only if that was the last */
#define PIECE   ((phys_addr_t)2) /* a piece of a split 2 MiB frame: counted off it */
#define HUGE    ((phys_addr_t)4) /* a whole 2 MiB frame */
#define MARKS   (UNSHARE | PIECE | HUGE)

/* Step 3 for one gathered frame. */
static void release(struct vmspace_env *env, phys_addr_t tagged)
{
    phys_addr_t pa = tagged & ~MARKS;
    if ((tagged & UNSHARE) && frame_ref_unshare(&env->refs, pa) != 0)
        return; /* other owners keep it */
    if (tagged & HUGE)
        vm_huge_free(env, pa);
    else if (tagged & PIECE)
        vm_piece_release(env, pa);
    else
        vm_frame_free(env, pa);
}

void vm_gather_init(struct vm_gather *g, struct vmspace *s)
{
    *g = (struct vm_gather){.s = s, .start = UINT64_MAX, .end = 0, .batch = PHYS_NONE};
}

static bool pending(const struct vm_gather *g)
{
    return g->start < g->end;
}

/* Steps 2 and 3: flush what changed since the last flush, then free what was gathered. */
static void gather_flush(struct vm_gather *g)
{
    struct vmspace_env *env = g->s->env;
    if (pending(g)) {
        struct vmspace_flush f = {
            .pml4 = g->s->pml4,
            .start = g->start,
            .end = g->end,
            .all = (g->end - g->start) / PAGE_SIZE > env->flush_max_pages,
            .freed_tables = g->freed_tables,
        };
        env->flush(env->flush_ctx, &f); /* step 2: after this no TLB reaches the frames */
    }
    for (unsigned i = 0; i < g->nlocal; i++) /* step 3 */
        release(env, g->local[i]);
    if (g->nbatch) {
        const phys_addr_t *b = phys_to_virt(g->batch);
        for (uint64_t i = 0; i < g->nbatch; i++)
            release(env, b[i]);
    }
    g->nlocal = 0;
    g->nbatch = 0;
    g->start = UINT64_MAX;
    g->end = 0;
    g->freed_tables = false;
}

static void add_range(struct vm_gather *g, uint64_t va)
{
    g->start = MIN(g->start, ALIGN_DOWN(va, PAGE_SIZE));
    g->end = MAX(g->end, ALIGN_DOWN(va, PAGE_SIZE) + PAGE_SIZE);
}

/* Step 1 for pa: keep it until the flush; its address is already in the range. */
static void add_frame(struct vm_gather *g, phys_addr_t pa)
{
    if (g->nlocal < VM_GATHER_LOCAL) {
        g->local[g->nlocal++] = pa;
        return;
    }
    if (g->batch == PHYS_NONE)
        g->batch = vm_frame_alloc(g->s->env);
    if (g->batch == PHYS_NONE || g->nbatch == BATCH_MAX)
        gather_flush(g); /* no more room: flush and free early, then start again */
    if (g->nlocal < VM_GATHER_LOCAL)
        g->local[g->nlocal++] = pa;
    else
        ((phys_addr_t *)phys_to_virt(g->batch))[g->nbatch++] = pa;
}

void vm_gather_range(struct vm_gather *g, uint64_t va, uint64_t size)
{
    add_range(g, va);
    add_range(g, va + size - PAGE_SIZE);
}

void vm_gather_old_leaf(struct vm_gather *g, uint64_t va, uint64_t old, uint64_t size)
{
    vm_gather_range(g, va, size);
    if (!(old & PTE_SW_OWNED))
        return; /* not the space's frame: never freed here */
    phys_addr_t pa = old & PTE_ADDR_MASK;
    if (size != PAGE_SIZE)
        pa |= HUGE;
    else if (old & PTE_SW_PIECE)
        pa |= PIECE;
    if (old & (PTE_SW_SHARED | PTE_SW_COW))
        pa |= UNSHARE;
    add_frame(g, pa);
}

void vm_gather_table(struct vm_gather *g, uint64_t va, phys_addr_t pa)
{
    /*
     * One invlpg drops every paging-structure cache entry (Intel SDM 4.10.4.1), so the range
     * need not grow to span the table: it only must not be empty, or no flush would come.
     */
    if (!pending(g))
        add_range(g, va);
    g->freed_tables = true;
    add_frame(g, pa);
}

void vm_gather_finish(struct vm_gather *g)
{
    gather_flush(g);
    if (g->batch != PHYS_NONE)
        vm_frame_free(g->s->env, g->batch); /* never mapped anywhere: no flush needed for it */
    g->batch = PHYS_NONE;
}
