/* SPDX-License-Identifier: 0BSD */
/*
 * Fuzzes the region list against a reference model: one tag per cell over
 *   cells 0..255    the pages of [0, 1M)                   (growth storage lives here)
 *   cell  256       [1M, HB) in one piece, HB = 2^64 - 64K (never made free, so no run lands in it)
 *   cells 257..272  the pages of [HB, 2^64), the last one a byte short (TOP is never in a range)
 * Ops only ever name cell boundaries. After every op the list must pass region_check(), equal
 * the model cell by cell, agree with region_lookup()/region_total(), and, when the op failed,
 * be exactly as it was. Growth is predicted exactly (size, place, META storage, old storage
 * given back); allocations must be the lowest/highest fit the model finds by brute force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include <frame64/error.h>
#include <frame64/phys.h>
#include <frame64/region.h>
#include <mm/region_internal.h>

#define NLOW  256
#define MID   NLOW
#define NHIGH 16
#define NCELL (NLOW + 1 + NHIGH)
#define HB    ((phys_addr_t)0 - NHIGH * PAGE_SIZE)
#define HOLE  0xff

static uint8_t model[NCELL];
static struct region statics[8];
static struct region_list L;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_region: %s:%d: %s\n", __FILE__, __LINE__, #cond);                \
            dump();                                                                                \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void dump(void)
{
    fprintf(stderr, "list: count %zu capacity %zu storage %#llx limit %#llx\n", L.count, L.capacity,
            (unsigned long long)L.storage, (unsigned long long)L.grow_limit);
    for (size_t i = 0; i < L.count && i < 400; i++)
        fprintf(stderr, "  [%#llx, %#llx) %s\n", (unsigned long long)L.regions[i].base,
                (unsigned long long)L.regions[i].end, region_tag_name(L.regions[i].tag));
}

/* Address of cell boundary p (0..NCELL). */
static phys_addr_t addr(int p)
{
    if (p <= NLOW)
        return (phys_addr_t)p * PAGE_SIZE;
    if (p < NCELL)
        return HB + (phys_addr_t)(p - NLOW - 1) * PAGE_SIZE;
    return PHYS_ADDR_MAX;
}

/* The boundary at address a, or -1 if a is not one. */
static int point(phys_addr_t a)
{
    if (a <= NLOW * PAGE_SIZE)
        return IS_ALIGNED(a, PAGE_SIZE) ? (int)(a / PAGE_SIZE) : -1;
    if (a == PHYS_ADDR_MAX)
        return NCELL;
    if (a >= HB && IS_ALIGNED(a, PAGE_SIZE))
        return NLOW + 1 + (int)((a - HB) / PAGE_SIZE);
    return -1;
}

/* Entries a list equal to m has: its maximal runs of one tag. Branch-free: it runs per step. */
static int runs(const uint8_t *m)
{
    int n = m[0] != HOLE;
    for (int c = 1; c < NCELL; c++)
        n += (m[c] != HOLE) & (m[c] != m[c - 1]);
    return n;
}

/* region_lookup() must find the entry that holds byte a, which lies in cell c, or none. */
static void lookup_at(const uint8_t *m, int c, phys_addr_t a)
{
    const struct region *r = region_lookup(&L, a);
    CHECK(m[c] == HOLE ? !r : r && r->tag == m[c]);
}

/*
 * The list, checked, against model m. Once the cells the entries cover equal m, the entries are
 * m's runs (region_check() says they are sorted and merged), so the rest is checked per entry,
 * not per cell: region_lookup() on the first and the last byte of every entry and every hole
 * (where a binary search goes wrong, if it does), region_total() for the free tag and one other
 * tag in turn. (Looking up every cell after every operation was most of the fuzzer's time.)
 */
