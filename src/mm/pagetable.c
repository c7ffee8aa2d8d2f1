/* SPDX-License-Identifier: 0BSD */
/*
 * x86_64 page-table builder and walker (see include/frame64/pagetable.h for the policies).
 *
 * Levels are counted from the leaf: 0 = PT (4 KiB pages), 1 = PD (2 MiB), 2 = PDPT (1 GiB),
 * 3 = PML4. pt_map() and pt_unmap() walk the range twice: a dry run that only reads and rejects
 * conflicts, then the run that writes. So an error other than running out of frames leaves the
 * tables exactly as they were.
 */
#include <frame64/pagetable.h>

#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#define PT_TOP_LEVEL 3
#define PT_ENTRIES   512
#define PHYS_LIMIT   ((uint64_t)1 << 52) /* what an entry's address field can hold */
#define LOWER_END    ((uint64_t)1 << 47) /* end of the lower canonical half */
#define VIRT_BITS    48

static uint64_t level_size(int level)
{
    return (uint64_t)1 << (PAGE_SHIFT + 9 * level);
}

static const char *level_name(int level)
{
    static const char *const names[] = {"4 KiB page", "2 MiB page", "1 GiB page", "PML4 entry"};
    return names[level];
}

static bool canonical(uint64_t virt)
{
    uint64_t top = virt >> (VIRT_BITS - 1); /* bits 47..63: all zero or all one */
    return top == 0 || top == (UINT64_MAX >> (VIRT_BITS - 1));
}

/* The entry for virt in the table at physical address table, at level. */
static uint64_t *entry_ptr(phys_addr_t table, uint64_t virt, int level)
{
    uint64_t index = (virt >> (PAGE_SHIFT + 9 * level)) % PT_ENTRIES;
    return (uint64_t *)phys_to_virt(table + index * sizeof(uint64_t));
}

/* Whether a present entry maps a page itself rather than pointing to a table. */
static bool is_leaf(uint64_t e, int level, uint64_t virt)
{
    if (level == 0)
        return true;
    if (level == PT_TOP_LEVEL && (e & PTE_HUGE))
        panic("page tables: PML4 entry %lx for virt %lx has the reserved PS bit set", e, virt);
    return (e & PTE_HUGE) != 0;
}

/* Bytes from virt to the end of its slot at level (wraps correctly at the top of memory). */
static uint64_t slot_left(uint64_t virt, int level)
{
    return ALIGN_DOWN(virt, level_size(level)) + level_size(level) - virt;
}

static void check_root(phys_addr_t pml4, const char *who)
{
    if (!IS_ALIGNED(pml4, PAGE_SIZE) || pml4 >= PHYS_LIMIT)
        panic("%s: PML4 at %lx is not a 4 KiB aligned frame below 2^52", who, pml4);
}

/* Argument checks shared by pt_map() and pt_unmap(). Return: K_OK or K_EINVAL (with a message). */
static int check_virt_range(const char *who, uint64_t virt, uint64_t size)
{
    if (size == 0 || !IS_ALIGNED(virt, PAGE_SIZE) || !IS_ALIGNED(size, PAGE_SIZE)) {
        kprintf("%s: [%lx, +%lx) is empty or not 4 KiB aligned\n", who, virt, size);
        return K_EINVAL;
    }
    uint64_t room = virt < LOWER_END ? LOWER_END - virt : 0 - virt;
    if (!canonical(virt) || size > room) {
        kprintf("%s: [%lx, +%lx) is not inside one canonical half\n", who, virt, size);
        return K_EINVAL;
    }
    return K_OK;
}

