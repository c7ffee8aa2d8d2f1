/* SPDX-License-Identifier: 0BSD */
/*
 * Table lifetime for address spaces that own their tables (see include/frame64/pagetable.h):
 * finding and creating the slot of one 4 KiB leaf, pruning tables that became empty, and the
 * xv6-style freewalk that takes every table back once the leaves are gone. Kept apart from
 * src/mm/pagetable.c, which builds and clears mappings but never frees a table.
 *
 * Levels are counted from the leaf as there: 0 = PT, 1 = PD, 2 = PDPT, 3 = PML4.
 */
#include <frame64/pagetable.h>

#include <frame64/error.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#define TOP_LEVEL  3
#define ENTRIES    512
#define PHYS_LIMIT ((uint64_t)1 << 52)
#define LOWER_END  ((uint64_t)1 << 47)
#define VIRT_BITS  48

static uint64_t level_size(int level)
{
    return (uint64_t)1 << (PAGE_SHIFT + 9 * level);
}

static bool canonical(uint64_t virt)
{
    uint64_t top = virt >> (VIRT_BITS - 1);
    return top == 0 || top == (UINT64_MAX >> (VIRT_BITS - 1));
}

static uint64_t *entry_ptr(phys_addr_t table, uint64_t virt, int level)
{
    uint64_t index = (virt >> (PAGE_SHIFT + 9 * level)) % ENTRIES;
    return (uint64_t *)phys_to_virt(table + index * sizeof(uint64_t));
}

/* Whether a present entry above the PT links to a table (rather than being a huge leaf). */
static bool is_link(uint64_t e, int level, uint64_t virt)
{
    if (level == TOP_LEVEL && (e & PTE_HUGE))
        panic("page tables: PML4 entry %lx for virt %lx has the reserved PS bit set", e, virt);
    return (e & PTE_PRESENT) && !(e & PTE_HUGE);
}

static void check_root(phys_addr_t pml4, const char *who)
{
    if (!IS_ALIGNED(pml4, PAGE_SIZE) || pml4 >= PHYS_LIMIT)
        panic("%s: PML4 at %lx is not a 4 KiB aligned frame below 2^52", who, pml4);
}

/* The range rules of pt_unmap(): non-empty, 4 KiB aligned, inside one canonical half. */
static bool range_ok(uint64_t virt, uint64_t size)
{
    uint64_t room = virt < LOWER_END ? LOWER_END - virt : 0 - virt;
    return size != 0 && IS_ALIGNED(virt | size, PAGE_SIZE) && canonical(virt) && size <= room;
}

uint64_t *pt_find(phys_addr_t pml4, uint64_t virt, int *level)
{
    check_root(pml4, "pt_find");
    *level = -1;
    if (!canonical(virt))
        return NULL;
    phys_addr_t table = pml4;
    for (int l = TOP_LEVEL;; l--) {
        uint64_t *e = entry_ptr(table, virt, l);
        if (l == 0 || !is_link(*e, l, virt)) {
            *level = l;
            return e;
        }
        table = *e & PTE_ADDR_MASK;
    }
}

int pt_leaf_slot(phys_addr_t pml4, uint64_t virt, uint64_t link, pt_table_alloc_fn alloc, void *ctx,
                 uint64_t **slot)
{
    check_root(pml4, "pt_leaf_slot");
    if (!canonical(virt) || !IS_ALIGNED(virt, PAGE_SIZE) || (link & ~(PTE_WRITE | PTE_USER)))
        return K_EINVAL;
    phys_addr_t table = pml4;
    for (int l = TOP_LEVEL; l > 0; l--) {
        uint64_t *e = entry_ptr(table, virt, l);
        if (!(*e & PTE_PRESENT)) {
            phys_addr_t t = alloc(ctx, l - 1);
            if (t == PHYS_NONE)
                return K_ENOMEM;
            if (!IS_ALIGNED(t, PAGE_SIZE) || t >= PHYS_LIMIT)
                panic("pt_leaf_slot: allocator returned %lx, not a 4 KiB aligned frame below 2^52",
                      t);
            memset(phys_to_virt(t), 0, PAGE_SIZE);
            *e = t | PTE_PRESENT | link; /* linked only once it is all zeroes */
        } else if (!is_link(*e, l, virt)) {
            return K_EINVAL; /* a huge page covers virt */
        }
        table = *e & PTE_ADDR_MASK;
    }
    *slot = entry_ptr(table, virt, 0);
    return K_OK;
}

static bool table_empty(phys_addr_t table)
{
    const uint64_t *e = phys_to_virt(table);
    for (unsigned i = 0; i < ENTRIES; i++)
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
    uint64_t sz = level_size(level);
    uint64_t *e = entry_ptr(table, virt, level); /* the slots of the range are consecutive */
    for (uint64_t off = 0; off < size; e++) {
        uint64_t v = virt + off;
        uint64_t base = ALIGN_DOWN(v, sz);
        uint64_t step = MIN(base + sz - v, size - off);
        off += step;
        if (*e == 0)
            continue;
        if (level > 0 && is_link(*e, level, v)) {
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
    check_root(pml4, "pt_prune");
    if (!range_ok(virt, size))
        return K_EINVAL;
    walk_tables(pml4, TOP_LEVEL, virt, size, false, release, ctx);
    return K_OK;
}

int pt_free_tables(phys_addr_t pml4, uint64_t virt, uint64_t size, pt_table_free_fn release,
                   void *ctx)
{
    check_root(pml4, "pt_free_tables");
    if (!range_ok(virt, size))
        return K_EINVAL;
    walk_tables(pml4, TOP_LEVEL, virt, size, true, release, ctx);
    return K_OK;
}
