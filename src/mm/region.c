/* SPDX-License-Identifier: 0BSD */
/*
 * The run-length region list: sorted, merged, half-open [base, end) ranges with a tag each.
 *
 * Every change is a "paint": set, add, retag, reserve, remove, alloc and free all say which parts
 * of [base, end) change (all of it, only its holes, or only the parts carrying one tag) and what
 * they become (a tag, or a hole). A paint is carried out as a series of splices, one per maximal
 * piece that changes, each replacing the few entries that overlap or touch the piece by at most
 * three (what is left of the first, the piece, what is left of the last), merged.
 *
 * Failure must leave the list untouched, so a paint is first planned without writing anything:
 * the plan counts the entries the list will hold afterwards, and only when that fits (possibly
 * after growing the storage) are the splices done. The pieces of one paint never touch each other
 * (holes are separated by entries, and same-tag entries are merged), so the change in count each
 * splice causes does not depend on the order they are done in. The splices that shrink the list
 * are done first and those that grow it last, so the list never holds more than
 * max(before, after) entries along the way and "after <= capacity" is the only room needed.
 *
 * Growth (region_grow) doubles the capacity into pages taken from the list's own free ranges
 * below grow_limit, which are tagged REGION_META; storage taken that way earlier is given back.
 * Allocation searches (region_find_run, region_alloc, region_free) live in region_alloc.c.
 */
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/region.h>

#include "region_internal.h"

/* The entries that overlap or touch a piece, and the (at most three) that replace them. */
struct splice {
    size_t first, last; /* entries [first, last) are replaced */
    size_t n;
    struct region r[3];
};

static phys_addr_t storage_end(const struct region_list *l)
{
    return l->storage + ALIGN_UP(l->capacity * sizeof(struct region), PAGE_SIZE);
}