static void compare(const uint8_t *m)
{
    static uint32_t turn;
    uint32_t t = turn++ % REGION_TAG_COUNT;
    uint64_t total_free = 0, total_t = 0;
    uint8_t seen[NCELL];
    CHECK(region_check(&L));
    memset(seen, HOLE, sizeof(seen));
    for (size_t i = 0; i < L.count; i++) {
        const struct region *r = &L.regions[i];
        int b = point(r->base), e = point(r->end);
        CHECK(b >= 0 && e > b);
        memset(seen + b, (int)r->tag, (size_t)(e - b));
        total_free += r->tag == REGION_FREE ? r->end - r->base : 0;
        total_t += r->tag == t ? r->end - r->base : 0;
    }
    CHECK(memcmp(seen, m, NCELL) == 0);
    int prev_end = 0;
    for (size_t i = 0; i <= L.count; i++) {
        int b = i < L.count ? point(L.regions[i].base) : NCELL;
        if (prev_end < b) { /* the hole before entry i: its first and last byte */
            lookup_at(m, prev_end, addr(prev_end));
            lookup_at(m, b - 1, addr(b) - 1);
        }
        if (i == L.count)
            break;
        prev_end = point(L.regions[i].end);
        lookup_at(m, b, addr(b)); /* the entry's first and last byte */
        lookup_at(m, prev_end - 1, addr(prev_end) - 1);
    }
    CHECK(region_total(&L, REGION_FREE) == total_free);
    CHECK(region_total(&L, t) == total_t);
}

/* ---------------------------------------------------------- input ---- */

static const uint8_t *in;
static size_t left;

static unsigned byte(void)
{
    if (!left)
        return 0;
    left--;
    return *in++;
}

/* A cell boundary: often among the first 32 pages (dense lists), else the low megabyte or top. */
static int pick(void)
{
    unsigned v = byte();
    if (v < 0x80)
        return (int)(v % 33);
    if (v < 0xe0)
        return (int)((v * 0x100 + byte()) % (NLOW + 1));
    return NLOW + (int)(v % (NHIGH + 2));
}

static uint32_t pick_tag(void)
{
    return byte() % (REGION_TAG_COUNT + 1); /* REGION_TAG_COUNT itself is a bad tag */
}

/* ------------------------------------------------------- growth ---- */

static phys_addr_t storage_end(phys_addr_t storage, size_t capacity)
{
    return storage + ALIGN_UP(capacity * sizeof(struct region), PAGE_SIZE);
}

/*
 * Where growth must put storage when the op needs `after` entries and changes [xb, xe) (cells):
 * the highest free page-aligned run below the limit, above page 0, outside [xb, xe).
 * Return: its first cell, or -1 (then *cap is meaningless).
 */
static int predict_growth(int after, int xb, int xe, size_t *cap)
{
    *cap = L.capacity ? L.capacity : 1;
    while (*cap < (size_t)after + REGION_GROW_SLACK)
        *cap *= 2;
    int np = (int)(storage_end(0, *cap) / PAGE_SIZE);
    int lim = (int)(L.grow_limit / PAGE_SIZE);
    if (!L.grow_limit)
        return -1;
    for (int s = lim - np; s >= 1; s--) {
        bool ok = s + np <= xb || s >= xe;
        for (int c = s; ok && c < s + np; c++)
            ok = model[c] == REGION_FREE;
        if (ok)
            return s;
    }
    return -1;
}

/* The model after a growth into cells [s, ...) for capacity cap, from a list in state b. */
static void grow_model(uint8_t *m, const struct region_list *b, int s, size_t cap)
{
    memcpy(m, model, NCELL);
    if (b->storage)
        for (int c = point(b->storage); c < point(storage_end(b->storage, b->capacity)); c++) {
            CHECK(m[c] == REGION_META);
            m[c] = REGION_FREE;
        }
    for (int c = s; c < point(storage_end(addr(s), cap)); c++)
        m[c] = REGION_META;
}

/* ------------------------------------------------------------ ops ---- */

struct before {
    struct region_list l;
    struct region r[NCELL + 1];
};

static void snap(struct before *b)
{
    b->l = L;
    memcpy(b->r, L.regions, L.count * sizeof(struct region));
}

/* The list is byte for byte what it was, and it matched the model then. */
static void unchanged(const struct before *b)
{
    CHECK(memcmp(&b->l, &L, sizeof(L)) == 0);
    CHECK(memcmp(b->r, L.regions, L.count * sizeof(struct region)) == 0);
}

