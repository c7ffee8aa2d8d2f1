/* SPDX-License-Identifier: 0BSD */
/*
 * Memory-map sanitizer (see include/frame64/memmap.h for the policy).
 *
 * The map is painted into the region list in five passes, most restrictive kind first: bad,
 * reserved, ACPI NVS, ACPI reclaimable, available. Each pass fills only the holes the earlier
 * passes left, so every byte ends up with the most restrictive kind any entry gives it, and no
 * byte is REGION_FREE before every restriction is in place (the list grows into free memory,
 * which must not turn out to be reserved afterwards). Entries are read where they lie, through
 * the caller's memmap_source, once per pass: nothing is copied, so the map may be of any length.
 */
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/memmap.h>

/* The kinds in painting order, and what each becomes. */
enum { RANK_BAD, RANK_RESERVED, RANK_NVS, RANK_RECLAIM, RANK_AVAILABLE, RANK_COUNT };

static const uint32_t rank_tag[RANK_COUNT] = {
    [RANK_BAD] = REGION_BAD,        [RANK_RESERVED] = REGION_FIRMWARE,
    [RANK_NVS] = REGION_ACPI_NVS,   [RANK_RECLAIM] = REGION_ACPI_RECLAIM,
    [RANK_AVAILABLE] = REGION_FREE,
};

static unsigned rank_of(uint32_t type)
{
    switch (type) {
    case MEMMAP_AVAILABLE:
        return RANK_AVAILABLE;
    case MEMMAP_ACPI_RECLAIM:
        return RANK_RECLAIM;
    case MEMMAP_ACPI_NVS:
        return RANK_NVS;
    case MEMMAP_BAD:
        return RANK_BAD;
    default:
        return RANK_RESERVED;
    }
}

const char *memmap_type_name(uint32_t type)
{
    switch (type) {
    case MEMMAP_AVAILABLE:
        return "available";
    case MEMMAP_RESERVED:
        return "reserved";
    case MEMMAP_ACPI_RECLAIM:
        return "ACPI reclaimable";
    case MEMMAP_ACPI_NVS:
        return "ACPI NVS";
    case MEMMAP_BAD:
        return "bad";
    default:
        return "unknown (reserved)";
    }
}

struct sanitize {
    struct region_list *l;
    unsigned bits;
    phys_addr_t limit; /* 2^bits */
    unsigned logged;   /* lines printed */
    unsigned unlogged; /* lines held back past MEMMAP_LOG_MAX */
    char why[160];     /* the line being built */
    size_t why_len;
};

/* Appends one clause to the line about the current entry. */
__attribute__((format(printf, 2, 3))) static void why(struct sanitize *s, const char *fmt, ...)
{
    va_list ap;
    if (s->why_len && s->why_len < sizeof(s->why))
        s->why_len += (size_t)ksnprintf(s->why + s->why_len, sizeof(s->why) - s->why_len, "; ");
    if (s->why_len >= sizeof(s->why))
        return;
    va_start(ap, fmt);
    s->why_len += (size_t)kvsnprintf(s->why + s->why_len, sizeof(s->why) - s->why_len, fmt, ap);
    va_end(ap);
}

/* Prints the line built for entry i, if any, within the MEMMAP_LOG_MAX budget. */
static void why_flush(struct sanitize *s, size_t i, const struct memmap_entry *e, uint64_t end)
{
    if (!s->why_len)
        return;
    if (s->logged < MEMMAP_LOG_MAX) {
        s->logged++;
        kprintf("memmap: entry %zu [0x%llx, 0x%llx) %s: %s\n", i, (unsigned long long)e->base,
                (unsigned long long)end, memmap_type_name(e->type), s->why);
    } else {
        s->unlogged++;
    }
    s->why_len = 0;
    s->why[0] = '\0';
}

/* Bytes of [base, end) carrying a tag for which want(tag) holds. */
static uint64_t bytes_where(const struct region_list *l, phys_addr_t base, phys_addr_t end,
                            bool (*want)(uint32_t tag, uint32_t arg), uint32_t arg)
{
    uint64_t sum = 0;
    for (size_t i = region_index_after(l, base); i < l->count && l->regions[i].base < end; i++) {
        const struct region *r = &l->regions[i];
        if (want(r->tag, arg))
            sum += MIN(r->end, end) - MAX(r->base, base);
    }
    return sum;
}

