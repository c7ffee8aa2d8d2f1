/*
 * The region list: painting (set, add, retag, reserve, remove), merging and splitting, clamping at
 * the top of the address space, all-or-nothing failure, growth into the list's own memory,
 * allocation (alignment, window, boundary, direction), freeing, lookup and the self-check.
 *
 * Drawings show entries as |tag base-end| in the units the test uses (K = KiB, M = MiB) and
 * the painted range as [base-end).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "host_support.h"
#include <frame64/error.h>
#include <frame64/phys.h>
#include <frame64/region.h>

#define K    KiB
#define M    MiB
#define F    REGION_FREE
#define KERN REGION_KERNEL
#define FW   REGION_FIRMWARE
#define MOD  REGION_MODULE
#define META REGION_META
#define DMA  REGION_DMA
#define TOP  PHYS_ADDR_MAX

static struct region big[REGION_STATIC_CAPACITY];
static struct region small[8];
static struct region_list L; /* room for REGION_STATIC_CAPACITY, no growth */
static struct region_list S; /* room for 4 (or as the test says) */

static int setup(void **state)
{
    (void)state;
    region_init(&L, "big", big, ARRAY_SIZE(big));
    region_init(&S, "small", small, 4);
    kprintf_reset();
    return 0;
}

#define E(b, e, t)                                                                                 \
    {                                                                                              \
        .base = (b), .end = (e), .tag = (t)                                                        \
    }

static void print_list(const struct region_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        print_message("  [%#llx, %#llx) %s\n", (unsigned long long)l->regions[i].base,
                      (unsigned long long)l->regions[i].end, region_tag_name(l->regions[i].tag));
}

static void expect_list(const struct region_list *l, const struct region *want, size_t n, int line)
{
    bool same = region_check(l) && l->count == n;
    for (size_t i = 0; same && i < n; i++)
        same = l->regions[i].base == want[i].base && l->regions[i].end == want[i].end &&
               l->regions[i].tag == want[i].tag;
    if (!same) {
        print_message("line %d: list %s is:\n", line, l->name);
        print_list(l);
        fail_msg("line %d: list differs from the expected %zu entries", line, n);
    }
}

#define EXPECT(l, ...)                                                                             \
    do {                                                                                           \
        const struct region want_[] = {__VA_ARGS__};                                               \
        expect_list((l), want_, ARRAY_SIZE(want_), __LINE__);                                      \
    } while (0)
#define EXPECT_EMPTY(l) expect_list((l), NULL, 0, __LINE__)

/* A copy of everything a failed call must leave as it was. */
struct snapshot {
    struct region_list l;
    struct region r[REGION_STATIC_CAPACITY];
};

static void snap(struct snapshot *s, const struct region_list *l)
{
    s->l = *l;
    memcpy(s->r, l->regions, l->count * sizeof(struct region));
}

static void expect_unchanged(const struct snapshot *s, const struct region_list *l)
{
    assert_true(region_check(l));
    assert_memory_equal(&s->l, l, sizeof(*l));
    assert_memory_equal(s->r, l->regions, l->count * sizeof(struct region));
}

/* ---------------------------------------------------------------- add ---- */

/*
 *   |F 4K-8K|           |F 16K-20K|        add [4K-8K) then [16K-20K): apart
 * Expect two entries; neither merges across the hole.
 */
static void test_add_disjoint(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 4 * K, 8 * K), K_OK);
    assert_int_equal(region_add(&L, 16 * K, 20 * K), K_OK);
    EXPECT(&L, E(4 * K, 8 * K, F), E(16 * K, 20 * K, F));
}

/*
 *   |F 4K-8K|                 add [8K-12K), then [0-4K)
 *           [8K-12K)
 * Expect one free entry [0, 12K): touching free ranges merge on both sides.
 */
static void test_add_touching_merges(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 4 * K, 8 * K), K_OK);
    assert_int_equal(region_add(&L, 8 * K, 12 * K), K_OK);
    assert_int_equal(region_add(&L, 0, 4 * K), K_OK);
    EXPECT(&L, E(0, 12 * K, F));
}

/*
 *   |F 4K-12K|   |F 16K-20K|     add [8K-24K) overlaps one, contains the other
 *        [8K------------24K)
 * Expect [4K, 24K); then add [5K-6K) (contained): no change.
 */
static void test_add_overlapping_and_contained(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 4 * K, 12 * K), K_OK);
    assert_int_equal(region_add(&L, 16 * K, 20 * K), K_OK);
    assert_int_equal(region_add(&L, 8 * K, 24 * K), K_OK);
    EXPECT(&L, E(4 * K, 24 * K, F));
    assert_int_equal(region_add(&L, 5 * K, 6 * K), K_OK);
    EXPECT(&L, E(4 * K, 24 * K, F));
}

/*
 *   |F 1K-2K| |KERN 3K-4K|  |FW 6K-7K|     add [0-8K)
 * Expect holes become free, entries keep their tags:
 *   |F 0-3K|KERN 3K-4K|F 4K-6K|FW 6K-7K|F 7K-8K|
 */
static void test_add_keeps_existing_tags(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * K, 2 * K), K_OK);
    assert_int_equal(region_set(&L, 3 * K, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 6 * K, 7 * K, FW), K_OK);
    assert_int_equal(region_add(&L, 0, 8 * K), K_OK);
    EXPECT(&L, E(0, 3 * K, F), E(3 * K, 4 * K, KERN), E(4 * K, 6 * K, F), E(6 * K, 7 * K, FW),
           E(7 * K, 8 * K, F));
}

/*
 * A full list of 5 (no growth):
 *   |KERN 0-1|  |KERN 2-3|  |F 4-5|  |F 6-7|  |F 8-9|     add [0-9)  (units of 4K)
 * Filling hole 1-2 adds an entry, holes 5-6 and 7-8 each remove one: 5 -> 4 entries.
 * Expect success (the shrinking fills are done first, so the list never needs a 6th slot):
 *   |KERN 0-1|F 1-2|KERN 2-3|F 3-9|
 */
