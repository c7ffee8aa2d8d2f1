/* SPDX-License-Identifier: 0BSD */
/*
 * Reading the region list: region_lookup(), region_total(), region_for_each(), region_tag_name()
 * and the self-check region_check().
 */
#include "region_test.h"

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
        "module",   "meta",         "page-table", "dma",       "frames",    "ap-start"};
    for (uint32_t t = 0; t < REGION_TAG_COUNT; t++)
        assert_string_equal(region_tag_name(t), want[t]);
    assert_string_equal(region_tag_name(REGION_TAG_COUNT), "?");
    assert_string_equal(region_tag_name(REGION_HOLE), "?");
}

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

int main(void)
{
    const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, arena_teardown)
        T(test_lookup_edges),
        T(test_lookup_many),
        T(test_total),
        T(test_tag_names),
        T(test_check_detects_corruption),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