static bool tag_is(uint32_t tag, uint32_t arg)
{
    return tag == arg;
}

/* Kinds that an entry of tag arg loses bytes to (the list's own storage is no such kind). */
static bool tag_beats(uint32_t tag, uint32_t arg)
{
    return tag != arg && tag != REGION_META;
}

/* One past the entry's last byte, clamped to PHYS_ADDR_MAX. */
static phys_addr_t entry_end(const struct memmap_entry *e)
{
    return e->len > PHYS_ADDR_MAX - e->base ? PHYS_ADDR_MAX : e->base + e->len;
}

/*
 * Clips, rounds and paints entry i (of the current pass's kind), noting what it loses.
 * Return: K_OK or the list's error.
 */
static int add_one(struct sanitize *s, size_t i, const struct memmap_entry *e, unsigned rank)
{
    uint64_t end = entry_end(e);
    phys_addr_t b = e->base, t = end;
    char sz[16];
    int err = K_OK;

    if (e->len == 0) {
        why(s, "zero length; dropped");
    } else if (b >= s->limit) {
        why(s, "above the %u-bit address width; dropped", s->bits);
    } else {
        bool cut = t > s->limit;
        t = MIN(t, s->limit);
        if (rank == RANK_AVAILABLE) {
            phys_addr_t nb = ALIGN_UP(b, PAGE_SIZE), nt = ALIGN_DOWN(t, PAGE_SIZE);
            bool odd = nb != b || nt != t;
            b = nb;
            t = nt;
            if (cut)
                why(s, "crosses the %u-bit address width", s->bits);
            if (b >= t)
                why(s, "less than a page once aligned inward; dropped");
            else if (cut || odd)
                why(s, "%strimmed to [0x%llx, 0x%llx)", odd ? "not page aligned; " : "",
                    (unsigned long long)b, (unsigned long long)t);
        } else {
            b = ALIGN_DOWN(b, PAGE_SIZE);
            t = ALIGN_UP(t, PAGE_SIZE); /* t <= limit, a page multiple: no overflow */
            if (cut)
                why(s, "crosses the %u-bit address width; trimmed to end at 0x%llx", s->bits,
                    (unsigned long long)t);
        }
        if (b < t) {
            uint64_t lost = bytes_where(s->l, b, t, tag_beats, rank_tag[rank]);
            if (lost)
                why(s, "loses %s to more restrictive entries", kformat_size(sz, sizeof(sz), lost));
            err = region_fill(s->l, b, t, rank_tag[rank]);
        }
    }
    why_flush(s, i, e, end);
    return err;
}

/* memmap_sanitize() without the "is there a map" check: an empty source adds nothing. */
static int sanitize(struct region_list *out, const struct memmap_source *src, unsigned phys_bits)
{
    if (phys_bits < MEMMAP_PHYS_BITS_MIN || phys_bits > MEMMAP_PHYS_BITS_MAX) {
        kprintf("memmap: physical address width of %u bits is outside [%u, %u]\n", phys_bits,
                MEMMAP_PHYS_BITS_MIN, MEMMAP_PHYS_BITS_MAX);
        return K_EINVAL;
    }
    if (out->count) {
        kprintf("memmap: %s already holds %zu ranges; sanitize into an empty list\n", out->name,
                out->count);
        return K_EINVAL;
    }
    struct region_list empty = *out; /* what a failure restores */
    struct sanitize s = {.l = out, .bits = phys_bits, .limit = (phys_addr_t)1 << phys_bits};
    struct memmap_entry e;
    int err = K_OK;
    for (unsigned rank = 0; rank < RANK_COUNT && !err; rank++) {
        for (size_t i = 0; i < src->count && !err; i++) {
            src->get(src->ctx, i, &e);
            if (rank_of(e.type) == rank)
                err = add_one(&s, i, &e, rank);
        }
    }
    if (s.unlogged)
        kprintf("memmap: %u more entries trimmed or dropped (not shown)\n", s.unlogged);
    if (err) {
        kprintf("memmap: the map does not fit in %s (%s); nothing was added\n", out->name,
                kerr_str(err));
        *out = empty; /* storage grown into during the call was free memory of a list now empty */
    }
    return err;
}