static void test_add_many_holes_in_full_list(void **state)
{
    (void)state;
    region_init(&S, "five", small, 5);
    assert_int_equal(region_set(&S, 0, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&S, 8 * K, 12 * K, KERN), K_OK);
    for (int i = 4; i <= 8; i += 2)
        assert_int_equal(region_add(&S, i * 4 * K, (i + 1) * 4 * K), K_OK);
    assert_int_equal(S.count, 5);
    assert_int_equal(region_add(&S, 0, 36 * K), K_OK);
    EXPECT(&S, E(0, 4 * K, KERN), E(4 * K, 8 * K, F), E(8 * K, 12 * K, KERN), E(12 * K, 36 * K, F));
}

/* -------------------------------------------------------- set / remove ---- */

/*
 *   |F 0-4K|KERN 4K-8K|F 8K-12K|      set [2K-10K) DMA
 *        [2K-----------10K)
 * Expect |F 0-2K|DMA 2K-10K|F 10K-12K|: the middle entry is swallowed, the others trimmed.
 */
static void test_set_overrides(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 12 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(4 * K, 8 * K, KERN), E(8 * K, 12 * K, F));
    assert_int_equal(region_set(&L, 2 * K, 10 * K, DMA), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(2 * K, 10 * K, DMA), E(10 * K, 12 * K, F));
}

/*
 *   |F 0-4K|KERN 4K-8K|F 8K-12K|      set [4K-8K) free
 * Expect one entry |F 0-12K|: painting the same tag as both neighbours merges all three.
 */
static void test_set_merges_both_neighbours(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 12 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, F), K_OK);
    EXPECT(&L, E(0, 12 * K, F));
}

/*
 *   |KERN 0-4K|  hole  |FW 8K-12K|      set [4K-8K) MOD (fills the hole exactly)
 * Expect three touching entries with different tags, not merged; set [1K-2K) KERN: no change.
 */
static void test_set_touching_other_tags(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 8 * K, 12 * K, FW), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, MOD), K_OK);
    EXPECT(&L, E(0, 4 * K, KERN), E(4 * K, 8 * K, MOD), E(8 * K, 12 * K, FW));
    assert_int_equal(region_set(&L, 1 * K, 2 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, KERN), E(4 * K, 8 * K, MOD), E(8 * K, 12 * K, FW));
}

/*
 *   |F 0-16K|                 set [4K-8K) KERN in the middle: one entry becomes three
 * Expect |F 0-4K|KERN 4K-8K|F 8K-16K|.
 */
static void test_set_splits(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 16 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(4 * K, 8 * K, KERN), E(8 * K, 16 * K, F));
}

/*
 *   |F 0-16K|   remove [4K-8K) (split), [16K-20K) (hole: no-op), [0-1K) (edge)
 * Expect |F 1K-4K|  |F 8K-16K|; then remove [0-64K) (containing everything): empty.
 */
static void test_remove(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 16 * K), K_OK);
    assert_int_equal(region_remove(&L, 4 * K, 8 * K), K_OK);
    assert_int_equal(region_remove(&L, 16 * K, 20 * K), K_OK);
    assert_int_equal(region_remove(&L, 0, 1 * K), K_OK);
    EXPECT(&L, E(1 * K, 4 * K, F), E(8 * K, 16 * K, F));
    assert_int_equal(region_remove(&L, 0, 64 * K), K_OK);
    EXPECT_EMPTY(&L);
}

/*
 *   |F 0-4K|KERN 4K-8K|F 8K-12K|      remove [2K-10K) across three entries
 * Expect |F 0-2K|   |F 10K-12K|.
 */
static void test_remove_across_entries(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 12 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_remove(&L, 2 * K, 10 * K), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(10 * K, 12 * K, F));
}

/* ------------------------------------------------------ retag / reserve ---- */

/*
 *   |F 0-4K|FW 4K-6K|F 6K-10K|  hole  |F 12K-16K|   reserve [2K-14K) MOD
 *      [2K--------------------------------14K)
 * Expect only the free parts change; the firmware entry and the hole stay:
 *   |F 0-2K|MOD 2K-4K|FW 4K-6K|MOD 6K-10K|  |MOD 12K-14K|F 14K-16K|
 */
static void test_reserve_only_free(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 10 * K), K_OK);
    assert_int_equal(region_add(&L, 12 * K, 16 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 6 * K, FW), K_OK);
    assert_int_equal(region_reserve(&L, 2 * K, 14 * K, MOD), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(2 * K, 4 * K, MOD), E(4 * K, 6 * K, FW), E(6 * K, 10 * K, MOD),
           E(12 * K, 14 * K, MOD), E(14 * K, 16 * K, F));
}

/*
 *   |KERN 0-4K|F 4K-16K|      reserve [4K-8K) KERN: touches the kernel entry
 * Expect |KERN 0-8K|F 8K-16K|.
 */
static void test_reserve_merges(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 16 * K), K_OK);
    assert_int_equal(region_set(&L, 0, 4 * K, KERN), K_OK);
    assert_int_equal(region_reserve(&L, 4 * K, 8 * K, KERN), K_OK);
    EXPECT(&L, E(0, 8 * K, KERN), E(8 * K, 16 * K, F));
}

/*
 *   |F 0-2K|KERN 2K-4K|F 4K-6K|KERN 6K-8K|F 8K-10K|   retag [0-10K) KERN -> free
 * Expect one entry |F 0-10K|. Then retag free -> free (from == to): no change.
 */
static void test_retag_merges_all(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 10 * K), K_OK);
    assert_int_equal(region_set(&L, 2 * K, 4 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 6 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_retag(&L, 0, 10 * K, KERN, F), K_OK);
    EXPECT(&L, E(0, 10 * K, F));
    assert_int_equal(region_retag(&L, 0, 10 * K, F, F), K_OK);
    EXPECT(&L, E(0, 10 * K, F));
}

/*
 *   |F 0-8K|     retag [2K-4K) MOD -> DMA (nothing carries MOD)
 * Expect no change.
 */
