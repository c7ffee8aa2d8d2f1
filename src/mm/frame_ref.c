/* SPDX-License-Identifier: 0BSD */
/*
 * The shared-frame table (include/frame64/frame_ref.h, docs/frame-ref.md): an open-addressing hash
 * table with linear probing, keyed by frame number, in whole 4 KiB frames taken through callbacks.
 *
 * An entry is one 64-bit word, (frame number << 24) | owners: frame numbers below 2^40 cover
 * 52-bit physical addresses, and a shared frame has at least 2 owners, so a zero word is an empty
 * slot whatever the frame (frame 0 included). Removal shifts the following entries back instead of
 * leaving tombstones, so a lookup stops at the first empty slot however many shares came and went.
 *
 * The load stays between 1/8 and 3/4: above 3/4 the table is rebuilt at the smallest power of two
 * that brings it to 1/2 or below (twice the size), and the same below 1/8, so memory follows the
 * number of shared frames both ways and a frame shared and unshared at a boundary does not rebuild
 * each time. A rebuild allocates the whole new table before touching the old one: a growth that
 * finds no frames changes nothing (K_ENOMEM), a shrink that finds none is retried on the next
 * change.
 */
#include <frame64/error.h>
#include <frame64/frame_ref.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#define SLOT_SHIFT 9 /* 512 eight-byte slots per frame */
#define SLOTS      (1ull << SLOT_SHIFT)
#define PTR_SHIFT  9 /* 512 slot-frame pointers per index frame */
#define MIN_SHIFT  SLOT_SHIFT
#define MAX_SHIFT  (SLOT_SHIFT + PTR_SHIFT + 7) /* 128 index frames: FRAME_REF_INDEX_MAX */
_Static_assert((1u << (MAX_SHIFT - SLOT_SHIFT - PTR_SHIFT)) == FRAME_REF_INDEX_MAX,
               "MAX_SHIFT and FRAME_REF_INDEX_MAX disagree");

#define COUNT_BITS 24
#define COUNT_MASK ((1ull << COUNT_BITS) - 1)
_Static_assert(FRAME_REF_MAX == COUNT_MASK, "a count must fit its entry");
#define NOT_FOUND UINT64_MAX

static void check_pa(const char *op, phys_addr_t pa)
{
    if (pa % PAGE_SIZE)
        panic("frame_ref_%s(0x%lx): misaligned, not a frame address", op, pa);
    if (pa >= FRAME_REF_PA_LIMIT)
        panic("frame_ref_%s(0x%lx): beyond 52-bit physical addresses", op, pa);
}

static uint64_t *slot(const struct frame_ref_table *tab, uint64_t s)
{
    return &tab->index[s >> (SLOT_SHIFT + PTR_SHIFT)][(s >> SLOT_SHIFT) & ((1u << PTR_SHIFT) - 1)]
                      [s & (SLOTS - 1)];
}

/* Fibonacci hashing: frames handed out in runs of consecutive numbers spread over the table. */
static uint64_t home(const struct frame_ref_table *tab, uint64_t pfn)
{
    return (pfn * 0x9e3779b97f4a7c15ull) >> (64 - tab->shift);
}

static uint64_t lookup(const struct frame_ref_table *tab, uint64_t pfn)
{
    if (!tab->shift)
        return NOT_FOUND;
    uint64_t mask = (1ull << tab->shift) - 1;
    for (uint64_t s = home(tab, pfn);; s = (s + 1) & mask) {
        uint64_t e = *slot(tab, s);
        if (!e)
            return NOT_FOUND;
        if (e >> COUNT_BITS == pfn)
            return s;
    }
}

/* Stores an entry whose frame is not in the table; the load bound keeps an empty slot. */
static void insert(const struct frame_ref_table *tab, uint64_t entry)
{
    uint64_t mask = (1ull << tab->shift) - 1;
    uint64_t s = home(tab, entry >> COUNT_BITS);
    while (*slot(tab, s))
        s = (s + 1) & mask;
    *slot(tab, s) = entry;
}

/*
 * Empties slot s and moves back every later entry of its probe run that may now sit closer to its
 * home slot, so no run has a hole a lookup would stop at.
 */
static void erase(const struct frame_ref_table *tab, uint64_t s)
{
    uint64_t mask = (1ull << tab->shift) - 1;
    for (uint64_t j = s;;) {
        j = (j + 1) & mask;
        uint64_t e = *slot(tab, j);
        if (!e)
            break;
        uint64_t h = home(tab, e >> COUNT_BITS);
        /* e may move to s unless its home lies cyclically in (s, j]. */
        bool stays = s <= j ? (s < h && h <= j) : (s < h || h <= j);
        if (!stays) {
            *slot(tab, s) = e;
            s = j;
        }
    }
    *slot(tab, s) = 0;
}

