/* SPDX-License-Identifier: 0BSD */
/*
 * Address spaces (design: docs/address-spaces.md). A space is a PML4 whose lower half
 * (virtual [0, 2^47), PML4 entries 0..255) is private and whose upper half is the kernel's,
 * shared: create copies PML4 entries 256..511 from the kernel's template PML4. That is only
 * correct because the kernel creates every kernel-half PML4 entry it will ever use before the
 * first space exists (include/frame64/layout.h lists them) and never changes one afterwards: what
 * it maps later lies below PDPTs that every copy already points at. vmspace_destroy() panics if a
 * space's copy no longer matches the template.
 *
 * The user half holds areas: sorted, non-overlapping page ranges with one protection each.
 *   - anonymous areas are demand-zero: a page gets a zeroed frame from the pool on its first
 *     touch (vmspace_fault(), called by the #PF handler), or at once with VM_POPULATE;
 *   - fixed areas have every page mapped when they are made: given physical frames
 *     (vmspace_map_phys(): device memory or memory the caller owns, never freed here) or the
 *     frames of another range (vmspace_share(), in another space or the same one).
 * Leaves are 4 KiB, or 2 MiB in anonymous areas that may have them (huge pages, below).
 * Bookkeeping costs frames only for what exists: an untouched
 * reservation is one area record, however large; page-table frames exist only above mapped
 * pages and are freed as soon as a table becomes empty. A frame with more than one owner (shared
 * by vmspace_share(), or copy-on-write after vmspace_fork()) is counted in the env's frame_ref
 * table (include/frame64/frame_ref.h: one owner per owned leaf mapping it) and is freed once, when
 * its last owner lets go.
 *
 * fork: vmspace_fork() gives a child the parent's areas and frames; private anonymous frames
 * become copy-on-write (read-only in both, PTE_SW_COW), the first write copies (vmspace_fault()).
 *
 * Huge pages (docs/address-spaces.md "Huge pages"): a demand fault in an anonymous area that may
 * have them (vmspace_advise(), VM_HUGE, or the env's policy VMSPACE_THP_ALWAYS) maps a whole
 * 2 MiB frame (frame_alloc_huge()) with one PD leaf where the 2 MiB-aligned block around the
 * address lies inside the area and nothing is mapped in it yet; otherwise, or with no 2 MiB frame
 * free, a 4 KiB page as always. A 2 MiB leaf is always private: an unmap, protect or advise that
 * cuts it, a fork and a share break it into 512 4 KiB leaves of the same frame first (a split,
 * PTE_SW_PIECE on each), and the 2 MiB frame goes back whole (frame_free_huge()) when the last of
 * its pieces is let go.
 *
 * TLB: every change that removes or reduces a translation is flushed through the env's flush
 * callback before any frame it protected is freed or loses an owner (gather, flush, free;
 * src/mm/vmspace_gather.c).
 *
 * Concurrency: the caller serialises calls per space (a process's own lock; vmspace_fork() and
 * vmspace_share() need both spaces' locks), and nothing else. Calls on different spaces of one env
 * may run on several CPUs at once: the env holds no unsynchronised mutable state (env->frames is
 * an atomic counter, the reference counts live in frame_ref under its own lock). A space must not
 * be loaded in CR3 (on any CPU) when it is destroyed.
 *
 * Errors are VM_E* codes (vmspace_strerror() gives the sentence); a broken invariant panics
 * naming the virtual address.
 */
#ifndef FRAME64_VMSPACE_H
#define FRAME64_VMSPACE_H

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/frame_ref.h>
#include <frame64/types.h>

/*
 * Mappings may lie in [0, VMSPACE_USER_END). The last page below 2^47 stays unmapped, as in
 * Linux: a user RIP there would make sysret return to a non-canonical address, which faults in
 * ring 0 on Intel CPUs.
 */
#define VMSPACE_USER_END     (((uint64_t)1 << 47) - PAGE_SIZE)
#define VMSPACE_KERNEL_FIRST 256 /* first PML4 entry of the shared kernel half */

/*
 * Protection (prot) of an area. VM_WRITE or VM_EXEC imply VM_READ (x86 has no write-only or
 * execute-only pages); prot without any of the three is no access (the frames stay, the leaves
 * are not present). VM_EXEC is only enforced when the env has VMSPACE_NX. VM_USER lets ring 3
 * in. VM_WRITE | VM_EXEC together is refused (K_EPERM).
 */