static void test_retag_nothing_to_change(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 8 * K), K_OK);
    assert_int_equal(region_retag(&L, 2 * K, 4 * K, MOD, DMA), K_OK);
    EXPECT(&L, E(0, 8 * K, F));
}

/* ------------------------------------------------- arguments, clamping ---- */

/*
 *   |F 0-8K|     empty/inverted ranges and bad tags
 * Expect K_EINVAL every time and the list unchanged.
 */
static void test_bad_arguments(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 0, 8 * K), K_OK);
    snap(&s, &L);
    assert_int_equal(region_set(&L, 4 * K, 4 * K, KERN), K_EINVAL);
    assert_int_equal(region_set(&L, 5 * K, 4 * K, KERN), K_EINVAL);
    assert_int_equal(region_add(&L, TOP, TOP), K_EINVAL);
    assert_int_equal(region_remove(&L, 8 * K, 0), K_EINVAL);
    assert_int_equal(region_set(&L, 0, 4 * K, REGION_TAG_COUNT), K_EINVAL);
    assert_int_equal(region_set(&L, 0, 4 * K, REGION_HOLE), K_EINVAL);
    assert_int_equal(region_retag(&L, 0, 4 * K, REGION_TAG_COUNT, KERN), K_EINVAL);
    assert_int_equal(region_retag(&L, 0, 4 * K, F, REGION_TAG_COUNT), K_EINVAL);
    assert_int_equal(region_reserve(&L, 0, 4 * K, 99), K_EINVAL);
    assert_int_equal(region_free(&L, 0, 0, KERN), K_EINVAL);
    assert_int_equal(region_free(&L, TOP, 1, KERN), K_EINVAL);
    assert_int_equal(region_free(&L, 0, 4 * K, REGION_TAG_COUNT), K_EINVAL);
    expect_unchanged(&s, &L);
}

/*
 *                 |F TOP-8K .. TOP|    (TOP = 2^64 - 1; the last byte can never be in a range)
 *   free(TOP-8K, 16K) as KERN after set [TOP-8K, TOP) KERN: base + size overflows
 * Expect the end clamped to TOP: the whole top entry becomes free, nothing wraps to 0.
 */
static void test_clamp_at_top(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 4 * K), K_OK);
    assert_int_equal(region_add(&L, TOP - 8 * K, TOP), K_OK);
    assert_int_equal(region_set(&L, TOP - 8 * K, TOP, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(TOP - 8 * K, TOP, KERN));
    assert_int_equal(region_free(&L, TOP - 8 * K, 16 * K, KERN), K_OK);
    EXPECT(&L, E(0, 4 * K, F), E(TOP - 8 * K, TOP, F));
    assert_ptr_equal(region_lookup(&L, TOP - 1), &L.regions[1]);
    assert_null(region_lookup(&L, TOP));
    assert_int_equal(region_total(&L, F), 12 * K);
}

/*
 *   |F 0-4K|  ...  |F TOP-64K .. TOP|     set [2K, TOP) FW
 * Expect |F 0-2K|FW 2K-TOP|: one paint covers the whole top of the address space.
 */
static void test_set_to_top(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 4 * K), K_OK);
    assert_int_equal(region_add(&L, TOP - 64 * K, TOP), K_OK);
    assert_int_equal(region_set(&L, 2 * K, TOP, FW), K_OK);
    EXPECT(&L, E(0, 2 * K, F), E(2 * K, TOP, FW));
}

/* --------------------------------------------------- capacity, growth ---- */

/*
 * A full list of 4, growth off:
 *   |F 0-8K|KERN 8K-12K|F 12K-16K|FW 16K-20K|
 *   set [1K-2K) DMA (+2), add [32K-36K) (+1), free [9K-10K) (+2), alloc 4K at 0 (+1)
 * Expect K_ENOMEM / REGION_NONE each time, the list unchanged, a message saying growth is off.
 * Then set [12K-16K) FW, which merges (-1): it works, |F 0-8K|KERN 8K-12K|FW 12K-20K|.
 */
static void test_full_without_growth(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&S, 0, 16 * K), K_OK);
    assert_int_equal(region_set(&S, 8 * K, 12 * K, KERN), K_OK);
    assert_int_equal(region_set(&S, 16 * K, 20 * K, FW), K_OK);
    assert_int_equal(S.count, 4);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 1 * K, 2 * K, DMA), K_ENOMEM);
    expect_unchanged(&s, &S);
    assert_non_null(strstr(kprintf_output(), "growth is off"));
    assert_int_equal(region_add(&S, 32 * K, 36 * K), K_ENOMEM);
    assert_int_equal(region_free(&S, 9 * K, 1 * K, KERN), K_ENOMEM);
    assert_int_equal(region_alloc(&S, &(struct region_request){.size = 4 * K, .tag = DMA}),
                     REGION_NONE);
    expect_unchanged(&s, &S);
    assert_int_equal(region_set(&S, 12 * K, 16 * K, FW), K_OK);
    EXPECT(&S, E(0, 8 * K, F), E(8 * K, 12 * K, KERN), E(12 * K, 20 * K, FW));
}

/*
 * 64 MiB arena, a list of 4 growing below 64M:
 *   |LOW 0-1M|F 1M-2M|KERN 2M..+4K|F ..64M|     (full)   reserve [4M, 4M+4K) MOD (needs 6)
 * Expect growth to 16 entries (4 doubled until >= 6 + slack 8; 384 bytes: one page) on the
 * highest free page [64M-4K, 64M), tagged META, the static array left behind, contents kept.
 */
