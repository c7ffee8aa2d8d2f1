/* SPDX-License-Identifier: 0BSD */
/*
 * x86_64 mappings: building, reading and clearing them (see include/frame64/pagetable.h for the
 * policies). Every address is reached through pt_walk() (src/mm/pagetable_walk.c), the one
 * descent; what is here is the policy on top of it.
 *
 * Levels are counted from the leaf: 0 = PT (4 KiB pages), 1 = PD (2 MiB), 2 = PDPT (1 GiB),
 * 3 = PML4. pt_map() and pt_unmap() walk the range twice: a dry run that only reads and rejects
 * conflicts, then the run that writes. So an error other than running out of frames leaves the
 * tables exactly as they were.
 */
#include "pagetable_internal.h"

#include <frame64/error.h>
#include <frame64/kprintf.h>

static const char *level_name(int level)
{
    static const char *const names[] = {"4 KiB page", "2 MiB page", "1 GiB page", "PML4 entry"};
    return names[level];
}

/* The range rule (pt_range_fault()) for pt_map() and pt_unmap(). Return: K_OK or K_EINVAL. */
static int check_virt_range(const char *who, uint64_t virt, uint64_t size)
{
    const char *fault = pt_range_fault(virt, size);
    if (!fault)
        return K_OK;
    kprintf("%s: [%lx, +%lx) %s\n", who, virt, size, fault);
    return K_EINVAL;
}

/* The largest allowed page level at which virt and phys are aligned and that fits in left. */
static int best_level(uint64_t virt, phys_addr_t phys, uint64_t left, unsigned page_sizes)
{
    for (int level = 2; level > 0; level--) {
        uint64_t sz = pt_level_size(level);
        if ((page_sizes & (1u << level)) && IS_ALIGNED(virt | phys, sz) && left >= sz)
            return level;
    }
    return 0;
}

struct map_req {
    phys_addr_t pml4;
    uint64_t virt;
    phys_addr_t phys;
    uint64_t size;
    uint64_t flags; /* leaf flags including PRESENT */
    unsigned page_sizes;
    pt_alloc_fn alloc;
    void *ctx;
};

/* The next page level below level that page_sizes allows (level 0, 4 KiB, always is). */
static int smaller_level(int level, unsigned page_sizes)
{
    do
        level--;
    while (level > 0 && !(page_sizes & (1u << level)));
    return level;
}

/*
 * Walks down to the largest allowed page that fits at offset off of the request. With commit
 * false nothing is written and the walk stops early at an empty slot; with commit true missing
 * tables are linked in, links passed are widened, and the page is written.
 * Return: K_OK with *step = the bytes done, K_EINVAL (a larger page is in the way) or K_ENOMEM.
 */
static int map_one(const struct map_req *r, bool commit, uint64_t off, uint64_t *step)
{
    const struct pt_grow grow = {r->alloc, r->ctx, PTE_WRITE | (r->flags & PTE_USER), true,
                                 "pt_map"};
    uint64_t v = r->virt + off, p = r->phys + off, left = r->size - off;
    int target = best_level(v, p, left, r->page_sizes);

    for (;;) {
        uint64_t *e;
        int level;
        int err = pt_walk(r->pml4, v, target, commit ? &grow : NULL, &e, &level);
        if (err != K_OK) {
            kprintf("pt_map: out of table frames at %lx (%lx of %lx bytes mapped)\n", v, off,
                    r->size);
            return err;
        }
        if (level == target && pt_is_link(*e, level, v)) {
            /* A table is already here: map through it with smaller pages. */
            target = smaller_level(target, r->page_sizes);
            continue;
        }
        if (level == target) {
            if (commit)
                *e = p | r->flags | (level > 0 ? PTE_HUGE : 0);
            *step = pt_level_size(level);
            return K_OK;
        }
        if (!(*e & PTE_PRESENT)) { /* dry run: nothing below, no conflict possible in this slot */
            *step = MIN(pt_slot_left(v, level), left);
            return K_OK;
        }
        kprintf("pt_map: %lx is inside a %s at %lx; a %s would split it\n", v, level_name(level),
                ALIGN_DOWN(v, pt_level_size(level)), level_name(target));
        return K_EINVAL;
    }
}

/*
 * One pass of pt_map(). With commit false nothing is written and conflicts are reported; with
 * commit true the range is mapped, in ascending order, until done or an error.
 */
static int map_pass(const struct map_req *r, bool commit)
{
    for (uint64_t off = 0; off < r->size;) {
        uint64_t step;
        int err = map_one(r, commit, off, &step);
        if (err != K_OK)
            return err;
        off += step;
    }
    return K_OK;
}