#define VM_READ  0x1u
#define VM_WRITE 0x2u
#define VM_EXEC  0x4u
#define VM_USER  0x8u
#define VM_PROT  (VM_READ | VM_WRITE | VM_EXEC | VM_USER)

/* Options, or'd into prot: where each is accepted is said at the function. */
#define VM_POPULATE 0x10u /* vmspace_map_anon(): allocate and zero every page now */
#define VM_UNCACHED 0x20u /* vmspace_map_phys(): PCD | PWT, for device registers */
#define VM_HUGE     0x40u /* vmspace_map_anon(): as vmspace_advise(VMSPACE_HUGE) on the new area */
#define VM_NO_WRITE 0x80u /* vmspace_map_file(): the area may never be made writable */

/* Advice of vmspace_advise() (madvise's MADV_HUGEPAGE, MADV_NOHUGEPAGE, and neither). */
#define VMSPACE_ADVICE_NONE 0u /* the env's policy decides */
#define VMSPACE_HUGE        1u /* 2 MiB pages wherever they fit */
#define VMSPACE_NOHUGE      2u /* no new 2 MiB pages (those already there stay, as in Linux) */

/*
 * The env's huge-page policy (env->thp, may be changed at any time; Linux's
 * /sys/kernel/mm/transparent_hugepage/enabled): which anonymous areas without advice get 2 MiB
 * pages. The default is MADVISE: see docs/address-spaces.md "Huge pages" for why.
 */
#define VMSPACE_THP_MADVISE 0u /* only areas advised VMSPACE_HUGE (the default) */
#define VMSPACE_THP_ALWAYS  1u /* every anonymous area not advised VMSPACE_NOHUGE */
#define VMSPACE_THP_NEVER   2u /* none, whatever the advice */

/* Flags of vmspace_env_init(). */
#define VMSPACE_NX 0x1u /* EFER.NXE is on: pages without VM_EXEC get PTE_NX */

/*
 * Software-available bits of a user leaf (the CPU ignores bits 9..11 and 52..58 of a PTE).
 *   OWNED:    the space owns the frame (anonymous, or shared from an anonymous page): it is
 *             freed when its last owner lets go. Leaves without it (vmspace_map_phys(), or shared
 *             from such a page) are never freed.
 *   SHARED:   a shared mapping (vmspace_share(), MAP_SHARED-like): writes are seen by every
 *             mapping, also after fork. The frame may have other owners: unshare it through
 *             frame_ref before freeing (stale once only one is left, which is harmless).
 *   NOACCESS: a no-access page (prot without R/W/X): present bit clear, frame kept.
 *   COW:      copy-on-write since a fork: never PTE_WRITE; the first write to it (in an area with
 *             VM_WRITE) copies the frame, or just makes it writable if its other owners are gone.
 *             Always with OWNED, never with SHARED.
 *   PIECE:    (4 KiB leaves) the frame is one of the 512 of a 2 MiB frame that was mapped whole
 *             and split: when its last owner lets go it is not freed alone but counted off the
 *             2 MiB frame (env->pieces), which is freed whole with its last piece. With OWNED.
 * A 2 MiB leaf (PTE_HUGE in a PD entry) is OWNED, never SHARED, COW or PIECE.
 */
#define PTE_SW_OWNED    ((uint64_t)1 << 9)
#define PTE_SW_SHARED   ((uint64_t)1 << 10)
#define PTE_SW_NOACCESS ((uint64_t)1 << 11)
#define PTE_SW_COW      ((uint64_t)1 << 52)
#define PTE_SW_PIECE    ((uint64_t)1 << 53)

/*
 * Errors are the kernel's (include/frame64/error.h), meaning here: K_EPERM writable and
 * executable at once (W^X); K_ENOENT no area covers the address; K_ENOMEM no free frame, or the
 * area list or frame_ref table is at its limit; K_EACCES the area's protection does not allow the
 * access; K_EFAULT the address is not in the user half; K_EEXIST the range overlaps an area;
 * K_EINVAL an empty or misaligned range, unknown flags, a bad access, another env.
 */

/* What an error code means for an address space ("the range overlaps an existing mapping"). */
const char *vmspace_strerror(int err);

/*
 * What a failed vmspace_fault() with access at va means, for a kill line: "read of an unmapped
 * address", "write to a page that is not writable", "out of memory", "read of a kernel address",
 * ...
 */