static void test_growth_moves_storage(void **state)
{
    (void)state;
    arena_create(64 * M);
    region_set_grow_limit(&S, 64 * M + 123);
    assert_int_equal(S.grow_limit, 64 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    assert_int_equal(region_reserve(&S, 2 * M, 2 * M + 4 * K, KERN), K_OK);
    assert_int_equal(S.count, 4);
    assert_ptr_equal(S.regions, small);
    /* 4 entries + 2 needed = 6, plus slack 8 = 14: doubled twice to 16. */
    assert_int_equal(region_reserve(&S, 4 * M, 4 * M + 4 * K, MOD), K_OK);
    assert_int_equal(S.storage, 64 * M - 4 * K);
    assert_int_equal(S.capacity, 16);
    assert_ptr_equal(S.regions, phys_to_virt(64 * M - 4 * K));
    EXPECT(&S, E(0, 1 * M, REGION_LOWMEM), E(1 * M, 2 * M, F), E(2 * M, 2 * M + 4 * K, KERN),
           E(2 * M + 4 * K, 4 * M, F), E(4 * M, 4 * M + 4 * K, MOD),
           E(4 * M + 4 * K, 64 * M - 4 * K, F), E(64 * M - 4 * K, 64 * M, META));
    assert_int_equal(region_total(&S, META), 4 * K);
}

/*
 * A list of 4 growing below 64M, reserving 4K pieces at 2M, 2M+64K, ... until it has grown twice:
 *   |F 1M ...|KERN|F|KERN|F ... |META 64M-4K..64M|      (16 entries, full)
 *   |F 1M ...|KERN|F|KERN|F ... |META 64M-8K..64M-4K|F 64M-4K..64M|
 * Expect the second storage on the highest free page, [64M-8K, 64M-4K), the old page given back
 * as a lone free entry (the new META page below it keeps it from merging), every piece kept.
 */
static void test_growth_gives_old_storage_back(void **state)
{
    (void)state;
    arena_create(64 * M);
    region_set_grow_limit(&S, 64 * M);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    int n = 0;
    while (S.storage == 0 || S.storage == 64 * M - 4 * K) {
        phys_addr_t old = S.storage;
        size_t cap = S.capacity;
        phys_addr_t pa = 2 * M + (phys_addr_t)n * 64 * K;
        assert_int_equal(region_reserve(&S, pa, pa + 4 * K, KERN), K_OK);
        assert_true(region_check(&S));
        n++;
        if (old && S.storage != old) {
            assert_true(S.capacity >= 2 * cap);
            break;
        }
        assert_true(n < 100);
    }
    assert_int_equal(S.storage, 64 * M - 8 * K);
    assert_int_equal(region_lookup(&S, 64 * M - 8 * K)->tag, META);
    const struct region *old = region_lookup(&S, 64 * M - 4 * K);
    assert_int_equal(old->tag, F);
    assert_int_equal(old->base, 64 * M - 4 * K);
    assert_int_equal(old->end, 64 * M);
    assert_int_equal(region_total(&S, META), 4 * K);
    assert_int_equal(region_total(&S, KERN), (uint64_t)n * 4 * K);
    for (int i = 0; i < n; i++)
        assert_int_equal(region_lookup(&S, 2 * M + (phys_addr_t)i * 64 * K)->tag, KERN);
}

/*
 * A full list of 2, growing below 64M:  |LOW 0-1M|F 1M-64M|
 *   reserve [62M-64M) KERN: the top is exactly what is being reserved
 * Expect the storage placed below the range, at [62M-4K, 62M), never inside it.
 */
static void test_growth_avoids_the_range_being_changed(void **state)
{
    (void)state;
    arena_create(64 * M);
    region_init(&S, "two", small, 2);
    region_set_grow_limit(&S, 64 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    assert_int_equal(region_reserve(&S, 62 * M, 64 * M, KERN), K_OK);
    assert_int_equal(S.storage, 62 * M - 4 * K);
    EXPECT(&S, E(0, 1 * M, REGION_LOWMEM), E(1 * M, 62 * M - 4 * K, F),
           E(62 * M - 4 * K, 62 * M, META), E(62 * M, 64 * M, KERN));
}

/*
 * A full list of 2 with growth on but no free memory:  |LOW 0-1M|FW 1M-2M|
 *   set [4M-5M) free (needs a third slot)
 * Expect K_ENOMEM, the list unchanged, a message naming the list. Then with free memory only
 * above the limit (|F 8M-9M| and limit 4M) or only inside the range being changed: the same.
 */
static void test_growth_failure_leaves_list_unchanged(void **state)
{
    (void)state;
    struct snapshot s;
    arena_create(16 * M);
    region_init(&S, "two", small, 2);
    region_set_grow_limit(&S, 16 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_set(&S, 1 * M, 2 * M, FW), K_OK);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, F), K_ENOMEM);
    expect_unchanged(&s, &S);
    assert_non_null(strstr(kprintf_output(), "two"));
    assert_non_null(strstr(kprintf_output(), "to grow into"));

    /*   |LOW 0-2M|F 8M-9M|  limit 4M: the only free memory is above the limit. */
    assert_int_equal(region_set(&S, 1 * M, 2 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 8 * M, 9 * M), K_OK);
    region_set_grow_limit(&S, 4 * M);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, FW), K_ENOMEM);
    expect_unchanged(&s, &S);

    /*
     *   |LOW 0-2M|F 8M-9M|  limit 16M, set [8M+1K, 9M-1K) FW: what stays free outside the
     *   range (1K at each end) is less than the page growth needs.
     */
    region_set_grow_limit(&S, 16 * M);
    snap(&s, &S);
    assert_int_equal(region_set(&S, 8 * M + 1 * K, 9 * M - 1 * K, FW), K_ENOMEM);
    expect_unchanged(&s, &S);
}

/*
 * Growth from a list whose storage was taken by an earlier growth, and the storage protection:
 *   ...|META x..x+4K|...     set/remove/retag/free over the storage page
 * Expect K_EINVAL for each, the list unchanged; set META over it (no change) is fine.
 */
static void test_storage_is_protected(void **state)
{
    (void)state;
    struct snapshot s;
    arena_create(16 * M);
    region_init(&S, "two", small, 2);
    region_set_grow_limit(&S, 16 * M);
    assert_int_equal(region_add(&S, 1 * M, 16 * M), K_OK);
    assert_int_equal(region_set(&S, 4 * M, 5 * M, KERN), K_OK);
    phys_addr_t st = S.storage;
    assert_int_equal(st, 16 * M - 4 * K);
    snap(&s, &S);
    assert_int_equal(region_set(&S, st - 4 * K, st + 1, F), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "own storage"));
    assert_int_equal(region_remove(&S, 0, 16 * M), K_EINVAL);
    assert_int_equal(region_retag(&S, 0, 16 * M, META, DMA), K_EINVAL);
    assert_int_equal(region_free(&S, st, 4 * K, META), K_EINVAL);
    expect_unchanged(&s, &S);
    assert_int_equal(region_set(&S, st, st + 4 * K, META), K_OK);
    assert_int_equal(region_retag(&S, 0, 16 * M, KERN, DMA), K_OK);
    assert_int_equal(region_lookup(&S, 4 * M)->tag, DMA);
}