static bool fits(unsigned shift, uint64_t entries)
{
    return shift && entries * 4 <= 3ull << shift;
}

/*
 * The smallest table (log2 slots) with entries at a load of 1/2 or below; 0 for none. Growing at
 * 3/4 therefore doubles, and a shrink below 1/8 lands above 1/4, away from both thresholds.
 */
static unsigned shift_for(uint64_t entries)
{
    if (!entries)
        return 0;
    unsigned shift = MIN_SHIFT;
    while (entries * 2 > 1ull << shift)
        shift++;
    return shift;
}

/* The size the table should have for entries: its own while the load is in [1/8, 3/4]. */
static unsigned target_shift(unsigned shift, uint64_t entries)
{
    if (!entries)
        return 0;
    if (!fits(shift, entries) || (shift > MIN_SHIFT && entries * 8 < 1ull << shift))
        return shift_for(entries);
    return shift;
}

static void table_free(struct frame_ref *t, struct frame_ref_table *tab) REQUIRES(t->lock)
{
    for (unsigned i = 0; i < FRAME_REF_INDEX_MAX && tab->index[i]; i++) {
        for (unsigned j = 0; j < 1u << PTR_SHIFT; j++)
            if (tab->index[i][j])
                t->free_frame(t->ctx, virt_to_phys(tab->index[i][j]));
        t->free_frame(t->ctx, virt_to_phys(tab->index[i]));
        tab->index[i] = NULL;
    }
    tab->shift = 0;
    tab->frames = 0;
}

static void *zeroed_frame(struct frame_ref *t) REQUIRES(t->lock)
{
    phys_addr_t pa = t->alloc_frame(t->ctx);
    if (pa == PHYS_NONE)
        return NULL;
    void *p = phys_to_virt(pa);
    memset(p, 0, PAGE_SIZE);
    return p;
}

/* Every frame of an empty table of 2^shift slots, or K_ENOMEM with none of them kept. */
static int table_build(struct frame_ref *t, struct frame_ref_table *tab, unsigned shift)
    REQUIRES(t->lock)
{
    memset(tab, 0, sizeof(*tab));
    uint64_t nslot_frames = 1ull << (shift - SLOT_SHIFT);
    for (uint64_t f = 0; f < nslot_frames; f++) {
        uint64_t i = f >> PTR_SHIFT;
        if (!tab->index[i]) {
            tab->index[i] = zeroed_frame(t);
            if (!tab->index[i])
                goto fail;
            tab->frames++;
        }
        uint64_t *p = zeroed_frame(t);
        if (!p)
            goto fail;
        tab->index[i][f & ((1u << PTR_SHIFT) - 1)] = p;
        tab->frames++;
    }
    tab->shift = shift;
    return K_OK;
fail:
    table_free(t, tab);
    return K_ENOMEM;
}

/* Moves every entry into a table of 2^shift slots (0: frees it). Return: K_OK or K_ENOMEM. */
static int rebuild(struct frame_ref *t, unsigned shift) REQUIRES(t->lock)
{
    struct frame_ref_table next = {0};
    if (shift > MAX_SHIFT || (shift && table_build(t, &next, shift) != K_OK)) {
        t->no_memory++;
        return K_ENOMEM;
    }
    if (t->tab.shift)
        for (uint64_t s = 0; s < 1ull << t->tab.shift; s++) {
            uint64_t e = *slot(&t->tab, s);
            if (e)
                insert(&next, e);
        }
    table_free(t, &t->tab);
    t->tab = next;
    t->resizes++;
    return K_OK;
}

/* Brings the table to the size its entries call for; a shrink without frames waits for later. */
static void settle(struct frame_ref *t) REQUIRES(t->lock)
{
    unsigned shift = target_shift(t->tab.shift, t->entries);
    if (shift != t->tab.shift)
        (void)rebuild(t, shift);
}

/* Room for need entries. Return: K_OK, or K_ENOMEM with the table unchanged. */
static int make_room(struct frame_ref *t, uint64_t need) REQUIRES(t->lock)
{
    if (fits(t->tab.shift, need))
        return K_OK;
    return rebuild(t, shift_for(need));
}

/* One owner more; the caller made room for a new entry. Return: K_OK or K_ERANGE. */
static int share_one(struct frame_ref *t, uint64_t pfn) REQUIRES(t->lock)
{
    uint64_t s = lookup(&t->tab, pfn);
    if (s == NOT_FOUND) {
        insert(&t->tab, pfn << COUNT_BITS | 2);
        t->entries++;
        t->refs += 2;
        return K_OK;
    }
    uint64_t *e = slot(&t->tab, s);
    if ((*e & COUNT_MASK) >= FRAME_REF_MAX)
        return K_ERANGE;
    (*e)++;
    t->refs++;
    return K_OK;
}

