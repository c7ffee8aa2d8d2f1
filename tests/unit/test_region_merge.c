/* SPDX-License-Identifier: 0BSD */
/*
 * region_retag_sorted() (src/mm/region_merge.c): many ranges retagged in one merge. Which ranges
 * are taken (long enough, forced, or touching the new tag), the result written in place when it
 * fits with the output's lead, the list moving into memory the merge frees (but not where the
 * source still reads), and malformed input refused with the list untouched. Drawings use pages
 * (P = 4 KiB): |tag base-end|, FR = frames.
 */
#include "region_test.h"

#define P  PAGE_SIZE
#define FR REGION_FRAMES

/* A source over an array of ranges; counts what it is told was taken. */
struct array_src {
    struct region_ranges rr;
    const struct region *r; /* base, end; tag != 0 means forced */
    size_t n, i, taken;
    phys_addr_t busy_lo, busy_hi; /* in_use() claims [busy_lo, busy_hi) */
};

static void a_rewind(struct region_ranges *rr)
{
    ((struct array_src *)rr)->i = 0;
}

static bool a_next(struct region_ranges *rr, phys_addr_t *base, phys_addr_t *end, bool *force)
{
    struct array_src *a = (struct array_src *)rr;
    if (a->i == a->n)
        return false;
    *base = a->r[a->i].base;
    *end = a->r[a->i].end;
    *force = a->r[a->i++].tag != 0;
    return true;
}

static void a_taken(struct region_ranges *rr, phys_addr_t base, phys_addr_t end)
{
    (void)base, (void)end;
    ((struct array_src *)rr)->taken++;
}

static phys_addr_t a_in_use(struct region_ranges *rr, phys_addr_t base, phys_addr_t end)
{
    const struct array_src *a = (const struct array_src *)rr;
    if (a->busy_lo < end && base < a->busy_hi)
        return MAX(base, a->busy_lo);
    return PHYS_NONE;
}

#define SRC(...)                                                                                   \
    {                                                                                              \
        .rr = {a_rewind, a_next, a_taken, a_in_use}, .r = (const struct region[]){__VA_ARGS__},    \
        .n = sizeof((const struct region[]){__VA_ARGS__}) / sizeof(struct region),                 \
        .busy_lo = PHYS_NONE, .busy_hi = PHYS_NONE                                                 \
    }

static uint32_t tag_at_list(const struct region_list *l, phys_addr_t pa)
{
    const struct region *r = region_lookup(l, pa);
    return r ? r->tag : UINT32_MAX;
}

static int retag(struct region_list *l, struct array_src *s, uint64_t min_size, phys_addr_t *bad)
{
    return region_retag_sorted(l, &s->rr, FR, F, min_size, bad);
}

/*
 *   |F 0-4| FR 4-20 | F 20-24|      ranges (min 4P): 4-5 8-9 10-11! 12-16 19-20   (! = forced)
 * Expect: 4-5 touches the free range below, 10-11 is forced, 12-16 is long enough, 19-20 touches
 * the free range above: taken (4 callbacks); 8-9 is a lone crumb and stays.
 *   |F 0-5|FR 5-10|F 10-11|FR 11-12|F 12-16|FR 16-19|F 19-24|
 */
static void test_which_ranges_are_taken(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 4 * P, F), K_OK);
    assert_int_equal(region_set(&L, 4 * P, 20 * P, FR), K_OK);
    assert_int_equal(region_set(&L, 20 * P, 24 * P, F), K_OK);
    struct array_src s = SRC(E(4 * P, 5 * P, 0), E(8 * P, 9 * P, 0), E(10 * P, 11 * P, 1),
                             E(12 * P, 16 * P, 0), E(19 * P, 20 * P, 0));
    phys_addr_t bad;
    assert_int_equal(retag(&L, &s, 4 * P, &bad), K_OK);
    assert_int_equal(bad, PHYS_NONE);
    assert_int_equal(s.taken, 4);
    EXPECT(&L, E(0, 5 * P, F), E(5 * P, 10 * P, FR), E(10 * P, 11 * P, F), E(11 * P, 12 * P, FR),
           E(12 * P, 16 * P, F), E(16 * P, 19 * P, FR), E(19 * P, 24 * P, F));
    /* nothing worth taking: nothing changes, not even in a full list */
    struct snapshot before;
    snap(&before, &L);
    L.capacity = L.count;
    struct array_src none = SRC(E(6 * P, 7 * P, 0));
    assert_int_equal(retag(&L, &none, 4 * P, &bad), K_OK);
    assert_int_equal(none.taken, 0);
    L.capacity = before.l.capacity;
    expect_unchanged(&before, &L);
}

/*
 *   |FR 0-10| F 10-11 |FR 11-12| F 12-13|     ranges: 2-3! (splits: +2), 11-12 (joins: -2)
 * The result has 4 entries, as many as before, but the output runs two entries ahead of its
 * input after the first entry. Expect: with room for exactly 4 and no growth, K_ENOMEM and the
 * list unchanged; with room for 6, done in place:
 *   |FR 0-2|F 2-3|FR 3-10|F 10-13|
 */