/*
 * A list of 0 entries cannot grow: growth takes its storage from the list's own free ranges.
 * Expect K_ENOMEM for the first add.
 */
static void test_empty_capacity_cannot_grow(void **state)
{
    (void)state;
    arena_create(1 * M);
    region_init(&S, "none", NULL, 0);
    region_set_grow_limit(&S, 1 * M);
    assert_int_equal(region_add(&S, 0, 1 * M), K_ENOMEM);
    EXPECT_EMPTY(&S);
}

/* ------------------------------------------------------------- lookup ---- */

/*
 *   hole |KERN 4K-8K| hole |F 12K-16K| hole
 * Expect lookup at base and end-1 to find the entry, at end and in holes NULL.
 */
static void test_lookup_edges(void **state)
{
    (void)state;
    assert_null(region_lookup(&L, 0));
    assert_int_equal(region_set(&L, 4 * K, 8 * K, KERN), K_OK);
    assert_int_equal(region_add(&L, 12 * K, 16 * K), K_OK);
    assert_null(region_lookup(&L, 0));
    assert_null(region_lookup(&L, 4 * K - 1));
    assert_ptr_equal(region_lookup(&L, 4 * K), &L.regions[0]);
    assert_ptr_equal(region_lookup(&L, 8 * K - 1), &L.regions[0]);
    assert_null(region_lookup(&L, 8 * K));
    assert_null(region_lookup(&L, 12 * K - 1));
    assert_ptr_equal(region_lookup(&L, 12 * K), &L.regions[1]);
    assert_ptr_equal(region_lookup(&L, 16 * K - 1), &L.regions[1]);
    assert_null(region_lookup(&L, 16 * K));
    assert_null(region_lookup(&L, TOP));
}

/*
 *   200 entries, alternating |F|KERN| pages, probed at every page edge
 * Expect lookup agrees with a linear scan everywhere (the binary search has no off-by-one).
 */
static void test_lookup_many(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 200 * 4 * K), K_OK);
    for (int i = 1; i < 200; i += 2)
        assert_int_equal(region_set(&L, i * 4 * K, (i + 1) * 4 * K, KERN), K_OK);
    assert_int_equal(L.count, 200);
    for (phys_addr_t pa = 0; pa <= 201 * 4 * K; pa += 2 * K) {
        const struct region *r = region_lookup(&L, pa);
        if (pa >= 200 * 4 * K) {
            assert_null(r);
            continue;
        }
        assert_non_null(r);
        assert_true(r->base <= pa && pa < r->end);
        assert_int_equal(r->tag, (pa / (4 * K)) % 2 ? KERN : F);
    }
}

/* ---------------------------------------------------- totals and names ---- */

/*
 *   |F 0-4K|KERN 4K-12K|F 12K-14K|  |MOD 20K-21K|
 * Expect totals free 6K, kernel 8K, module 1K, dma 0.
 */
static void test_total(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 14 * K), K_OK);
    assert_int_equal(region_set(&L, 4 * K, 12 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 20 * K, 21 * K, MOD), K_OK);
    assert_int_equal(region_total(&L, F), 6 * K);
    assert_int_equal(region_total(&L, KERN), 8 * K);
    assert_int_equal(region_total(&L, MOD), 1 * K);
    assert_int_equal(region_total(&L, DMA), 0);
    int n = 0;
    const struct region *r;
    region_for_each(&L, r) n++;
    assert_int_equal(n, 4);
}

/* Every tag has its own short lowercase name; a bad tag reads "?". */
static void test_tag_names(void **state)
{
    (void)state;
    static const char *const want[REGION_TAG_COUNT] = {
        "free",     "acpi-reclaim", "acpi-nvs",   "bad",       "firmware",
        "low-1MiB", "kernel",       "bootstrap",  "boot-info", "cmdline",
        "module",   "meta",         "page-table", "dma",       "frames"};
    for (uint32_t t = 0; t < REGION_TAG_COUNT; t++)
        assert_string_equal(region_tag_name(t), want[t]);
    assert_string_equal(region_tag_name(REGION_TAG_COUNT), "?");
    assert_string_equal(region_tag_name(REGION_HOLE), "?");
}

/* -------------------------------------------------------- self-check ---- */

/*
 * Hand-broken lists: each breaks one invariant.
 * Expect region_check() false (with a message) for each, true for the sound one.
 */
static void test_check_detects_corruption(void **state)
{
    (void)state;
    struct region r[3];
    struct region_list l;
    region_init(&l, "bad", r, 3);
    l.count = 2;
#define TRY(a, b, ok)                                                                              \
    do {                                                                                           \
        r[0] = (struct region)a;                                                                   \
        r[1] = (struct region)b;                                                                   \
        assert_int_equal(region_check(&l), ok);                                                    \
    } while (0)
    TRY(E(0, 4 * K, F), E(4 * K, 8 * K, KERN), true);
    TRY(E(0, 4 * K, F), E(4 * K, 8 * K, F), false);      /* touching, same tag */
    TRY(E(0, 4 * K, F), E(2 * K, 8 * K, KERN), false);   /* overlapping */
    TRY(E(8 * K, 12 * K, F), E(0, 4 * K, KERN), false);  /* unsorted */
    TRY(E(0, 4 * K, F), E(8 * K, 8 * K, KERN), false);   /* empty */
    TRY(E(4 * K, 0, F), E(8 * K, 12 * K, KERN), false);  /* inverted */
    TRY(E(0, 4 * K, 77), E(8 * K, 12 * K, KERN), false); /* bad tag */
    assert_non_null(strstr(kprintf_output(), "bad tag"));
    TRY(E(0, 4 * K, F), E(4 * K, 8 * K, KERN), true);
    l.count = 4;
    assert_false(region_check(&l)); /* count > capacity */

    /* Storage taken from the list but not tagged META. */
    arena_create(1 * M);
    l.count = 2;
    l.storage = 4 * K;
    l.regions = phys_to_virt(4 * K);
    l.regions[0] = (struct region)E(0, 4 * K, F);
    l.regions[1] = (struct region)E(4 * K, 8 * K, META);
    assert_true(region_check(&l));
    l.regions[1].tag = KERN;
    assert_false(region_check(&l));
    l.regions[1] = (struct region)E(4 * K, 6 * K, META); /* too short */
    assert_false(region_check(&l));
#undef TRY
}