const char *vmspace_fault_reason(int err, unsigned access, uint64_t va);

/*
 * As vmspace_fault_reason(), knowing the space the fault was in: K_ENOMEM on a write to a
 * copy-on-write page reads "out of memory copying a page it shares with its parent or child
 * since fork". Call it right after the failed vmspace_fault() (it looks at the leaf at va).
 */
struct vmspace;
const char *vmspace_fault_reason_in(const struct vmspace *s, int err, unsigned access, uint64_t va);

/*
 * What the flush callback must make the TLB forget: every translation of [start, end) in the
 * space whose PML4 is pml4, and (freed_tables) any paging-structure cache entry of tables that
 * were unlinked there. all: the range is longer than the env's flush_max_pages, reload CR3
 * (the kernel half is global) instead of one invlpg per page. On x86 one invlpg also drops every
 * paging-structure cache entry, so [start, end) need not span a freed table.
 * A space not loaded in CR3 has no TLB entries without PCID: the callback may then do nothing.
 * The callback must not call back into vmspace; frames are freed only after it returns. The
 * kernel's callback is tlb_flush() (include/frame64/smp.h): this CPU and every other that may hold
 * the space.
 */
struct vmspace_flush {
    phys_addr_t pml4;
    uint64_t start, end;
    bool all;
    bool freed_tables;
};
typedef void (*vmspace_flush_fn)(void *ctx, const struct vmspace_flush *f);

/* Private: frames from the pool used as one array, through a directory frame past one frame. */
struct vm_fvec {
    phys_addr_t root; /* the frame itself when frames == 1, else the directory */
    uint64_t frames;  /* data frames */
};

/*
 * What every space of a kernel shares. Set up by vmspace_env_init(); the first fields are
 * read-only afterwards, the last two are changed only atomically (frames) or under their own lock
 * (refs), so spaces of one env can be worked on by several CPUs at once.
 */
struct vmspace_env {
    struct frame_pool *pool;
    phys_addr_t kernel_pml4; /* the template for PML4 entries 256..511 */
    unsigned flags;          /* VMSPACE_NX */
    vmspace_flush_fn flush;
    void *flush_ctx;
    uint64_t flush_max_pages; /* ranges longer than this are flushed whole (may be changed) */
    uint64_t frames;          /* every frame the spaces hold from the pool: __atomic, relaxed */
    struct frame_ref refs;    /* owners of every owned frame that has more than one */
    unsigned thp;             /* VMSPACE_THP_*: which areas get 2 MiB pages (may be changed) */
    struct frame_ref pieces;  /* per split 2 MiB frame (by its base): its pieces still held */
    uint64_t pieces_idle;     /* frames of split 2 MiB frames let go, waiting for their siblings:
                                 __atomic, relaxed */
};

#define VMSPACE_FLUSH_MAX_PAGES 32 /* the default: Linux's single-page flush ceiling is 33 */

/*
 * Per-space accounting, exact at every return: each category counts frames (except phys and
 * areas). Over an env: env->frames == sum of (leaf + leaf_huge + tables + area_frames) over its
 * spaces - (shared_mappings - shared) + share_frames + pieces_idle (vmspace_env_get_stats()).
 *
 * The owned leaves by kind, for a per-process listing (leaf == leaf_private + leaf_cow +
 * leaf_shared); the kinds follow the leaf's marks, which a space changes only itself:
 *   leaf_private: mapped by this leaf alone: freed when it goes.
 *   leaf_cow:     copy-on-write since a fork: the frame was shared then, and still is unless the
 *                 other owners have gone since (the mark stays until the next write to the page,
 *                 which then takes the frame back without copying).
 *   leaf_shared:  shared mappings (vmspace_share(), in either space, and their forks).
 * frame_ref_count() tells how many owners a frame has now; the env totals are exact.
 */