static void paint(uint8_t *m, int pb, int pe, uint32_t kind, uint32_t from, uint32_t to)
{
    for (int c = pb; c < pe; c++)
        if (kind == REGION_PAINT_ALL || (kind == REGION_PAINT_HOLES && m[c] == HOLE) ||
            (kind == REGION_PAINT_RETAG && m[c] == from))
            m[c] = to == REGION_HOLE ? HOLE : (uint8_t)to;
}

/* Would painting [pb, pe) make the middle cell free? Then the op is not tried (see top). */
static bool frees_mid(int pb, int pe, uint32_t kind, uint32_t from, uint32_t to)
{
    uint8_t m[NCELL];
    memcpy(m, model, NCELL);
    paint(m, pb, pe, kind, from, to);
    return m[MID] == REGION_FREE;
}

/*
 * Checks the result ret of a valid paint of cells [pb, pe), made when the list was b, and moves
 * the model along: refused if it changes the list's storage, done in place if the list has room,
 * else done after the predicted growth or refused with K_ENOMEM if growth is impossible.
 */
static void settle(const struct before *b, int ret, int pb, int pe, uint32_t kind, uint32_t from,
                   uint32_t to)
{
    uint8_t m[NCELL];
    memcpy(m, model, NCELL);
    paint(m, pb, pe, kind, from, to);
    if (b->l.storage) {
        int se = point(storage_end(b->l.storage, b->l.capacity));
        for (int c = point(b->l.storage); c < se; c++)
            if (m[c] != model[c]) {
                CHECK(ret == K_EINVAL);
                unchanged(b);
                return;
            }
    }
    if (runs(m) <= (int)b->l.capacity) {
        CHECK(ret == K_OK && L.storage == b->l.storage && L.capacity == b->l.capacity);
        memcpy(model, m, NCELL);
        compare(model);
        return;
    }
    size_t cap;
    int s = predict_growth(runs(m), pb, pe, &cap);
    if (s < 0) {
        CHECK(ret == K_ENOMEM);
        unchanged(b);
        return;
    }
    CHECK(ret == K_OK);
    CHECK(L.storage == addr(s) && L.capacity == cap && L.regions == phys_to_virt(L.storage));
    grow_model(m, &b->l, s, cap);
    paint(m, pb, pe, kind, from, to);
    CHECK(runs(m) <= (int)cap);
    memcpy(model, m, NCELL);
    compare(model);
}

static bool valid_tag(uint32_t t)
{
    return t < REGION_TAG_COUNT;
}

/*
 * Two boundaries, usually in order and often a few pages apart (to build fragmented lists);
 * inverted ranges are kept now and then (must be refused).
 */
static void pick_range(unsigned op, int *pb, int *pe)
{
    *pb = pick();
    unsigned len = byte();
    *pe = len < 0x80 ? MIN(*pb + 1 + (int)(len % 4), NCELL) : pick();
    if (*pe < *pb && !(op & 0x80)) {
        int t = *pb;
        *pb = *pe;
        *pe = t;
    }
}

/*
 * Moves the entries into the static array with no room to spare (the fuzzer owns the list), so
 * that the next ops meet a full list: the all-or-nothing and shrink-first paths need one.
 */
static void tighten(void)
{
    if (L.count > ARRAY_SIZE(statics))
        return;
    memmove(statics, L.regions, L.count * sizeof(struct region));
    L.regions = statics;
    L.capacity = L.count;
    L.storage = 0;
    compare(model);
}