/* The largest allowed page level at which virt and phys are aligned and that fits in left. */
static int best_level(uint64_t virt, phys_addr_t phys, uint64_t left, unsigned page_sizes)
{
    for (int level = 2; level > 0; level--) {
        uint64_t sz = level_size(level);
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

/* A new zeroed table linked into *e. Return: K_OK or K_ENOMEM. */
static int link_new_table(const struct map_req *r, uint64_t *e, uint64_t link)
{
    phys_addr_t t = r->alloc(r->ctx);
    if (t == PHYS_NONE)
        return K_ENOMEM;
    if (!IS_ALIGNED(t, PAGE_SIZE) || t >= PHYS_LIMIT)
        panic("pt_map: allocator returned %lx, not a 4 KiB aligned frame below 2^52", t);
    memset(phys_to_virt(t), 0, PAGE_SIZE);
    *e = t | link; /* linked only once it is all zeroes */
    return K_OK;
}

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
 * tables are linked in and the page is written.
 * Return: K_OK with *step = the bytes done, K_EINVAL (a larger page is in the way) or K_ENOMEM.
 */
static int map_one(const struct map_req *r, bool commit, uint64_t off, uint64_t *step)
{
    uint64_t link = PTE_PRESENT | PTE_WRITE | (r->flags & PTE_USER);
    uint64_t v = r->virt + off, p = r->phys + off, left = r->size - off;
    int target = best_level(v, p, left, r->page_sizes);
    phys_addr_t table = r->pml4;

    for (int level = PT_TOP_LEVEL;; level--) {
        uint64_t *e = entry_ptr(table, v, level);
        uint64_t old = *e;
        bool present = old & PTE_PRESENT;

        if (level == target) {
            if (!present || is_leaf(old, level, v)) {
                if (commit)
                    *e = p | r->flags | (level > 0 ? PTE_HUGE : 0);
                *step = level_size(level);
                return K_OK;
            }
            /* A table is already here: map through it with smaller pages. */
            target = smaller_level(target, r->page_sizes);
        }
        if (!present) {
            if (!commit) { /* nothing below: no conflict possible in this slot */
                *step = MIN(slot_left(v, level), left);
                return K_OK;
            }
            int err = link_new_table(r, e, link);
            if (err != K_OK) {
                kprintf("pt_map: out of table frames at %lx (%lx of %lx bytes mapped)\n", v, off,
                        r->size);
                return err;
            }
            old = *e;
        } else if (is_leaf(old, level, v)) {
            kprintf("pt_map: %lx is inside a %s at %lx; a %s would split it\n", v,
                    level_name(level), ALIGN_DOWN(v, level_size(level)), level_name(target));
            return K_EINVAL;
        } else if (commit && (old & (link | PTE_NX)) != link) {
            old = (old | link) & ~PTE_NX; /* widen it so the leaf alone decides */
            *e = old;
        }
        table = old & PTE_ADDR_MASK;
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
    check_root(pml4, "pt_map");
    int err = check_virt_range("pt_map", virt, size);
    if (err != K_OK)
        return err;
    if (!IS_ALIGNED(phys, PAGE_SIZE)) {
        kprintf("pt_map: physical address %lx is not 4 KiB aligned\n", phys);
        return K_EINVAL;
    }
    if (phys >= PHYS_LIMIT || size > PHYS_LIMIT - phys) {
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
    check_root(pml4, "pt_translate");
    if (flags_out)
        *flags_out = 0;
    if (page_size_out)
        *page_size_out = 0;
    if (!canonical(virt))
        return PHYS_NONE;

    phys_addr_t table = pml4;
    for (int level = PT_TOP_LEVEL;; level--) {
        uint64_t e = *entry_ptr(table, virt, level);
        if (!(e & PTE_PRESENT))
            return PHYS_NONE;
        if (is_leaf(e, level, virt)) {
            uint64_t sz = level_size(level);
            if (flags_out)
                *flags_out = e & ~PTE_ADDR_MASK;
            if (page_size_out)
                *page_size_out = sz;
            return (e & PTE_ADDR_MASK & ~(sz - 1)) | (virt & (sz - 1));
        }
        table = e & PTE_ADDR_MASK;
    }
}

/* One pass of pt_unmap(); see map_pass() for commit. */
static int unmap_pass(phys_addr_t pml4, uint64_t virt, uint64_t size, bool commit)
{
    uint64_t off = 0;

    while (off < size) {
        uint64_t v = virt + off, left = size - off, step = 0;
        phys_addr_t table = pml4;

        for (int level = PT_TOP_LEVEL;; level--) {
            uint64_t *e = entry_ptr(table, v, level);
            uint64_t sz = level_size(level);
            if (!(*e & PTE_PRESENT)) {
                step = MIN(slot_left(v, level), left);
                break;
            }
            if (is_leaf(*e, level, v)) {
                if (!IS_ALIGNED(v, sz) || left < sz) {
                    kprintf("pt_unmap: [%lx, +%lx) covers only part of the %s at %lx\n", virt, size,
                            level_name(level), ALIGN_DOWN(v, sz));
                    return K_EINVAL;
                }
                if (commit)
                    *e = 0;
                step = sz;
                break;
            }
            table = *e & PTE_ADDR_MASK;
        }
        off += step;
    }
    return K_OK;
}

int pt_unmap(phys_addr_t pml4, uint64_t virt, uint64_t size)
{
    check_root(pml4, "pt_unmap");
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
    uint64_t lo = virt & ((((uint64_t)1) << VIRT_BITS) - 1);
    uint64_t hi = lo + MIN(size, ((uint64_t)1 << VIRT_BITS) - lo);
    if (hi == lo)
        return 0;

    uint64_t pdpts = slots_touched(lo, hi, level_size(3));
    uint64_t pds = slots_touched(lo, hi, level_size(2));
    uint64_t pts = slots_touched(lo, hi, level_size(1));
    uint64_t giant = (page_sizes & PT_1G) ? slots_covered(lo, hi, level_size(2)) : 0;
    pds -= giant;
    if (page_sizes & PT_2M)
        pts -= slots_covered(lo, hi, level_size(1)); /* includes the 1 GiB-covered ones */
    else
        pts -= giant * PT_ENTRIES;
    return pdpts + pds + pts;
}

int pt_link_pdpt(phys_addr_t pml4, uint64_t virt, pt_alloc_fn alloc, void *ctx)
{
    check_root(pml4, "pt_link_pdpt");
    if (!canonical(virt)) {
        kprintf("pt_link_pdpt: %lx is not canonical\n", virt);
        return K_EINVAL;
    }
    uint64_t *e = entry_ptr(pml4, virt, PT_TOP_LEVEL);
    if (*e & PTE_PRESENT) {
        is_leaf(*e, PT_TOP_LEVEL, virt); /* a PS bit here is a broken invariant */
        return K_OK;
    }
    struct map_req r = {.alloc = alloc, .ctx = ctx};
    return link_new_table(&r, e, PTE_PRESENT | PTE_WRITE);
}
