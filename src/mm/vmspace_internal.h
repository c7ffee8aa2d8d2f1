/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by src/mm/vmspace*.c only: frames counted by the env, the frame-backed array, the area
 * list, the TLB gather and the leaf accounting.
 */
#ifndef MM_VMSPACE_INTERNAL_H
#define MM_VMSPACE_INTERNAL_H

#include <frame64/pagetable.h>
#include <frame64/vmspace.h>

/* --- Frames from the pool, counted in env->frames (vmspace_fvec.c). --- */
phys_addr_t vm_frame_alloc(struct vmspace_env *env);
void vm_frame_free(struct vmspace_env *env, phys_addr_t pa);

/* --- A frame-backed array (vmspace_fvec.c): elements never straddle a frame. --- */
#define VM_FVEC_MAX_FRAMES (PAGE_SIZE / sizeof(phys_addr_t)) /* one directory frame's worth */

/* Element index of size bytes (per frame: PAGE_SIZE / size). */
void *vm_fvec_at(const struct vm_fvec *v, uint64_t index, size_t size);
/* Frames holding the array: the data frames, plus the directory past one. */
uint64_t vm_fvec_cost(uint64_t frames);
/* Grows (new frames zeroed) or shrinks to frames. Return: K_OK, or K_ENOMEM (v unchanged). */
int vm_fvec_resize(struct vmspace_env *env, struct vm_fvec *v, uint64_t frames);

/* --- The area list (vmspace_area.c), sorted by start, never overlapping. --- */
enum vm_area_kind {
    VM_AREA_ANON = 1,  /* demand-zero: pages get frames on first touch */
    VM_AREA_FIXED = 2, /* every page mapped when the area was made */
};

struct vm_area {
    uint64_t start, end; /* [start, end), page aligned */
    uint32_t prot;       /* normalised: VM_READ present whenever VM_WRITE or VM_EXEC is */
    uint32_t kind;
};

#define VM_AREAS_PER_FRAME (PAGE_SIZE / sizeof(struct vm_area))

struct vm_area *vm_area_at(const struct vmspace *s, uint64_t i);
/* The index of the first area ending above va (stats.areas if none). */
uint64_t vm_area_search(const struct vmspace *s, uint64_t va);
/* The area containing va, or NULL. */
struct vm_area *vm_area_lookup(const struct vmspace *s, uint64_t va);
/* Makes room for extra more areas. Return: K_OK or K_ENOMEM (nothing changed). */
int vm_area_reserve(struct vmspace *s, uint64_t extra);
/* Inserts a at index i (room must have been reserved). */
void vm_area_insert(struct vmspace *s, uint64_t i, const struct vm_area *a);
void vm_area_remove(struct vmspace *s, uint64_t i, uint64_t n);
/* Splits area i at at (inside it) into two; needs one reserved slot. */
void vm_area_split(struct vmspace *s, uint64_t i, uint64_t at);
/* Merges, among areas [lo, hi), each with its successor when they touch and are alike. */
void vm_area_merge(struct vmspace *s, uint64_t lo, uint64_t hi);
/* Frees the list frames the areas no longer need. */
void vm_area_trim(struct vmspace *s);

/* --- The TLB gather (vmspace_gather.c): unhook, flush, then free. --- */
#define VM_GATHER_LOCAL 16

struct vm_gather {
    struct vmspace *s;
    uint64_t start, end; /* changed since the last flush; start >= end: nothing */
    bool freed_tables;
    unsigned nlocal;
    phys_addr_t local[VM_GATHER_LOCAL];
    phys_addr_t batch; /* a pool frame holding up to PAGE_SIZE / 8 more, PHYS_NONE until needed */
    uint64_t nbatch;
};

void vm_gather_init(struct vm_gather *g, struct vmspace *s);
/* The leaf at va was changed or cleared; pa (or PHYS_NONE) is to be freed after the flush. */
void vm_gather_leaf(struct vm_gather *g, uint64_t va, phys_addr_t pa);
/*
 * The leaf at va was changed or cleared and held one owner's share of the owned frame pa: after
 * the flush, one owner fewer (frame_ref_unshare()), and pa is freed if none is left. Deferred so
 * that no other owner can take the frame back as its own (and write it) while this space's old
 * translation may still be in a TLB.
 */
void vm_gather_unshare(struct vm_gather *g, uint64_t va, phys_addr_t pa);
/* The table pa, which mapped addresses from va on, was unlinked: free it after the flush. */
void vm_gather_table(struct vm_gather *g, uint64_t va, phys_addr_t pa);
/* Flushes what changed, then frees what was gathered, then the batch frame. */
void vm_gather_finish(struct vm_gather *g);

/* --- Shared by vmspace.c, vmspace_map.c and vmspace_fault.c. --- */
#define VM_LINK (PTE_WRITE | PTE_USER) /* tables are permissive: the leaf alone decides */

typedef void (*vm_leaf_fn)(struct vmspace *s, void *ctx, uint64_t va, uint64_t *e);
/* Calls fn for every non-zero leaf of [lo, hi), skipping missing tables whole. */
void vm_for_each_leaf(struct vmspace *s, uint64_t lo, uint64_t hi, vm_leaf_fn fn, void *ctx);
/* The leaf bits for prot (present or PTE_SW_NOACCESS; NX only with VMSPACE_NX). */
uint64_t vm_prot_pte(const struct vmspace_env *env, unsigned prot);
/* Maps a zeroed frame at the page va of anonymous area a if nothing is there. */
int vm_fault_in(struct vmspace *s, uint64_t va, const struct vm_area *a);
/* Whether access (VM_READ/WRITE/EXEC | VM_USER) is allowed by prot. */
bool vm_access_ok(const struct vmspace_env *env, unsigned prot, unsigned access);
/* Counts the leaf e in (dir 1) or out of (dir -1) the space's stats by its marks. */
void vm_leaf_account(struct vmspace *s, uint64_t e, int dir);
/*
 * Breaks copy-on-write at the leaf e of the page va in an area with prot: the frame is made the
 * space's alone, by copying it into a new frame or, if no other owner is left, as it is.
 * Return: K_OK or K_ENOMEM (nothing changed).
 */
int vm_cow_break(struct vmspace *s, uint64_t va, uint64_t *e, unsigned prot);
/* frame_ref's storage callbacks: frames from the env's pool, counted in env->frames. */
phys_addr_t vm_ref_alloc(void *env);
void vm_ref_free(void *env, phys_addr_t pa);
/* Clears the leaves of [lo, hi) into g; with prune, also the tables that became empty. */
void vm_clear_range(struct vmspace *s, struct vm_gather *g, uint64_t lo, uint64_t hi, bool prune);
/* Table callbacks for the walker; the free one takes a struct vm_gather as ctx. */
phys_addr_t vm_table_alloc(void *ctx, int level);
void vm_table_free(void *ctx, phys_addr_t table, int level, uint64_t virt);

#endif