int memmap_sanitize(struct region_list *out, const struct memmap_source *src, unsigned phys_bits)
{
    if (!src || !src->count) {
        kprintf("memmap: no memory map to sanitize\n");
        return K_ENOENT;
    }
    if (src->name)
        kprintf("memmap: %zu entries from the %s memory map, %u-bit physical addresses\n",
                src->count, src->name, phys_bits);
    return sanitize(out, src, phys_bits);
}

static void array_get(void *ctx, size_t i, struct memmap_entry *e)
{
    *e = ((const struct memmap_entry *)ctx)[i];
}

int memmap_add_entries(struct region_list *out, const struct memmap_entry *e, size_t n,
                       unsigned phys_bits)
{
    struct memmap_source src = {.count = n, .get = array_get, .ctx = (void *)e};
    return sanitize(out, &src, phys_bits);
}

size_t memmap_list_bound(size_t n, size_t carves)
{
    return 2 * n + 1 + 2 * carves + MEMMAP_LIST_SLACK;
}

/* [base, end) rounded outward to pages, clamped below the top page (end may be PHYS_ADDR_MAX). */
static void round_out(phys_addr_t base, phys_addr_t end, phys_addr_t *b, phys_addr_t *e)
{
    *b = ALIGN_DOWN(base, PAGE_SIZE);
    *e = end > ALIGN_DOWN(PHYS_ADDR_MAX, PAGE_SIZE) ? ALIGN_DOWN(PHYS_ADDR_MAX, PAGE_SIZE)
                                                    : ALIGN_UP(end, PAGE_SIZE);
}

/*
 * The lowest base of anything that forbids [lo, hi): an entry of src other than available, or
 * any entry of avoid, overlapping it (rounded outward). Return: that base, or PHYS_NONE if none.
 */
static phys_addr_t lowest_conflict(const struct memmap_source *src,
                                   const struct memmap_source *avoid, phys_addr_t lo,
                                   phys_addr_t hi)
{
    phys_addr_t low = PHYS_NONE;
    struct memmap_entry e;
    for (int k = 0; k < 2; k++) {
        const struct memmap_source *from = k ? avoid : src;
        for (size_t i = 0; from && i < from->count; i++) {
            from->get(from->ctx, i, &e);
            if (!e.len || (!k && e.type == MEMMAP_AVAILABLE))
                continue;
            phys_addr_t b, t;
            round_out(e.base, entry_end(&e), &b, &t);
            if (b < hi && lo < t)
                low = MIN(low, b);
        }
    }
    return low;
}

phys_addr_t memmap_find_room(const struct memmap_source *src, uint64_t bytes, phys_addr_t below,
                             const struct memmap_source *avoid)
{
    phys_addr_t best = PHYS_NONE;
    struct memmap_entry e;
    bytes = ALIGN_UP(bytes, PAGE_SIZE);
    for (size_t i = 0; bytes && i < src->count; i++) {
        src->get(src->ctx, i, &e);
        if (e.type != MEMMAP_AVAILABLE || !e.len || e.base >= below ||
            e.base > PHYS_ADDR_MAX - (PAGE_SIZE - 1))
            continue; /* useless, or its base would wrap when rounded up */
        phys_addr_t lo = MAX(ALIGN_UP(e.base, PAGE_SIZE), 1 * MiB);
        phys_addr_t top = ALIGN_DOWN(MIN(entry_end(&e), below), PAGE_SIZE);
        /*
         * Every window ending above a conflict's base overlaps that conflict, so moving the top
         * down to the lowest such base skips only windows that cannot work.
         */
        while (top > lo && top - lo >= bytes && (best == PHYS_NONE || top - bytes > best)) {
            phys_addr_t c = lowest_conflict(src, avoid, top - bytes, top);
            if (c == PHYS_NONE) {
                best = top - bytes;
                break;
            }
            top = ALIGN_DOWN(c, PAGE_SIZE);
        }
    }
    return best;
}