/* --------------------------------------------------------- allocation ---- */

static phys_addr_t alloc(struct region_list *l, struct region_request req)
{
    if (!req.tag)
        req.tag = DMA;
    phys_addr_t pa = region_alloc(l, &req);
    assert_true(region_check(l));
    return pa;
}

/*
 *   |F 1M-2M|      alloc 8K twice, bottom-up
 * Expect 1M then 1M+8K, merged: |DMA 1M-1M+16K|F 1M+16K-2M|.
 */
static void test_alloc_bottom_up(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K}), 1 * M);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K}), 1 * M + 8 * K);
    EXPECT(&L, E(1 * M, 1 * M + 16 * K, DMA), E(1 * M + 16 * K, 2 * M, F));
}

/*
 *   |F 1M-2M|      alloc 8K twice, top-down
 * Expect 2M-8K then 2M-16K: |F 1M-2M-16K|DMA 2M-16K-2M|.
 */
static void test_alloc_top_down(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K, .top_down = true}),
                     2 * M - 8 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K, .top_down = true}),
                     2 * M - 16 * K);
    EXPECT(&L, E(1 * M, 2 * M - 16 * K, F), E(2 * M - 16 * K, 2 * M, DMA));
}

/*
 *   |F 4K-1M|      alloc 4K aligned 64K (bottom-up, then top-down), 12K-aligned, 0, 16
 * Expect 64K and 1M-64K; a non-power-of-two alignment is rejected with the list unchanged;
 * align 0 and align 16 both mean one page: 4K then 8K.
 */
static void test_alloc_alignment(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 4 * K, 1 * M), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .align = 64 * K}), 64 * K);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 4 * K, .align = 64 * K, .top_down = true}),
        1 * M - 64 * K);
    snap(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .align = 12 * K}),
                     REGION_NONE);
    expect_unchanged(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), 4 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .align = 16}), 8 * K);
}

/*
 *   |F 8M-32M|      ceiling 16M (ISA DMA)
 * Expect top-down 64K at 16M-64K; bottom-up 8M exactly fits [8M, 16M) once, and 8M+4K does not
 * fit below the ceiling.
 */
static void test_alloc_ceiling_16m(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 8 * M, 32 * M), K_OK);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 64 * K, .max = 16 * M, .top_down = true}),
        16 * M - 64 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * M, .max = 16 * M}), REGION_NONE);
    assert_int_equal(region_free(&L, 16 * M - 64 * K, 64 * K, DMA), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * M + 4 * K, .max = 16 * M}),
                     REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * M, .max = 16 * M}), 8 * M);
    EXPECT(&L, E(8 * M, 16 * M, DMA), E(16 * M, 32 * M, F));
}

/*
 *   |F 1M-8G|      2M aligned to 2M below 4G, top-down (32-bit DMA)
 * Expect 4G-2M, and with no ceiling 8G-2M.
 */
static void test_alloc_ceiling_4g(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 8 * GiB), K_OK);
    assert_int_equal(alloc(&L,
                           (struct region_request){
                               .size = 2 * M, .align = 2 * M, .max = 4 * GiB, .top_down = true}),
                     4 * GiB - 2 * M);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 2 * M, .align = 2 * M, .top_down = true}),
        8 * GiB - 2 * M);
}

/*
 *   |F 0-1M|      floors: min 512K, min 512K+1, and top-down with min 1M-4K
 * Expect 512K, 516K (next page), 1M-4K, then top-down 8K above 1M-4K: none; min >= max: none.
 */
static void test_alloc_min_floor(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 1 * M), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = 512 * K}), 512 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = 512 * K + 1}),
                     516 * K);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 8 * K, .min = 1 * M - 4 * K, .top_down = true}),
        REGION_NONE);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 4 * K, .min = 1 * M - 4 * K, .top_down = true}),
        1 * M - 4 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = 2 * M, .max = 2 * M}),
                     REGION_NONE);
}

/*
 *   |F 60K-192K|         8K not crossing 64K: [60K, 68K) would cross 64K
 * Expect bottom-up 64K; top-down in |F 4K-68K| 52K ([60K,68K) crosses, so the run ends at 64K);
 * size > boundary and a boundary that is not a power of two are rejected; a 64K run aligned to
 * 64K fits a 64K boundary exactly.
 */
static void test_alloc_boundary(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 60 * K, 192 * K), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K, .boundary = 64 * K}), 64 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 128 * K, .boundary = 64 * K}),
                     REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K, .boundary = 48 * K}),
                     REGION_NONE);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 64 * K, .align = 64 * K, .boundary = 64 * K}),
        128 * K);

    region_init(&L, "b", big, ARRAY_SIZE(big));
    assert_int_equal(region_add(&L, 4 * K, 68 * K), K_OK);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 8 * K, .boundary = 64 * K, .top_down = true}),
        56 * K);
}

/*
 *   |F 60K-68K|     8K fits only across 64K
 * Expect no run either way once the boundary forbids crossing 64K (the list unchanged).
 */
static void test_alloc_boundary_pushes_out(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 60 * K, 68 * K), K_OK);
    snap(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K, .boundary = 64 * K}),
                     REGION_NONE);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 8 * K, .boundary = 64 * K, .top_down = true}),
        REGION_NONE);
    expect_unchanged(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K}), 60 * K);
}