/* One owner fewer, no resize. Return: the owners left, 0 if the table does not hold pfn. */
static uint32_t unshare_one(struct frame_ref *t, uint64_t pfn) REQUIRES(t->lock)
{
    uint64_t s = lookup(&t->tab, pfn);
    if (s == NOT_FOUND)
        return 0;
    uint64_t *e = slot(&t->tab, s);
    if ((*e & COUNT_MASK) == 2) {
        erase(&t->tab, s);
        t->entries--;
        t->refs -= 2;
        return 1;
    }
    (*e)--;
    t->refs--;
    return (uint32_t)(*e & COUNT_MASK);
}

void frame_ref_init(struct frame_ref *t, frame_ref_alloc_fn alloc_frame,
                    frame_ref_free_fn free_frame, void *ctx)
{
    *t = (struct frame_ref){
        .lock = IRQLOCK_INIT("shared frames", LOCK_RANK_FRAME_REF),
        .alloc_frame = alloc_frame,
        .free_frame = free_frame,
        .ctx = ctx,
    };
}

void frame_ref_destroy(struct frame_ref *t)
{
    uint64_t irq = irqlock_acquire(&t->lock);
    uint64_t entries = t->entries;
    if (entries) {
        irqlock_release(&t->lock, irq);
        panic("frame_ref_destroy: %lu frames are still shared", entries);
    }
    table_free(t, &t->tab);
    irqlock_release(&t->lock, irq);
}

int frame_ref_share(struct frame_ref *t, phys_addr_t pa)
{
    check_pa("share", pa);
    uint64_t pfn = pa / PAGE_SIZE;
    uint64_t irq = irqlock_acquire(&t->lock);
    int rc = K_OK;
    if (lookup(&t->tab, pfn) == NOT_FOUND)
        rc = make_room(t, t->entries + 1);
    if (rc == K_OK)
        rc = share_one(t, pfn);
    settle(t);
    irqlock_release(&t->lock, irq);
    return rc;
}

int frame_ref_share_many(struct frame_ref *t, const phys_addr_t *pa, size_t n)
{
    for (size_t i = 0; i < n; i++)
        check_pa("share_many", pa[i]);
    uint64_t irq = irqlock_acquire(&t->lock);
    /* Room first for the frames not shared yet (a repeated one counts twice: room to spare). */
    uint64_t fresh = 0;
    for (size_t i = 0; i < n; i++)
        fresh += lookup(&t->tab, pa[i] / PAGE_SIZE) == NOT_FOUND;
    int rc = make_room(t, t->entries + fresh);
    for (size_t i = 0; rc == K_OK && i < n; i++) {
        rc = share_one(t, pa[i] / PAGE_SIZE);
        if (rc != K_OK) /* a count at its maximum: take back the shares made */
            while (i--)
                (void)unshare_one(t, pa[i] / PAGE_SIZE);
    }
    settle(t);
    irqlock_release(&t->lock, irq);
    return rc;
}

uint32_t frame_ref_count(struct frame_ref *t, phys_addr_t pa)
{
    check_pa("count", pa);
    uint64_t irq = irqlock_acquire(&t->lock);
    uint64_t s = lookup(&t->tab, pa / PAGE_SIZE);
    uint32_t n = s == NOT_FOUND ? 1 : (uint32_t)(*slot(&t->tab, s) & COUNT_MASK);
    irqlock_release(&t->lock, irq);
    return n;
}

uint32_t frame_ref_unshare(struct frame_ref *t, phys_addr_t pa)
{
    check_pa("unshare", pa);
    uint64_t irq = irqlock_acquire(&t->lock);
    uint32_t left = unshare_one(t, pa / PAGE_SIZE);
    settle(t);
    irqlock_release(&t->lock, irq);
    return left;
}

uint32_t frame_ref_unshare_shared(struct frame_ref *t, phys_addr_t pa)
{
    check_pa("unshare_shared", pa);
    uint64_t irq = irqlock_acquire(&t->lock);
    uint32_t left = unshare_one(t, pa / PAGE_SIZE);
    if (!left) {
        irqlock_release(&t->lock, irq);
        panic("frame_ref_unshare_shared(0x%lx): not shared, its count would go below its owners",
              pa);
    }
    settle(t);
    irqlock_release(&t->lock, irq);
    return left;
}

struct frame_ref_stats frame_ref_stats(struct frame_ref *t)
{
    uint64_t irq = irqlock_acquire(&t->lock);
    struct frame_ref_stats st = {
        .shared = t->entries,
        .refs = t->refs,
        .slots = t->tab.shift ? 1ull << t->tab.shift : 0,
        .frames = t->tab.frames,
        .bytes = t->tab.frames * PAGE_SIZE,
        .resizes = t->resizes,
        .no_memory = t->no_memory,
    };
    irqlock_release(&t->lock, irq);
    return st;
}