int pt_map(phys_addr_t pml4, uint64_t virt, phys_addr_t phys, uint64_t size, uint64_t flags,
           unsigned page_sizes, pt_alloc_fn alloc, void *ctx)
{
    pt_check_root(pml4, "pt_map");
    int err = check_virt_range("pt_map", virt, size);
    if (err != K_OK)
        return err;
    if (!IS_ALIGNED(phys, PAGE_SIZE)) {
        kprintf("pt_map: physical address %lx is not 4 KiB aligned\n", phys);
        return K_EINVAL;
    }
    if (phys >= PT_PHYS_LIMIT || size > PT_PHYS_LIMIT - phys) {
        kprintf("pt_map: physical [%lx, +%lx) passes 2^52\n", phys, size);
        return K_ERANGE;
    }
    if ((flags & ~PTE_MAP_FLAGS) || (page_sizes & ~(PT_4K | PT_2M | PT_1G))) {
        kprintf("pt_map: unsupported flags %lx or page sizes %x\n", flags & ~PTE_MAP_FLAGS,
                page_sizes);
        return K_EINVAL;
    }

    struct map_req r = {pml4, virt, phys, size, flags | PTE_PRESENT, page_sizes, alloc, ctx};
    err = map_pass(&r, false);
    if (err == K_OK)
        err = map_pass(&r, true);
    return err;
}

phys_addr_t pt_translate(phys_addr_t pml4, uint64_t virt, uint64_t *flags_out,
                         uint64_t *page_size_out)
{
    pt_check_root(pml4, "pt_translate");
    if (flags_out)
        *flags_out = 0;
    if (page_size_out)
        *page_size_out = 0;
    if (!pt_canonical(virt))
        return PHYS_NONE;

    uint64_t *e;
    int level;
    pt_walk(pml4, virt, PT_LEVEL_PT, NULL, &e, &level);
    if (!(*e & PTE_PRESENT))
        return PHYS_NONE;
    uint64_t sz = pt_level_size(level);
    if (flags_out)
        *flags_out = *e & ~PTE_ADDR_MASK;
    if (page_size_out)
        *page_size_out = sz;
    return (*e & PTE_ADDR_MASK & ~(sz - 1)) | (virt & (sz - 1));
}

/* One pass of pt_unmap(); see map_pass() for commit. */
static int unmap_pass(phys_addr_t pml4, uint64_t virt, uint64_t size, bool commit)
{
    for (uint64_t off = 0; off < size;) {
        uint64_t v = virt + off, left = size - off;
        uint64_t *e;
        int level;
        pt_walk(pml4, v, PT_LEVEL_PT, NULL, &e, &level);
        uint64_t sz = pt_level_size(level);
        if (!(*e & PTE_PRESENT)) {
            off += MIN(pt_slot_left(v, level), left);
            continue;
        }
        if (!IS_ALIGNED(v, sz) || left < sz) {
            kprintf("pt_unmap: [%lx, +%lx) covers only part of the %s at %lx\n", virt, size,
                    level_name(level), ALIGN_DOWN(v, sz));
            return K_EINVAL;
        }
        if (commit)
            *e = 0;
        off += sz;
    }
    return K_OK;
}

int pt_unmap(phys_addr_t pml4, uint64_t virt, uint64_t size)
{
    pt_check_root(pml4, "pt_unmap");
    int err = check_virt_range("pt_unmap", virt, size);
    if (err == K_OK)
        err = unmap_pass(pml4, virt, size, false);
    if (err == K_OK)
        err = unmap_pass(pml4, virt, size, true);
    return err;
}

/* Slots of size gran that [lo, hi) touches. */
static uint64_t slots_touched(uint64_t lo, uint64_t hi, uint64_t gran)
{
    return (ALIGN_UP(hi, gran) - ALIGN_DOWN(lo, gran)) / gran;
}

/* Slots of size gran that lie wholly inside [lo, hi). */
static uint64_t slots_covered(uint64_t lo, uint64_t hi, uint64_t gran)
{
    uint64_t a = ALIGN_UP(lo, gran), b = ALIGN_DOWN(hi, gran);
    return b > a ? (b - a) / gran : 0;
}

uint64_t pt_tables_needed(uint64_t virt, uint64_t size, unsigned page_sizes)
{
    /* In 48-bit linear terms both halves are one contiguous space and nothing overflows. */
    uint64_t lo = virt & ((((uint64_t)1) << PT_VIRT_BITS) - 1);
    uint64_t hi = lo + MIN(size, ((uint64_t)1 << PT_VIRT_BITS) - lo);
    if (hi == lo)
        return 0;

    uint64_t pdpts = slots_touched(lo, hi, pt_level_size(3));
    uint64_t pds = slots_touched(lo, hi, pt_level_size(2));
    uint64_t pts = slots_touched(lo, hi, pt_level_size(1));
    uint64_t giant = (page_sizes & PT_1G) ? slots_covered(lo, hi, pt_level_size(2)) : 0;
    pds -= giant;
    if (page_sizes & PT_2M)
        pts -= slots_covered(lo, hi, pt_level_size(1)); /* includes the 1 GiB-covered ones */
    else
        pts -= giant * PT_ENTRIES;
    return pdpts + pds + pts;
}

int pt_link_pdpt(phys_addr_t pml4, uint64_t virt, pt_alloc_fn alloc, void *ctx)
{
    pt_check_root(pml4, "pt_link_pdpt");
    if (!pt_canonical(virt)) {
        kprintf("pt_link_pdpt: %lx is not canonical\n", virt);
        return K_EINVAL;
    }
    /* An existing PDPT is kept as it is; a PS bit in its PML4 entry panics on the way. */
    const struct pt_grow grow = {alloc, ctx, PTE_WRITE, false, "pt_link_pdpt"};
    uint64_t *e;
    int level;
    return pt_walk(pml4, virt, PT_LEVEL_PDPT, &grow, &e, &level);
}