/*
 *   |F 0-16K|KERN 16K-32K|     32K (only 16K free), then anything once all is reserved
 * Expect REGION_NONE both times and the list unchanged.
 */
static void test_alloc_no_space(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 0, 32 * K), K_OK);
    assert_int_equal(region_set(&L, 16 * K, 32 * K, KERN), K_OK);
    snap(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 32 * K}), REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 32 * K, .top_down = true}),
                     REGION_NONE);
    expect_unchanged(&s, &L);
    assert_int_equal(region_reserve(&L, 0, 16 * K, KERN), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), REGION_NONE);
    EXPECT(&L, E(0, 32 * K, KERN));
}

/*
 *   |KERN 0-1M|F 1M-1M+16K|KERN 1M+16K-2M|     alloc 16K as KERN: an exact fit
 * Expect one entry |KERN 0-2M| (three merged into one).
 */
static void test_alloc_exact_fit_merges(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 2 * M, KERN), K_OK);
    assert_int_equal(region_retag(&L, 1 * M, 1 * M + 16 * K, KERN, F), K_OK);
    assert_int_equal(L.count, 3);
    assert_int_equal(alloc(&L, (struct region_request){.size = 16 * K, .tag = KERN}), 1 * M);
    EXPECT(&L, E(0, 2 * M, KERN));
}

/*
 *   |F 1M-2M|     size 1 byte, then sizes that overflow when rounded to a page
 * Expect a whole page [1M, 1M+4K); REGION_NONE for the huge sizes.
 */
static void test_alloc_rounds_size(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 1}), 1 * M);
    EXPECT(&L, E(1 * M, 1 * M + 4 * K, DMA), E(1 * M + 4 * K, 2 * M, F));
    assert_int_equal(alloc(&L, (struct region_request){.size = UINT64_MAX}), REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = UINT64_MAX - 4094}), REGION_NONE);
}

/*
 *   |F 1M-2M|     tag free, tag out of range, size 0, min >= max
 * Expect REGION_NONE for each and the list unchanged.
 */
static void test_alloc_bad_requests(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    snap(&s, &L);
    struct region_request r = {.size = 4 * K, .tag = F};
    assert_int_equal(region_alloc(&L, &r), REGION_NONE);
    r.tag = REGION_TAG_COUNT;
    assert_int_equal(region_alloc(&L, &r), REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 0}), REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = 3 * M, .max = 1 * M}),
                     REGION_NONE);
    expect_unchanged(&s, &L);
}

/*
 *   |F 1M-1M+4K|KERN ..2M|F 2M+4K(unaligned 2M+6K)-3M|KERN 3M-4M|F 4M-5M|
 *   8K aligned 8K: the first range is too small, the second fits after aligning
 * Expect bottom-up 2M+8K; top-down 5M-8K; with max 4M top-down 3M-8K; 2M won't fit anywhere.
 */
static void test_alloc_direction_across_ranges(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 5 * M), K_OK);
    assert_int_equal(region_set(&L, 1 * M + 4 * K, 2 * M + 6 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 3 * M, 4 * M, KERN), K_OK);
    struct region_request r = {.size = 8 * K, .align = 8 * K, .tag = DMA};
    assert_int_equal(region_alloc(&L, &r), 2 * M + 8 * K);
    r.top_down = true;
    assert_int_equal(region_alloc(&L, &r), 5 * M - 8 * K);
    r.max = 4 * M;
    assert_int_equal(region_alloc(&L, &r), 3 * M - 8 * K);
    r = (struct region_request){.size = 2 * M, .tag = DMA};
    assert_int_equal(region_alloc(&L, &r), REGION_NONE);
    r.top_down = true;
    assert_int_equal(region_alloc(&L, &r), REGION_NONE);
    assert_true(region_check(&L));
}

/*
 * A full list of 2 growing below 64M:  |LOW 0-1M|F 1M-64M|    alloc 1M top-down
 * Expect 63M (the highest fit when called); the storage below it, never inside the run:
 *   |LOW 0-1M|F 1M-63M-4K|META 63M-4K..63M|DMA 63M-64M|
 */
static void test_alloc_grows(void **state)
{
    (void)state;
    arena_create(64 * M);
    region_init(&S, "two", small, 2);
    region_set_grow_limit(&S, 64 * M);
    assert_int_equal(region_set(&S, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&S, 1 * M, 64 * M), K_OK);
    assert_int_equal(alloc(&S, (struct region_request){.size = 1 * M, .top_down = true}), 63 * M);
    EXPECT(&S, E(0, 1 * M, REGION_LOWMEM), E(1 * M, 63 * M - 4 * K, F),
           E(63 * M - 4 * K, 63 * M, META), E(63 * M, 64 * M, DMA));
}

/*
 *   |F P-4K .. TOP|  with P = 2^64 - 4K: the last page [P, TOP) is one byte short, since TOP
 *                    itself is never in a range; alloc 4K top-down, then again either way
 * Expect P-4K, then nothing; freeing it in two byte-granular pieces restores the entry.
 */
static void test_alloc_at_top(void **state)
{
    (void)state;
    const phys_addr_t P = ALIGN_DOWN(TOP, 4 * K);
    assert_int_equal(region_add(&L, P - 4 * K, TOP), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .top_down = true}),
                     P - 4 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .top_down = true}),
                     REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), REGION_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = P}), REGION_NONE);
    EXPECT(&L, E(P - 4 * K, P, DMA), E(P, TOP, F));
    assert_int_equal(region_free(&L, P - 4 * K + 1, 4 * K - 1, DMA), K_OK);
    assert_int_equal(region_free(&L, P - 4 * K, 1, DMA), K_OK);
    EXPECT(&L, E(P - 4 * K, TOP, F));
}

/*
 *   |LOW 0-1M|F 1M-64M|    carve 2M FRAMES chunks top-down until none is left
 * Expect 31 chunks (64M-2M, 64M-4M, .. 2M), never more than 3 entries (each chunk merges with the
 * previous one), then REGION_NONE; the free remainder is [1M, 2M).
 */