/* Runs paint op (op % 8: set, add, retag, reserve, remove) on cells [pb, pe) and checks it. */
static void run_paint(unsigned op, int pb, int pe, uint32_t from, uint32_t to)
{
    struct before b;
    uint32_t kind = REGION_PAINT_ALL;
    int ret;
    switch (op % 8) {
    case 1:
        kind = REGION_PAINT_HOLES;
        to = REGION_FREE;
        break;
    case 2:
        kind = REGION_PAINT_RETAG;
        break;
    case 3:
        kind = REGION_PAINT_RETAG;
        from = REGION_FREE;
        break;
    case 4:
        to = REGION_HOLE;
        break;
    default:
        from = REGION_FREE;
        break;
    }
    bool valid = pb < pe && (to == REGION_HOLE || valid_tag(to)) && valid_tag(from);
    if (valid && frees_mid(pb, pe, kind, from, to))
        return;
    snap(&b);
    phys_addr_t base = addr(pb), end = addr(pe);
    switch (op % 8) {
    case 1:
        ret = region_add(&L, base, end);
        break;
    case 2:
        ret = region_retag(&L, base, end, from, to);
        break;
    case 3:
        ret = region_reserve(&L, base, end, to);
        break;
    case 4:
        ret = region_remove(&L, base, end);
        break;
    default:
        ret = region_set(&L, base, end, to);
        break;
    }
    if (!valid) {
        CHECK(ret == K_EINVAL);
        unchanged(&b);
        return;
    }
    settle(&b, ret, pb, pe, kind, from, to);
}

static void do_paint(unsigned op)
{
    int pb, pe;
    pick_range(op, &pb, &pe);
    uint32_t to = pick_tag();
    uint32_t from = op % 8 == 2 ? pick_tag() : REGION_FREE;
    run_paint(op, pb, pe, from, to);
}

/*
 * Stripes: n runs of one or two pages from cell p on, a page apart, each set to a tag of its own
 * (often free) or removed, then the list tightened: quickly builds the fragmented full lists
 * where add/retag over many pieces must shrink before it grows.
 */
static void do_stripes(void)
{
    int p = pick(), n = 2 + (int)(byte() % 7);
    for (int i = 0; i < n; i++) {
        unsigned t = byte();
        int w = 1 + (int)(t >> 6 & 1);
        if (p + w >= NCELL)
            break;
        run_paint(t & 0x80 ? 4 : 0, p, p + w, 0, t & 0x20 ? REGION_FREE : t % REGION_TAG_COUNT);
        p += w + 1;
    }
    tighten();
}

static void do_free(unsigned op)
{
    struct before b;
    int pb, pe;
    pick_range(op, &pb, &pe);
    uint32_t tag = pick_tag();
    uint64_t size = pe > pb ? addr(pe) - addr(pb) : 0;
    if (pe == NCELL && (op & 0x40))
        size = UINT64_MAX; /* base + size overflows: clamped to TOP */
    bool valid = pb < pe && valid_tag(tag) && tag != REGION_FREE;
    for (int c = pb; valid && c < pe; c++)
        valid = model[c] == tag;
    if (valid && pb <= MID && MID < pe)
        return;
    snap(&b);
    int ret = region_free(&L, addr(pb), size, tag);
    if (!valid) {
        CHECK(ret == K_EINVAL);
        unchanged(&b);
        return;
    }
    settle(&b, ret, pb, pe, REGION_PAINT_ALL, 0, REGION_FREE);
}

static bool pow2(uint64_t x)
{
    return x && !(x & (x - 1));
}

static uint64_t pick_align(void)
{
    unsigned k = byte() % 10;
    if (k == 0)
        return 0;
    if (k == 8)
        return 3 * PAGE_SIZE; /* not a power of two */
    if (k == 9)
        return 16; /* below a page: raised to one */
    return PAGE_SIZE << (k - 1);
}

static bool crosses(phys_addr_t a, uint64_t size, uint64_t boundary)
{
    return boundary && ALIGN_DOWN(a, boundary) != ALIGN_DOWN(a + size - 1, boundary);
}

/* The model's answer to r: the first cell of the run, or -1. size and align are normalized. */
static int model_fit(const struct region_request *r, uint64_t size, uint64_t align)
{
    phys_addr_t max = r->max ? r->max : PHYS_ADDR_MAX;
    for (int k = 0; k < NCELL; k++) {
        int c = r->top_down ? NCELL - 1 - k : k;
        phys_addr_t a = addr(c);
        if (c == MID || !IS_ALIGNED(a, align) || a < r->min || a >= max || size > max - a ||
            crosses(a, size, r->boundary))
            continue;
        bool ok = true;
        for (int cc = c; ok && cc < NCELL && addr(cc) < a + size; cc++)
            ok = model[cc] == REGION_FREE;
        if (ok)
            return c;
    }
    return -1;
}