struct vmspace_stats {
    uint64_t leaf;         /* leaves of frames the space owns (a frame mapped twice counts twice) */
    uint64_t phys;         /* leaves of frames it does not own (never freed; not counted above) */
    uint64_t pt, pd, pdpt; /* table frames per level */
    uint64_t pml4;         /* 1 while the space exists */
    uint64_t area_frames;  /* frames holding the area list */
    uint64_t areas;        /* areas in it */
    uint64_t leaf_private, leaf_cow, leaf_shared; /* leaf, by kind (above) */
    uint64_t tables;                              /* pt + pd + pdpt + pml4 */
    uint64_t leaf_huge; /* frames in 2 MiB leaves, 512 each: private, not counted in leaf */
    /* Counters since the space was made (information; they never go down): */
    uint64_t faults_4k; /* 4 KiB frames mapped on demand or by VM_POPULATE (not CoW copies) */
    uint64_t faults_2m; /* 2 MiB frames mapped on demand or by VM_POPULATE */
    uint64_t splits;    /* 2 MiB leaves broken into 4 KiB leaves */
};

struct vmspace_env_stats {
    uint64_t frames;          /* env->frames */
    uint64_t share_frames;    /* frames holding the frame_ref table */
    uint64_t shared;          /* owned frames with more than one owner (the table's entries) */
    uint64_t shared_mappings; /* their owners (owned leaves mapping them) in all spaces */
    uint64_t pieces_idle;     /* frames of split 2 MiB frames no leaf holds, freed with the last */
    uint64_t split_frames;    /* split 2 MiB frames not yet freed (information) */
};

/* An address space. Fields are private to src/mm/vmspace*.c (here so it can be embedded). */
struct vmspace {
    struct vmspace_env *env;
    phys_addr_t pml4; /* load this into CR3 */
    struct vm_fvec areas;
    struct vmspace_stats stats;
};

/*
 * Sets up env: spaces take frames from pool, copy the kernel half from kernel_pml4 (entries
 * 256..511, as they are: present or not, they must never change), flush through
 * flush(flush_ctx, ...). Return: K_OK; K_EINVAL for unknown flags, no flush callback or a
 * misaligned template (printed).
 */
int vmspace_env_init(struct vmspace_env *env, struct frame_pool *pool, phys_addr_t kernel_pml4,
                     unsigned flags, vmspace_flush_fn flush, void *flush_ctx);

/* A snapshot; with other CPUs working on spaces of env the fields may be of different moments. */
void vmspace_env_get_stats(struct vmspace_env *env, struct vmspace_env_stats *st);

/* A new, empty space: one PML4 frame. Return: K_OK or K_ENOMEM (s is then not a space). */
int vmspace_create(struct vmspace *s, struct vmspace_env *env);

/*
 * Unmaps everything, frees the tables (freewalk: a leaf left outside every area panics naming
 * it), flushes, then frees every frame the space owns and its PML4. Cannot fail. Afterwards s
 * is not a space. Panics if the kernel half was changed or the accounting does not reach zero.
 */
void vmspace_destroy(struct vmspace *s);

/*
 * A demand-zero area [va, va + size) with prot (| VM_POPULATE). Costs no page-table frame until
 * a page is touched. Return: K_OK; K_EINVAL, K_EPERM, K_EFAULT (outside the user half),
 * K_EEXIST (overlaps an area), K_ENOMEM (nothing changed).
 */
int vmspace_map_anon(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot);

/*
 * A fixed area mapping [va, va + size) to physical [phys, phys + size) with prot
 * (| VM_UNCACHED). The frames are not the space's: they are never freed, and must outlive the
 * mapping. Return: as vmspace_map_anon(); K_EINVAL also for phys misaligned or past 2^52.
 */
int vmspace_map_phys(struct vmspace *s, uint64_t va, phys_addr_t phys, uint64_t size,
                     unsigned prot);

/*
 * A fixed area [dst_va, dst_va + size) of dst mapping, page by page, the frames that
 * [src_va, src_va + size) of src maps, with prot. src may be dst (ranges must not overlap).
 * Demand-zero pages of the source are faulted in first, and its copy-on-write pages get their
 * own frame (as a write would), so the share is of src's own memory. Owned frames become shared
 * (PTE_SW_SHARED in both, one owner more in frame_ref): each is freed once, when its last mapping
 * goes. Return: K_OK; K_ENOENT if an area does not cover all of the source; as vmspace_map_anon()
 * otherwise. On K_ENOMEM dst is unchanged, though source pages may have been faulted in or
 * copied (they read as before) and marked shared.
 */
int vmspace_share(struct vmspace *dst, uint64_t dst_va, struct vmspace *src, uint64_t src_va,
                  uint64_t size, unsigned prot);