static void test_alloc_chunks(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&L, 1 * M, 64 * M), K_OK);
    int n = 0;
    struct region_request r = {
        .size = 2 * M, .align = 2 * M, .tag = REGION_FRAMES, .top_down = true};
    for (phys_addr_t pa; (pa = region_alloc(&L, &r)) != REGION_NONE; n++) {
        assert_int_equal(pa, 64 * M - (phys_addr_t)(n + 1) * 2 * M);
        assert_true(L.count <= 3);
    }
    assert_int_equal(n, 31);
    EXPECT(&L, E(0, 1 * M, REGION_LOWMEM), E(1 * M, 2 * M, F), E(2 * M, 64 * M, REGION_FRAMES));
}

/*
 *   |F 0-1M|     region_find_run() avoiding [0, 64K) bottom-up and [1M-64K, 1M) top-down
 * Expect 64K and 1M-68K; avoiding all of it: none.
 */
static void test_find_run_exclusion(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 0, 1 * M), K_OK);
    struct region_request r = {.size = 4 * K};
    assert_int_equal(region_find_run(&L, &r, 0, 64 * K), 64 * K);
    assert_int_equal(region_find_run(&L, &r, 4 * K, 64 * K), 0);
    r.top_down = true;
    assert_int_equal(region_find_run(&L, &r, 1 * M - 64 * K, 1 * M), 1 * M - 68 * K);
    assert_int_equal(region_find_run(&L, &r, 0, 1 * M), REGION_NONE);
}

/*
 *   |F 1M-2M|   alloc three 4K runs, free the middle, alloc again, free everything
 *   |DMA 1M..+4K|F +4K..+8K|DMA +8K..+12K|F ..2M|
 * Expect the hole reused by the next bottom-up alloc, and after all frees one |F 1M-2M|.
 */
static void test_free_and_remerge(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    for (int i = 0; i < 3; i++)
        assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), 1 * M + i * 4 * K);
    assert_int_equal(region_free(&L, 1 * M + 4 * K, 4 * K, DMA), K_OK);
    EXPECT(&L, E(1 * M, 1 * M + 4 * K, DMA), E(1 * M + 4 * K, 1 * M + 8 * K, F),
           E(1 * M + 8 * K, 1 * M + 12 * K, DMA), E(1 * M + 12 * K, 2 * M, F));
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), 1 * M + 4 * K);
    assert_int_equal(region_free(&L, 1 * M, 12 * K, DMA), K_OK);
    EXPECT(&L, E(1 * M, 2 * M, F));
}

/*
 *   |F 0-1M|KERN 1M-1M+8K|MOD 1M+8K-1M+12K|F ..2M|   hole   |
 *   free as DMA; free KERN over KERN+MOD; over KERN+free; in a hole; as free
 * Expect K_EINVAL every time with the list unchanged, and a message naming what was found.
 */
static void test_free_wrong_tag(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 0, 2 * M), K_OK);
    assert_int_equal(region_set(&L, 1 * M, 1 * M + 8 * K, KERN), K_OK);
    assert_int_equal(region_set(&L, 1 * M + 8 * K, 1 * M + 12 * K, MOD), K_OK);
    snap(&s, &L);
    assert_int_equal(region_free(&L, 1 * M, 8 * K, DMA), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "is kernel"));
    assert_int_equal(region_free(&L, 1 * M, 12 * K, KERN), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "is module"));
    assert_int_equal(region_free(&L, 1 * M - 4 * K, 8 * K, KERN), K_EINVAL);
    assert_int_equal(region_free(&L, 3 * M, 4 * K, KERN), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "a hole"));
    assert_int_equal(region_free(&L, 2 * M - 4 * K, 8 * K, F), K_EINVAL);
    assert_int_equal(region_set(&L, 2 * M, 3 * M, FW), K_OK);
    assert_int_equal(region_remove(&L, 2 * M, 3 * M), K_OK);
    assert_int_equal(region_free(&L, 1 * M + 8 * K, 8 * M, MOD), K_EINVAL);
    expect_unchanged(&s, &L);
    assert_int_equal(region_free(&L, 1 * M + 4 * K, 4 * K, KERN), K_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, arena_teardown)
        T(test_add_disjoint),
        T(test_add_touching_merges),
        T(test_add_overlapping_and_contained),
        T(test_add_keeps_existing_tags),
        T(test_add_many_holes_in_full_list),
        T(test_set_overrides),
        T(test_set_merges_both_neighbours),
        T(test_set_touching_other_tags),
        T(test_set_splits),
        T(test_remove),
        T(test_remove_across_entries),
        T(test_reserve_only_free),
        T(test_reserve_merges),
        T(test_retag_merges_all),
        T(test_retag_nothing_to_change),
        T(test_bad_arguments),
        T(test_clamp_at_top),
        T(test_set_to_top),
        T(test_full_without_growth),
        T(test_growth_moves_storage),
        T(test_growth_gives_old_storage_back),
        T(test_growth_avoids_the_range_being_changed),
        T(test_growth_failure_leaves_list_unchanged),
        T(test_storage_is_protected),
        T(test_empty_capacity_cannot_grow),
        T(test_lookup_edges),
        T(test_lookup_many),
        T(test_total),
        T(test_tag_names),
        T(test_check_detects_corruption),
        T(test_alloc_bottom_up),
        T(test_alloc_top_down),
        T(test_alloc_alignment),
        T(test_alloc_ceiling_16m),
        T(test_alloc_ceiling_4g),
        T(test_alloc_min_floor),
        T(test_alloc_boundary),
        T(test_alloc_boundary_pushes_out),
        T(test_alloc_no_space),
        T(test_alloc_exact_fit_merges),
        T(test_alloc_rounds_size),
        T(test_alloc_bad_requests),
        T(test_alloc_direction_across_ranges),
        T(test_alloc_grows),
        T(test_alloc_at_top),
        T(test_alloc_chunks),
        T(test_find_run_exclusion),
        T(test_free_and_remerge),
        T(test_free_wrong_tag),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