static void do_alloc(unsigned op)
{
    struct before b;
    struct region_request r = {0};
    unsigned v = byte();
    r.size = (v & 15) * PAGE_SIZE;
    if (v & 0x10)
        r.size -= 123; /* rounds up to the same pages (or wraps: size 0 - 123 is refused) */
    r.align = pick_align();
    r.boundary = byte() & 1 ? pick_align() : 0;
    r.min = byte() & 1 ? addr(pick()) : 0;
    r.max = byte() & 1 ? addr(pick()) : 0;
    r.top_down = op & 0x80;
    r.tag = pick_tag();

    uint64_t align = r.align ? r.align : PAGE_SIZE;
    bool valid = valid_tag(r.tag) && r.tag != REGION_FREE && r.size &&
                 r.size <= PHYS_ADDR_MAX - (PAGE_SIZE - 1) && pow2(align) &&
                 (!r.boundary || pow2(r.boundary)) && r.min < (r.max ? r.max : PHYS_ADDR_MAX);
    uint64_t size = valid ? ALIGN_UP(r.size, PAGE_SIZE) : 0;
    valid = valid && (!r.boundary || size <= r.boundary);
    align = MAX(align, PAGE_SIZE);
    int want = valid ? model_fit(&r, size, align) : -1;

    snap(&b);
    phys_addr_t pa;
    int err = region_alloc(&L, &r, &pa);
    CHECK((err == K_OK) == (pa != PHYS_NONE));
    if (want < 0) {
        CHECK(pa == PHYS_NONE && err == (valid ? K_ENOMEM : K_EINVAL));
        unchanged(&b);
        return;
    }
    CHECK(err == K_OK || err == K_ENOMEM); /* a valid request is never "malformed" */
    if (pa != PHYS_NONE) {
        CHECK(pa == addr(want));
        CHECK(IS_ALIGNED(pa, align) && pa >= r.min && !crosses(pa, size, r.boundary));
        CHECK(size <= (r.max ? r.max : PHYS_ADDR_MAX) - pa);
        CHECK(region_lookup(&L, pa)->tag == r.tag &&
              region_lookup(&L, pa + size - 1)->tag == r.tag);
    }
    int pe = point(addr(want) + size);
    CHECK(pe > want);
    settle(&b, pa == PHYS_NONE ? K_ENOMEM : K_OK, want, pe, REGION_PAINT_ALL, 0, r.tag);
}

static void do_grow_limit(void)
{
    unsigned v = byte();
    phys_addr_t limit = v & 1 ? 0 : addr(NLOW - (int)(v >> 1)) + (v & 2 ? 123 : 0);
    region_set_grow_limit(&L, limit);
    CHECK(L.grow_limit == ALIGN_DOWN(limit, PAGE_SIZE));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        arena_create(NLOW * PAGE_SIZE);
        ready = true;
    }
    in = data;
    left = size;
    unsigned cfg = byte();
    region_init(&L, "fuzz", statics, 1 + cfg % ARRAY_SIZE(statics));
    do_grow_limit();
    memset(model, HOLE, sizeof(model));
    if (cfg & 0x80) {
        CHECK(region_add(&L, 0, NLOW * PAGE_SIZE) == K_OK);
        memset(model, REGION_FREE, NLOW);
    }
    for (int n = 0; left && n < 512; n++) {
        unsigned op = byte();
        switch (op % 8) {
        case 5:
            do_alloc(op);
            break;
        case 6:
            do_free(op);
            break;
        case 7:
            if (op & 0x80)
                tighten();
            else if (op & 0x40)
                do_stripes();
            else
                do_grow_limit();
            break;
        default:
            do_paint(op);
            break;
        }
    }
    return 0;
}