/* Index of the first entry whose end is above pa (or equal to it when touching is true). */
static size_t first_ending_after(const struct region_list *l, phys_addr_t pa, bool touching)
{
    size_t lo = 0, hi = l->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        phys_addr_t end = l->regions[mid].end;
        if (end > pa || (touching && end == pa))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* Index of the first entry whose base is above pa. */
static size_t first_starting_after(const struct region_list *l, phys_addr_t pa)
{
    size_t lo = 0, hi = l->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->regions[mid].base > pa)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/*
 * The first piece of p at or above *cursor: a maximal part of [cursor, p->end) that p changes.
 * Return: true with the piece in [*pb, *pe), or false when there is none left.
 */
static bool next_piece(const struct region_list *l, const struct region_paint *p,
                       phys_addr_t cursor, phys_addr_t *pb, phys_addr_t *pe)
{
    if (cursor >= p->end)
        return false;
    if (p->kind == REGION_PAINT_ALL) {
        *pb = cursor;
        *pe = p->end;
        return true;
    }
    for (size_t i = first_ending_after(l, cursor, false); cursor < p->end; i++) {
        const struct region *r = i < l->count ? &l->regions[i] : NULL;
        if (p->kind == REGION_PAINT_HOLES && (!r || r->base > cursor)) {
            *pb = cursor;
            *pe = r ? MIN(r->base, p->end) : p->end;
            return true;
        }
        if (!r || r->base >= p->end)
            return false;
        if (p->kind == REGION_PAINT_RETAG && r->tag == p->from) {
            *pb = MAX(cursor, r->base);
            *pe = MIN(r->end, p->end);
            return true;
        }
        cursor = r->end;
    }
    return false;
}

static void push(struct splice *s, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    if (s->n > 0 && s->r[s->n - 1].end == base && s->r[s->n - 1].tag == tag) {
        s->r[s->n - 1].end = end;
        return;
    }
    s->r[s->n++] = (struct region){.base = base, .end = end, .tag = tag};
}

/* Plans painting [base, end) with tag (REGION_HOLE: removing it). */
static void splice_plan(const struct region_list *l, phys_addr_t base, phys_addr_t end,
                        uint32_t tag, struct splice *s)
{
    s->first = first_ending_after(l, base, true);
    s->last = first_starting_after(l, end);
    s->n = 0;
    const struct region *a = NULL, *z = NULL;
    if (s->first < s->last) {
        a = &l->regions[s->first];
        z = &l->regions[s->last - 1];
    }
    if (a && a->base < base)
        push(s, a->base, base, a->tag);
    if (tag != REGION_HOLE)
        push(s, base, end, tag);
    if (z && z->end > end)
        push(s, end, z->end, z->tag);
}

static long splice_delta(const struct splice *s)
{
    return (long)s->n - (long)(s->last - s->first);
}

static void splice_apply(struct region_list *l, const struct splice *s)
{
    size_t count = (size_t)((long)l->count + splice_delta(s));
    if (count > l->capacity)
        panic("region: %s: splice needs %zu entries, capacity %zu", l->name, count, l->capacity);
    memmove(&l->regions[s->first + s->n], &l->regions[s->last],
            (l->count - s->last) * sizeof(struct region));
    memcpy(&l->regions[s->first], s->r, s->n * sizeof(struct region));
    l->count = count;
}

/*
 * Counts the entries the list would hold after p, without changing anything.
 * Return: K_OK with *after set, or K_EINVAL if p would repaint the list's own storage.
 */
static int paint_plan(const struct region_list *l, const struct region_paint *p, size_t *after)
{
    long delta = 0;
    phys_addr_t pb, pe;
    struct splice s;
    for (phys_addr_t cur = p->base; next_piece(l, p, cur, &pb, &pe); cur = pe) {
        if (l->storage && p->to != REGION_META && pb < storage_end(l) && l->storage < pe) {
            kprintf("region: %s: refusing to repaint its own storage [0x%lx, 0x%lx) as %s\n",
                    l->name, l->storage, storage_end(l),
                    p->to == REGION_HOLE ? "a hole" : region_tag_name(p->to));
            return K_EINVAL;
        }
        splice_plan(l, pb, pe, p->to, &s);
        delta += splice_delta(&s);
    }
    *after = (size_t)((long)l->count + delta);
    return K_OK;
}

/* Carries out p; paint_plan() said it fits. Shrinking splices first, then growing ones. */
static void paint_apply(struct region_list *l, const struct region_paint *p)
{
    phys_addr_t pb, pe;
    struct splice s;
    for (int pass = 0; pass < 2; pass++) {
        for (phys_addr_t cur = p->base; next_piece(l, p, cur, &pb, &pe); cur = pe) {
            splice_plan(l, pb, pe, p->to, &s);
            if (pass == 1 || splice_delta(&s) <= 0)
                splice_apply(l, &s);
        }
    }
}

/*
 * Moves the entries into storage for at least need + REGION_GROW_SLACK of them, taken from the
 * list's free ranges below grow_limit and outside [xbase, xend) (the range the pending paint
 * changes). Return: K_OK, or K_ENOMEM with the list unchanged.
 */
static int region_grow(struct region_list *l, size_t need, phys_addr_t xbase, phys_addr_t xend)
{
    if (!l->grow_limit) {
        kprintf("region: %s: all %zu entries used and growth is off\n", l->name, l->capacity);
        return K_ENOMEM;
    }
    size_t cap = l->capacity ? l->capacity : 1;
    while (cap < need + REGION_GROW_SLACK && cap <= SIZE_MAX / 2 / sizeof(struct region))
        cap *= 2;
    uint64_t bytes = ALIGN_UP(cap * sizeof(struct region), PAGE_SIZE);
    /* Never page 0: storage 0 means "not taken from the list". */
    struct region_request req = {
        .size = bytes, .min = PAGE_SIZE, .max = l->grow_limit, .top_down = true};
    phys_addr_t pa = region_find_run(l, &req, xbase, xend);
    if (pa == PHYS_NONE) {
        char sz[16];
        kprintf("region: %s: all %zu entries used and no free %s below 0x%lx to grow into\n",
                l->name, l->capacity, kformat_size(sz, sizeof(sz), bytes), l->grow_limit);
        return K_ENOMEM;
    }
    struct region *regions = phys_to_virt(pa);
    memcpy(regions, l->regions, l->count * sizeof(struct region));
    phys_addr_t old = l->storage, old_end = storage_end(l);
    l->regions = regions;
    l->capacity = cap;
    l->storage = pa;
    paint_apply(l, &(struct region_paint){.base = pa, .end = pa + bytes, .to = REGION_META});
    if (old)
        paint_apply(l, &(struct region_paint){.base = old,
                                              .end = old_end,
                                              .kind = REGION_PAINT_RETAG,
                                              .from = REGION_META,
                                              .to = REGION_FREE});
    return K_OK;
}

int region_paint(struct region_list *l, const struct region_paint *p)
{
    size_t after;
    if (p->base >= p->end || (p->to >= REGION_TAG_COUNT && p->to != REGION_HOLE) ||
        (p->kind == REGION_PAINT_RETAG && p->from >= REGION_TAG_COUNT))
        return K_EINVAL;
    int err = paint_plan(l, p, &after);
    if (err)
        return err;
    if (after > l->capacity) {
        err = region_grow(l, after, p->base, p->end);
        if (err)
            return err;
        if (paint_plan(l, p, &after) != K_OK || after > l->capacity)
            panic("region: %s: grew to %zu entries, still no room for [0x%lx, 0x%lx)", l->name,
                  l->capacity, p->base, p->end);
    }
    paint_apply(l, p);
    return K_OK;
}

void region_init(struct region_list *l, const char *name, struct region *storage, size_t capacity)
{
    *l = (struct region_list){.regions = storage, .capacity = capacity, .name = name};
}

void region_set_grow_limit(struct region_list *l, phys_addr_t limit)
{
    l->grow_limit = ALIGN_DOWN(limit, PAGE_SIZE);
}

int region_set(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    if (tag >= REGION_TAG_COUNT)
        return K_EINVAL;
    return region_paint(l, &(struct region_paint){.base = base, .end = end, .to = tag});
}

int region_fill(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    if (tag >= REGION_TAG_COUNT)
        return K_EINVAL;
    return region_paint(
        l, &(struct region_paint){.base = base, .end = end, .kind = REGION_PAINT_HOLES, .to = tag});
}

int region_add(struct region_list *l, phys_addr_t base, phys_addr_t end)
{
    return region_fill(l, base, end, REGION_FREE);
}

int region_retag(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t from,
                 uint32_t to)
{
    if (to >= REGION_TAG_COUNT)
        return K_EINVAL;
    return region_paint(
        l, &(struct region_paint){
               .base = base, .end = end, .kind = REGION_PAINT_RETAG, .from = from, .to = to});
}

int region_reserve(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    return region_retag(l, base, end, REGION_FREE, tag);
}

int region_remove(struct region_list *l, phys_addr_t base, phys_addr_t end)
{
    return region_paint(l, &(struct region_paint){.base = base, .end = end, .to = REGION_HOLE});
}

int region_adopt_storage(struct region_list *l, phys_addr_t pa)
{
    if (l->storage || !pa || !IS_ALIGNED(pa, PAGE_SIZE) || l->regions != phys_to_virt(pa))
        return K_EINVAL;
    phys_addr_t end = pa + ALIGN_UP(l->capacity * sizeof(struct region), PAGE_SIZE);
    const struct region *r = region_lookup(l, pa);
    if (!r || r->tag != REGION_FREE || r->end < end) {
        kprintf("region: %s: storage [0x%lx, 0x%lx) is not free in the list\n", l->name, pa, end);
        return K_EINVAL;
    }
    int err = region_reserve(l, pa, end, REGION_META);
    if (err == K_OK)
        l->storage = pa;
    return err;
}

void region_remap(struct region_list *l)
{
    if (l->storage)
        l->regions = phys_to_virt(l->storage);
}

size_t region_index_after(const struct region_list *l, phys_addr_t pa)
{
    return first_ending_after(l, pa, false);
}

const struct region *region_lookup(const struct region_list *l, phys_addr_t pa)
{
    size_t i = first_ending_after(l, pa, false);
    if (i < l->count && l->regions[i].base <= pa)
        return &l->regions[i];
    return NULL;
}

uint64_t region_total(const struct region_list *l, uint32_t tag)
{
    uint64_t sum = 0;
    const struct region *r;
    region_for_each(l, r)
    {
        if (r->tag == tag)
            sum += r->end - r->base;
    }
    return sum;
}

static const char *const tag_names[REGION_TAG_COUNT] = {
    [REGION_FREE] = "free",
    [REGION_ACPI_RECLAIM] = "acpi-reclaim",
    [REGION_ACPI_NVS] = "acpi-nvs",
    [REGION_BAD] = "bad",
    [REGION_FIRMWARE] = "firmware",
    [REGION_LOWMEM] = "low-1MiB",
    [REGION_KERNEL] = "kernel",
    [REGION_BOOTSTRAP] = "bootstrap",
    [REGION_BOOTINFO] = "boot-info",
    [REGION_CMDLINE] = "cmdline",
    [REGION_MODULE] = "module",
    [REGION_META] = "meta",
    [REGION_PAGETABLE] = "page-table",
    [REGION_DMA] = "dma",
    [REGION_FRAMES] = "frames",
    [REGION_APSTART] = "ap-start",
};

const char *region_tag_name(uint32_t tag)
{
    return tag < REGION_TAG_COUNT ? tag_names[tag] : "?";
}

static bool check_fail(const struct region_list *l, size_t i, const char *what)
{
    const struct region *r = &l->regions[i];
    kprintf("region: %s: entry %zu [0x%lx, 0x%lx) %u: %s\n", l->name, i, r->base, r->end, r->tag,
            what);
    return false;
}

bool region_check(const struct region_list *l)
{
    if (l->count > l->capacity || (l->count && !l->regions)) {
        kprintf("region: %s: %zu entries in room for %zu\n", l->name, l->count, l->capacity);
        return false;
    }
    for (size_t i = 0; i < l->count; i++) {
        const struct region *r = &l->regions[i];
        if (r->base >= r->end)
            return check_fail(l, i, "empty or inverted");
        if (r->tag >= REGION_TAG_COUNT)
            return check_fail(l, i, "bad tag");
        if (i > 0 && r->base < r[-1].end)
            return check_fail(l, i, "overlaps or precedes the previous entry");
        if (i > 0 && r->base == r[-1].end && r->tag == r[-1].tag)
            return check_fail(l, i, "not merged with the previous entry");
    }
    if (l->storage) {
        const struct region *r = region_lookup(l, l->storage);
        if (l->regions != phys_to_virt(l->storage) || !r || r->tag != REGION_META ||
            r->end < storage_end(l)) {
            kprintf("region: %s: storage [0x%lx, 0x%lx) is not tagged meta\n", l->name, l->storage,
                    storage_end(l));
            return false;
        }
    }
    return true;
}