/* ---- carve-outs ---- */

int memmap_carve(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    if (base > end || tag == REGION_FREE || tag >= REGION_TAG_COUNT) {
        kprintf("memmap: cannot carve [0x%llx, 0x%llx) as %s\n", (unsigned long long)base,
                (unsigned long long)end, region_tag_name(tag));
        return K_EINVAL;
    }
    phys_addr_t b, e;
    round_out(base, end, &b, &e);
    if (base == end || b >= e)
        return K_OK;
    return region_reserve(l, b, e, tag);
}

static bool tag_owned(uint32_t tag, uint32_t arg)
{
    (void)arg;
    return region_tag_owned(tag) && tag != REGION_META;
}

int memmap_carve_owned(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag)
{
    const char *what = region_tag_name(tag);
    if (base > end) {
        kprintf("memmap: %s range [0x%llx, 0x%llx) is inverted\n", what, (unsigned long long)base,
                (unsigned long long)end);
        return K_EINVAL;
    }
    if (base == end)
        return K_OK;
    phys_addr_t b, e;
    round_out(base, end, &b, &e);
    if (bytes_where(l, b, e, tag_is, REGION_META)) {
        kprintf("memmap: %s [0x%llx, 0x%llx) overlaps the storage %s grew into; carve before "
                "letting it grow\n",
                what, (unsigned long long)base, (unsigned long long)end, l->name);
        return K_EINVAL;
    }
    int err = memmap_carve(l, base, end, tag);
    if (err)
        return err;
    uint64_t owned = bytes_where(l, b, e, tag_owned, 0);
    if (owned < e - b) {
        char sz[16];
        kprintf("memmap: %s [0x%llx, 0x%llx) is not all available RAM (%s in holes or "
                "firmware ranges)\n",
                what, (unsigned long long)base, (unsigned long long)end,
                kformat_size(sz, sizeof(sz), e - b - owned));
    }
    return K_OK;
}

/* ---- printing ---- */

void memmap_totals(const struct region_list *l, struct memmap_totals *t)
{
    *t = (struct memmap_totals){0};
    const struct region *r;
    region_for_each(l, r)
    {
        uint64_t bytes = r->end - r->base;
        switch (r->tag) {
        case REGION_FREE:
            t->available += bytes;
            break;
        case REGION_FRAMES:
            t->frame_pool += bytes;
            break;
        case REGION_DMA:
            t->dma += bytes;
            break;
        case REGION_ACPI_RECLAIM:
        case REGION_ACPI_NVS:
            t->acpi += bytes;
            break;
        case REGION_BAD:
            t->bad += bytes;
            break;
        default:
            if (region_tag_owned(r->tag))
                t->kernel_boot += bytes;
            else
                t->firmware += bytes;
        }
    }
}

void memmap_print(const struct region_list *l)
{
    const struct region *r;
    char a[16], b[16], c[16], d[16], e[16], f[16], g[16];
    kprintf("memmap: %zu ranges in %s\n", l->count, l->name);
    kprintf("  %-18s %-18s %10s  %s\n", "base", "end", "size", "type");
    region_for_each(l, r)
    {
        kprintf("  0x%016llx 0x%016llx %10s  %s\n", (unsigned long long)r->base,
                (unsigned long long)r->end, kformat_size(a, sizeof(a), r->end - r->base),
                region_tag_name(r->tag));
    }
    struct memmap_totals t;
    memmap_totals(l, &t);
    kprintf("  available %s, kernel/boot %s, frame pool %s, DMA runs %s, firmware-reserved %s, "
            "ACPI %s, bad %s\n",
            kformat_size(a, sizeof(a), t.available), kformat_size(b, sizeof(b), t.kernel_boot),
            kformat_size(c, sizeof(c), t.frame_pool), kformat_size(d, sizeof(d), t.dma),
            kformat_size(e, sizeof(e), t.firmware), kformat_size(f, sizeof(f), t.acpi),
            kformat_size(g, sizeof(g), t.bad));
}
