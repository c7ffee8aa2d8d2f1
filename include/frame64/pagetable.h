/* SPDX-License-Identifier: 0BSD */
/*
 * x86_64 4-level page tables (PML4 -> PDPT -> PD -> PT) as plain data: build, walk and clear
 * mappings of 4 KiB, 2 MiB and 1 GiB pages. No hardware access: the caller passes the physical
 * address of its PML4, loads CR3 and flushes the TLB itself (after a remap or an unmap, every
 * changed address must be flushed). Tables are read and written only through phys_to_virt().
 *
 * Policies:
 *   - pt_map() overwrites leaf entries already in its way (same page size), so remapping is
 *     allowed. Where a table already hangs below a slot that could take a huge page, it maps
 *     through that table with smaller pages instead of orphaning it. It never splits a huge page:
 *     a smaller mapping inside an existing huge page is K_EINVAL, and nothing is changed.
 *   - Argument and conflict errors (K_EINVAL, K_ERANGE) are found before anything is written.
 *     K_ENOMEM can happen part way: the range is mapped in ascending order, so the pages below the
 *     failing address are mapped, the rest is untouched; tables allocated so far are zeroed and
 *     linked (no entry is ever half-written). Calling pt_map() again with more frames finishes it.
 *   - Intermediate entries are made permissive (PRESENT|WRITE, USER when the leaf has it, no NX),
 *     existing ones widened the same way, so the leaf flags alone decide access.
 *   - A misaligned PML4, a frame the allocator hands out misaligned or above 2^52, and a PS bit in
 *     a PML4 entry are broken invariants: they panic.
 */
#ifndef FRAME64_PAGETABLE_H
#define FRAME64_PAGETABLE_H

#include <frame64/types.h>

/* Page-table entry bits (the same positions at every level unless noted). */
#define PTE_PRESENT  ((uint64_t)1 << 0)
#define PTE_WRITE    ((uint64_t)1 << 1)
#define PTE_USER     ((uint64_t)1 << 2)
#define PTE_PWT      ((uint64_t)1 << 3) /* write-through */
#define PTE_PCD      ((uint64_t)1 << 4) /* cache disable */
#define PTE_ACCESSED ((uint64_t)1 << 5)
#define PTE_DIRTY    ((uint64_t)1 << 6) /* leaves only */
#define PTE_HUGE     ((uint64_t)1 << 7) /* PS: a 2 MiB (PD) or 1 GiB (PDPT) leaf; set by pt_map() */
#define PTE_GLOBAL   ((uint64_t)1 << 8) /* leaves only; needs CR4.PGE */
#define PTE_NX       ((uint64_t)1 << 63) /* no execute; reserved unless EFER.NXE is set */
/* The physical address in an entry: bits 12..51 (a huge leaf uses bits 21.. or 30.. of it). */
#define PTE_ADDR_MASK ((uint64_t)0x000ffffffffff000)

/* The leaf flags pt_map() accepts; PRESENT is always added, HUGE is chosen by pt_map(). */
#define PTE_MAP_FLAGS                                                                              \
    (PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_PWT | PTE_PCD | PTE_ACCESSED | PTE_DIRTY |           \
     PTE_GLOBAL | PTE_NX)

/* Page sizes pt_map() may use (a bit mask). 4 KiB is always allowed, named for readability. */
#define PT_4K 1u
#define PT_2M 2u
#define PT_1G 4u /* only where CPUID.80000001h:EDX.Page1GB is set */

/* Levels counted from the leaf; the callbacks name a table by its level. */
#define PT_LEVEL_PT   0 /* a page table: 512 leaves of 4 KiB */
#define PT_LEVEL_PD   1
#define PT_LEVEL_PDPT 2
#define PT_LEVEL_PML4 3

/*
 * Hands out one 4 KiB frame for a new table at level (PT_LEVEL_PT .. PT_LEVEL_PDPT); the walker
 * zeroes it before linking it. The one callback type for table frames: pt_map(), pt_link_pdpt()
 * and pt_leaf_slot() all take it. Return: the frame, or PHYS_NONE.
 */
typedef phys_addr_t (*pt_alloc_fn)(void *ctx, int level);

/*
 * Maps virtual [virt, virt + size) to physical [phys, phys + size) with leaf flags flags
 * (PTE_MAP_FLAGS), using at each address the largest page of page_sizes to which both addresses
 * are aligned and that fits in what is left. virt must be canonical and the range must stay in
 * its half; virt, phys and size 4 KiB aligned, size > 0. Table frames come from
 * alloc(ctx, level).
 * Return: K_OK; K_EINVAL for bad arguments or a huge page in the way (nothing changed);
 * K_ERANGE if phys + size passes 2^52; K_ENOMEM if alloc failed (the part below is mapped).
 */
int pt_map(phys_addr_t pml4, uint64_t virt, phys_addr_t phys, uint64_t size, uint64_t flags,
           unsigned page_sizes, pt_alloc_fn alloc, void *ctx);