/*
 * fork: child, a space of parent's env fresh from vmspace_create() (no area), gets parent's areas
 * and mappings. Private anonymous frames (present or no-access) become copy-on-write in both:
 * mapped read-only with PTE_SW_COW, one owner more in frame_ref; the first write copies
 * (vmspace_fault()). Demand-zero pages never touched stay so in both and cost nothing; frames of
 * vmspace_map_phys() are mapped as they are (not owned); shared mappings (PTE_SW_SHARED) stay
 * shared and writable in both. The parent's leaves made read-only are flushed before it returns.
 * Cost: the page tables above the parent's mapped pages, and the frames are shared a page table's
 * worth at a time (frame_ref_share_many()).
 * The parent's 2 MiB pages are split first (2 MiB leaves are never shared; their pieces are).
 * Return: K_OK; K_EINVAL (another env, child == parent, child not empty); K_ENOMEM (no frame for
 * a table, the area list or the frame_ref table, or a frame at FRAME_REF_MAX owners): then parent
 * is as before but for 2 MiB pages already split (same frames, contents and rights) and child
 * holds nothing but its PML4 (vmspace_destroy() it, or retry).
 */
int vmspace_fork(struct vmspace *child, struct vmspace *parent);

/*
 * Frames of an outside owner (the in-memory file system's pages), mapped without a copy: mmap of
 * a file, and exec's text. The outside owner is one of the frame's owners in env->refs like any
 * leaf, so a frame lives until the last of the file and every mapping lets go, whatever the order:
 *   1. vmspace_env_hold(): one owner more for a leaf about to be placed (under the outside
 *      owner's lock, so the frame cannot go meanwhile);
 *   2. vmspace_place(): the leaves, into an area made for them: an anonymous one (a private
 *      mapping: copy-on-write leaves, the first write copies; the file's later writes show
 *      through until then, as in Linux) or a file area from vmspace_map_file() (shared leaves:
 *      writes reach the file's frame);
 *   3. the outside owner lets go of a frame with vmspace_env_disown() instead of freeing it.
 * Accounting: a frame the outside owner holds is not in env->frames (it is the owner's); its
 * leaves count in leaf and its owners in shared_mappings, so the env's sum holds. When the outside
 * owner lets go while leaves remain, vmspace_env_disown() counts the frame into env->frames; the
 * last leaf frees it.
 */

/* Step 1. Return: K_OK; K_ENOMEM (the frame_ref table cannot grow, or the frame has
 * FRAME_REF_MAX owners): nothing changed. */
int vmspace_env_hold(struct vmspace_env *env, phys_addr_t pa);
/* Gives back a hold that was never placed (freed if every other owner has gone). */
void vmspace_env_unhold(struct vmspace_env *env, phys_addr_t pa);
/*
 * Step 3: the outside owner lets go of pa. Return: true when it was the last owner (the caller
 * frees the frame, as it would without mappings); false when leaves keep it (they free it).
 */
bool vmspace_env_disown(struct vmspace_env *env, phys_addr_t pa);

/*
 * A shared file mapping's area [va, va + size) with prot (| VM_NO_WRITE: vmspace_protect() then
 * refuses VM_WRITE with K_EACCES, for a file opened read-only), empty: vmspace_place() fills it.
 * A page left without a leaf lies past the file's end: vmspace_fault() answers K_ERANGE there
 * (SIGBUS in Linux). Return: as vmspace_map_anon().
 */
int vmspace_map_file(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot);

/*
 * Step 2: maps pa[i] at va + i pages for i < n (PHYS_NONE: leave that page), each with a hold
 * from vmspace_env_hold() that becomes the leaf's owner. The pages must lie in one anonymous or
 * file area and have no leaf. In an anonymous area the leaves are copy-on-write, in a file area
 * shared with the area's rights. Return: K_OK; K_EINVAL (misaligned, not one such area, a page
 * already mapped), K_ENOMEM (no frame for a table): then the holds of pages not placed are given
 * back, the pages placed stay (the caller unmaps the area) and no empty table is left.
 */
int vmspace_place(struct vmspace *s, uint64_t va, const phys_addr_t *pa, uint64_t n);

/*
 * Removes every area in [va, va + size) (holes are fine, areas are cut at the ends), clears the
 * leaves, prunes the tables that became empty, flushes, then frees what was the space's alone.
 * A 2 MiB page the range cuts is split first (its frame goes back whole with its last piece).
 * Return: K_OK; K_EINVAL; K_EFAULT; K_ENOMEM if cutting a hole in one area needs an
 * area-list frame the pool does not have, or a split a table frame (nothing changed but a split
 * already made, which only the accounting sees).
 */
