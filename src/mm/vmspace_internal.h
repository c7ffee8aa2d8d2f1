/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by src/mm/vmspace*.c only: frames counted by the env, the frame-backed array, the area
 * list, the TLB gather, the leaf accounting and the 2 MiB pages.
 */
#ifndef MM_VMSPACE_INTERNAL_H
#define MM_VMSPACE_INTERNAL_H

#include <frame64/pagetable.h>
#include <frame64/vmspace.h>

/* --- Frames from the pool, counted in env->frames (vmspace_fvec.c). --- */
phys_addr_t vm_frame_alloc(struct vmspace_env *env);
void vm_frame_free(struct vmspace_env *env, phys_addr_t pa);
/* A 2 MiB frame (frame_alloc_huge()), 512 frames in env->frames. Return: it, or PHYS_NONE. */
phys_addr_t vm_huge_alloc(struct vmspace_env *env);
void vm_huge_free(struct vmspace_env *env, phys_addr_t pa);

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
    VM_AREA_ANON = 1,    /* demand-zero: pages get frames on first touch */
    VM_AREA_FIXED = 2,   /* every page mapped when the area was made */
    VM_AREA_FILE = 3,    /* a shared file mapping (vmspace_map_file()): a page without a leaf lies
                            past the file's end */
    VM_AREA_FILE_RO = 4, /* the same, of a file that may not be written: never VM_WRITE */
};

struct vm_area {
    uint64_t start, end; /* [start, end), page aligned */
    uint32_t prot;       /* normalised: VM_READ present whenever VM_WRITE or VM_EXEC is */
    uint16_t kind;
    uint16_t advice; /* VMSPACE_HUGE, VMSPACE_NOHUGE or VMSPACE_ADVICE_NONE */
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
/*
 * Splits the areas at lo and hi (areas must cover [lo, hi)) so that areas [*first, *last] are
 * exactly [lo, hi). Return: K_OK or K_ENOMEM (no room for the new records; nothing changed).
 */
int vm_area_isolate(struct vmspace *s, uint64_t lo, uint64_t hi, uint64_t *first, uint64_t *last);
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
/* The table pa, which mapped addresses from va on, was unlinked: free it after the flush. */
void vm_gather_table(struct vm_gather *g, uint64_t va, phys_addr_t pa);
/*
 * The leaf old, of size bytes at va, was cleared or replaced: flush [va, va + size), then give
 * back what it held: nothing (not owned), one owner (SHARED, COW: frame_ref_unshare(), the frame
 * freed if none is left), a piece of a split 2 MiB frame (PIECE) or the frame itself, 4 KiB or
 * 2 MiB. An owner too is given up only after the flush, so that no other owner can take the frame
 * back as its own (and write it) while this space's old translation may still be in a TLB.
 */
void vm_gather_old_leaf(struct vm_gather *g, uint64_t va, uint64_t old, uint64_t size);
/* The leaves of [va, va + size) were changed (rights only): flush them, free nothing. */
void vm_gather_range(struct vm_gather *g, uint64_t va, uint64_t size);
/* Flushes what changed, then frees what was gathered, then the batch frame. */
void vm_gather_finish(struct vm_gather *g);

/* --- Shared by vmspace.c, vmspace_map.c, vmspace_fault.c and vmspace_huge.c. --- */
/* K_OK for a non-empty, page-aligned range; K_EINVAL; K_EFAULT past the user half. */
int vm_check_range(uint64_t va, uint64_t size);
/* Whether areas cover all of [lo, hi). */
bool vm_covered(const struct vmspace *s, uint64_t lo, uint64_t hi);

#define VM_LINK (PTE_WRITE | PTE_USER) /* tables are permissive: the leaf alone decides */

/* size: PAGE_SIZE, or VM_HUGE_SIZE for a 2 MiB leaf (e is then its PD entry). */
typedef void (*vm_leaf_fn)(struct vmspace *s, void *ctx, uint64_t va, uint64_t *e, uint64_t size);
/*
 * Calls fn for every non-zero leaf of [lo, hi), skipping missing tables whole. A 2 MiB leaf only
 * partly inside [lo, hi) panics: callers split at the ends first (vm_huge_split_at()).
 */
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

/* --- 2 MiB pages (vmspace_huge.c). --- */
#define VM_HUGE_SIZE   ((uint64_t)FRAME_HUGE_SIZE)
#define VM_HUGE_PIECES (VM_HUGE_SIZE / PAGE_SIZE)

/*
 * Whether a fault at va in area a may map a 2 MiB page: anonymous, advised or allowed by the
 * env's policy, and the 2 MiB block around va inside a.
 */
bool vm_huge_allowed(const struct vmspace *s, uint64_t va, const struct vm_area *a);
/*
 * Maps a zeroed 2 MiB frame at the block around va (nothing may be mapped there). Return: K_OK;
 * K_EAGAIN when no 2 MiB frame is free (map a 4 KiB page instead: the tables above it may have
 * been linked already, empty); K_ENOMEM when no frame for a table (nothing changed: a 4 KiB page
 * would need the same tables).
 */
int vm_huge_fault_in(struct vmspace *s, uint64_t va, const struct vm_area *a);
/* Splits the 2 MiB leaf covering va, if there is one. Return: K_OK or K_ENOMEM (unchanged). */
int vm_huge_split(struct vmspace *s, uint64_t va);
/* vm_huge_split() unless va is 2 MiB aligned: so no 2 MiB leaf straddles va. */
int vm_huge_split_at(struct vmspace *s, uint64_t va);
/* Splits every 2 MiB leaf meeting [lo, hi). Return: K_OK or K_ENOMEM (the splits made stay). */
int vm_huge_split_range(struct vmspace *s, uint64_t lo, uint64_t hi);
/* The last owner of the piece pa let it go: one piece fewer; the 2 MiB frame goes with its last. */
void vm_piece_release(struct vmspace_env *env, phys_addr_t pa);

/* Table callbacks for the walker; the free one takes a struct vm_gather as ctx. */
phys_addr_t vm_table_alloc(void *ctx, int level);
void vm_table_free(void *ctx, phys_addr_t table, int level, uint64_t virt);

#endif