static void test_in_place_needs_the_lead(void **state)
{
    (void)state;
    region_init(&S, "small", small, 4);
    assert_int_equal(region_set(&S, 0, 10 * P, FR), K_OK);
    assert_int_equal(region_set(&S, 10 * P, 11 * P, F), K_OK);
    assert_int_equal(region_set(&S, 11 * P, 12 * P, FR), K_OK);
    assert_int_equal(region_set(&S, 12 * P, 13 * P, F), K_OK);
    struct snapshot before;
    snap(&before, &S);
    struct array_src s = SRC(E(2 * P, 3 * P, 1), E(11 * P, 12 * P, 0));
    phys_addr_t bad;
    kprintf_reset();
    assert_int_equal(retag(&S, &s, 8 * P, &bad), K_ENOMEM);
    assert_non_null(strstr(kprintf_output(), "growth is off"));
    assert_int_equal(s.taken, 0);
    expect_unchanged(&before, &S);
    S.capacity = 6;
    assert_int_equal(retag(&S, &s, 8 * P, &bad), K_OK);
    assert_int_equal(S.regions, small);
    EXPECT(&S, E(0, 2 * P, FR), E(2 * P, 3 * P, F), E(3 * P, 10 * P, FR), E(10 * P, 13 * P, F));
}

/*
 * A 64-page arena: |F 1-2| FR 2-62 |, list with room for 2, growing below 64P. Every other
 * page of 2-40 goes back (19 lone pages: 40 entries), and 40-62 in one piece; the source still
 * reads page 61. Expect: the list moves into the highest free memory of the result that the
 * source does not use, the pages just below 61 (tagged meta); the result is right; a second
 * move gives the first storage back.
 */
static void test_moves_into_what_it_frees(void **state)
{
    (void)state;
    two_slots_growing(64 * P);
    assert_int_equal(region_set(&S, 1 * P, 2 * P, F), K_OK);
    assert_int_equal(region_set(&S, 2 * P, 62 * P, FR), K_OK);
    static struct region r[32];
    size_t n = 0;
    for (phys_addr_t pg = 3; pg < 40; pg += 2)
        r[n++] = (struct region){.base = pg * P, .end = (pg + 1) * P};
    r[n++] = (struct region){.base = 40 * P, .end = 62 * P};
    struct array_src s = {.rr = {a_rewind, a_next, a_taken, a_in_use},
                          .r = r,
                          .n = n,
                          .busy_lo = 61 * P,
                          .busy_hi = 62 * P};
    phys_addr_t bad;
    assert_int_equal(retag(&S, &s, P, &bad), K_OK);
    assert_int_equal(s.taken, n);
    size_t cap = S.capacity;
    assert_true(cap >= 2 * 19 + 2 + REGION_GROW_SLACK);
    phys_addr_t bytes = ALIGN_UP(cap * sizeof(struct region), P);
    assert_int_equal(S.storage, 61 * P - bytes);
    assert_int_equal(tag_at_list(&S, S.storage), META);
    assert_true(region_check(&S));
    for (phys_addr_t pg = 2; pg < 40; pg++)
        assert_int_equal(tag_at_list(&S, pg * P), pg % 2 ? F : FR);
    assert_int_equal(tag_at_list(&S, 61 * P), F);

    /* fill it up again and make it move once more: the first storage is free again */
    phys_addr_t first = S.storage;
    assert_int_equal(region_set(&S, 20 * P, 40 * P, FR), K_OK); /* merges: no room needed */
    S.capacity = S.count;                                       /* still one page of storage */
    struct array_src again = SRC(E(21 * P, 22 * P, 1), E(23 * P, 24 * P, 1));
    assert_int_equal(retag(&S, &again, P, &bad), K_OK);
    assert_int_not_equal(S.storage, first);
    assert_int_equal(tag_at_list(&S, first), F);
    assert_true(region_check(&S));
    arena_destroy();
}

/*
 *   |F 0-4| FR 4-8 | KERN 8-12| FR 12-16|        (a hole above 16)
 * Expect K_EINVAL, *bad naming the offending range, the list unchanged and nothing taken, for a
 * range in the kernel entry, one across two entries, one in the hole, ranges out of order, an
 * empty range, and retags from or to meta or between equal tags.
 */
static void test_malformed_input(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 4 * P, F), K_OK);
    assert_int_equal(region_set(&L, 4 * P, 8 * P, FR), K_OK);
    assert_int_equal(region_set(&L, 8 * P, 12 * P, KERN), K_OK);
    assert_int_equal(region_set(&L, 12 * P, 16 * P, FR), K_OK);
    struct snapshot before;
    snap(&before, &L);
    phys_addr_t bad;
    struct array_src cases[] = {
        SRC(E(5 * P, 6 * P, 1), E(9 * P, 10 * P, 1)),
        SRC(E(6 * P, 13 * P, 1)),
        SRC(E(17 * P, 18 * P, 1)),
        SRC(E(13 * P, 14 * P, 1), E(5 * P, 6 * P, 1)),
        SRC(E(5 * P, 5 * P, 1)),
    };
    const phys_addr_t bads[] = {9 * P, 6 * P, 17 * P, 5 * P, 5 * P};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        assert_int_equal(retag(&L, &cases[i], P, &bad), K_EINVAL);
        assert_int_equal(bad, bads[i]);
        assert_int_equal(cases[i].taken, 0);
        expect_unchanged(&before, &L);
    }
    struct array_src ok = SRC(E(5 * P, 6 * P, 1));
    assert_int_equal(region_retag_sorted(&L, &ok.rr, META, F, P, &bad), K_EINVAL);
    assert_int_equal(region_retag_sorted(&L, &ok.rr, FR, META, P, &bad), K_EINVAL);
    assert_int_equal(region_retag_sorted(&L, &ok.rr, FR, FR, P, &bad), K_EINVAL);
    assert_int_equal(region_retag_sorted(&L, &ok.rr, REGION_TAG_COUNT, F, P, &bad), K_EINVAL);
    expect_unchanged(&before, &L);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_which_ranges_are_taken, setup),
        cmocka_unit_test_setup(test_in_place_needs_the_lead, setup),
        cmocka_unit_test_setup(test_moves_into_what_it_frees, setup),
        cmocka_unit_test_setup(test_malformed_input, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