int vmspace_unmap(struct vmspace *s, uint64_t va, uint64_t size);

/*
 * Gives [va, va + size), which areas must cover entirely, protection prot, and flushes. K_EACCES
 * for VM_WRITE on an area of vmspace_map_file(VM_NO_WRITE) (nothing changed). A 2 MiB
 * page the range cuts is split first; one wholly inside keeps its 2 MiB leaf.
 * Return: K_OK; K_ENOENT (a hole in the range); K_EINVAL; K_EPERM; K_EFAULT; K_ENOMEM if
 * splitting areas needs an area-list frame the pool does not have, or a split a table frame
 * (nothing changed but a split already made).
 */
int vmspace_protect(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot);

/*
 * The page-fault handler's entry: access is VM_READ, VM_WRITE or VM_EXEC, | VM_USER when the
 * fault came from ring 3. Zero-fills a demand page on its first touch; a write to a
 * copy-on-write page (in an area with VM_WRITE) copies it into a new frame, or, when no other
 * owner is left (frame_ref_count() == 1), makes it writable as it is; a fault on a page that
 * is already mapped with the access allowed (a stale TLB entry) is resolved as it is.
 * Return: K_OK (resolved: retry the access); K_EFAULT (not a user address), K_ENOENT,
 * K_EACCES, K_ENOMEM (nothing changed), K_EINVAL (bad access), K_ERANGE (a page of a shared file
 * mapping past the file's end). vmspace_fault_reason() words
 * each for a kill line.
 */
int vmspace_fault(struct vmspace *s, uint64_t va, unsigned access);

/*
 * Validates a user buffer [va, va + len) for access (VM_READ or VM_WRITE; VM_USER implied) and
 * faults its pages in, so a system call can then copy without faulting. len 0 is fine.
 * Return: as vmspace_fault() for the first page that fails; K_EFAULT also if the buffer runs
 * past the user half or wraps.
 */
int vmspace_check_user(struct vmspace *s, uint64_t va, uint64_t len, unsigned access);

/*
 * Where a mapping of size bytes fits: the highest free range of that size inside [lo, hi)
 * (top-down, as Linux places mmap()s), for mmap without MAP_FIXED and for stacks; *va gets its
 * start. Nothing is reserved. Return: K_OK; K_ENOMEM if no gap is large enough; K_EINVAL
 * (empty, misaligned, lo >= hi); K_EFAULT (hi past VMSPACE_USER_END).
 */
int vmspace_find_free(const struct vmspace *s, uint64_t lo, uint64_t hi, uint64_t size,
                      uint64_t *va);

/*
 * The physical address va maps to now (PHYS_NONE: not mapped, a no-access page, or not a user
 * address); *flags (may be NULL) gets the leaf's flag bits, 0 when unmapped: PTE_SW_COW among
 * them for a copy-on-write page.
 */
phys_addr_t vmspace_translate(const struct vmspace *s, uint64_t va, uint64_t *flags);

void vmspace_get_stats(const struct vmspace *s, struct vmspace_stats *st);

/*
 * madvise(MADV_HUGEPAGE / MADV_NOHUGEPAGE) on [va, va + size), which areas must cover entirely:
 * advice is VMSPACE_HUGE, VMSPACE_NOHUGE or VMSPACE_ADVICE_NONE. It decides the pages faulted in
 * from now on; mapped pages stay as they are, except that a 2 MiB page the range cuts is split
 * (areas differ in advice on either side, as Linux splits at a VMA boundary).
 * Return: K_OK; K_ENOENT (a hole in the range); K_EINVAL; K_EFAULT; K_ENOMEM (no frame to split
 * areas or a 2 MiB page: a split already made stays, which nothing can see but the accounting).
 */
int vmspace_advise(struct vmspace *s, uint64_t va, uint64_t size, unsigned advice);

/* Whether no area meets [va, va + size) (page aligned, inside the user half). */
bool vmspace_is_free(const struct vmspace *s, uint64_t va, uint64_t size);

/*
 * The i-th area of s in address order (for /proc/PID/maps): its range and protection. Return:
 * false past the last one.
 */
bool vmspace_area_get(const struct vmspace *s, uint64_t i, uint64_t *start, uint64_t *end,
                      unsigned *prot);

#endif