/*
 * Walks the tables for virt; flags_out gets the leaf's flag bits (entry without its address,
 * PTE_HUGE for a huge page) and page_size_out its page size; both get 0 if virt is not mapped,
 * and either may be NULL. Return: the physical address of virt, or PHYS_NONE (also for a
 * non-canonical virt).
 */
phys_addr_t pt_translate(phys_addr_t pml4, uint64_t virt, uint64_t *flags_out,
                         uint64_t *page_size_out);

/*
 * Clears the leaves mapping [virt, virt + size) (same argument rules as pt_map()); holes are
 * skipped, tables are kept even when they become empty. Return: K_OK, or K_EINVAL for bad
 * arguments or a huge page only partly inside the range (nothing changed).
 */
int pt_unmap(phys_addr_t pml4, uint64_t virt, uint64_t size);

/*
 * Table frames pt_map() allocates for [virt, virt + size) and page_sizes in an empty PML4,
 * assuming phys is congruent to virt modulo the largest page used (true for a direct map or an
 * identity map); with other phys pt_map() may need more. Return: the count (0 for size 0).
 */
uint64_t pt_tables_needed(uint64_t virt, uint64_t size, unsigned page_sizes);

/*
 * Makes the PML4 entry for virt point at a PDPT, allocating an empty one if there is none, so that
 * everything mapped under it later is seen through every PML4 that copied the entry (the kernel
 * half of each address space). Return: K_OK; K_EINVAL if virt is not canonical; K_ENOMEM.
 */
int pt_link_pdpt(phys_addr_t pml4, uint64_t virt, pt_alloc_fn alloc, void *ctx);

/*
 * Table lifetime, for address spaces that own their tables (src/mm/pagetable_walk.c). Slots are
 * found or made here for 4 KiB leaves (pt_leaf_slot) and 2 MiB leaves (pt_huge_slot), which the
 * caller writes; tables are linked zeroed, unlinked only once empty (pt_prune) or when
 * the whole space goes (pt_free_tables), and handed back through a callback so the caller can
 * flush the TLB before it frees them.
 */

/* Takes back a table at level, already unlinked, that mapped virtual addresses from virt on. */
typedef void (*pt_table_free_fn)(void *ctx, phys_addr_t table, int level, uint64_t virt);

/*
 * Walks the tables for virt and stops at the first entry that is not a link to a table: a PT
 * entry (*level 0, present or not), or at *level 1..3 an entry that is zero (nothing is mapped in
 * its whole slot) or a huge leaf (levels 1 and 2; a non-present but non-zero entry is taken for a
 * huge leaf too: an address space's no-access 2 MiB page keeps its frame). Nothing is changed.
 * Return: a pointer to that entry, or NULL (and *level -1) for a non-canonical virt.
 */
uint64_t *pt_find(phys_addr_t pml4, uint64_t virt, int *level);

/*
 * The PT entry for the 4 KiB page at virt, linking zeroed tables from alloc(ctx, level) where
 * they are missing; new links get PTE_PRESENT | link (link: PTE_WRITE and/or PTE_USER), existing
 * tables are used as they are. Return: K_OK with *slot set; K_ENOMEM if alloc failed (the tables
 * linked so far stay, empty, for pt_prune()); K_EINVAL for a non-canonical or misaligned virt, a
 * link with other bits, or a huge page covering virt (nothing changed).
 */
int pt_leaf_slot(phys_addr_t pml4, uint64_t virt, uint64_t link, pt_alloc_fn alloc, void *ctx,
                 uint64_t **slot);

/*
 * The PD entry for the 2 MiB page at virt (2 MiB aligned), linking zeroed tables above it as
 * pt_leaf_slot() does. The entry is returned as it is: zero (free for a 2 MiB leaf), a 2 MiB leaf,
 * or a link to a page table (4 KiB pages are there); the caller decides. Return: K_OK with *slot
 * set; K_ENOMEM (tables linked so far stay, empty, for pt_prune()); K_EINVAL for a non-canonical
 * or misaligned virt, a link with other bits, or a 1 GiB page covering virt.
 */
int pt_huge_slot(phys_addr_t pml4, uint64_t virt, uint64_t link, pt_alloc_fn alloc, void *ctx,
                 uint64_t **slot);

/*
 * Unlinks every table below the PML4 that is empty (all 512 entries zero) and whose slot meets
 * [virt, virt + size), bottom-up, so a PD emptied by its last PT going also goes; each is handed to
 * release(). Leaves are not touched. Same range rules as pt_unmap() (K_EINVAL, nothing done).
 */
int pt_prune(phys_addr_t pml4, uint64_t virt, uint64_t size, pt_table_free_fn release, void *ctx);

/*
 * xv6's freewalk: unlinks and hands to release() every table whose whole slot lies inside
 * [virt, virt + size), bottom-up. The leaves must be gone already: a non-zero entry that is not a
 * link (a 4 KiB or huge leaf, or software bits in a non-present entry) inside the range is a
 * broken invariant and panics naming its virtual address. Same range rules as pt_unmap().
 */
int pt_free_tables(phys_addr_t pml4, uint64_t virt, uint64_t size, pt_table_free_fn release,
                   void *ctx);

#endif
