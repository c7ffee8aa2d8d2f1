/* SPDX-License-Identifier: 0BSD */
/*
 * memmap_add_entries() on maps longer than the list: the list grows into free memory, and fails
 * cleanly when restrictive ranges leave it none.
 */
#include "memmap_test.h"

/*
 * 545 entries, given highest first, on a list of 32 that may grow below 256M:
 *   av[256K-384K) res[384K-388K) av[512K-640K) res[640K-644K) ... av[520*256K-) (520 av, 20 res)
 *   recl/nvs at 200M.. (5 entries)
 * Expect K_OK, the list grown (storage taken from a free range, tagged meta), every available
 * page free or meta, every reserved page firmware, free + meta == 520 x 128 KiB.
 */
static void test_many_entries_grow(void **state)
{
    (void)state;
    enum { NAV = 520, NRES = 20, NACPI = 5, N = NAV + NRES + NACPI };
    static struct memmap_entry in[N];
    size_t n = 0;
    for (int i = NACPI - 1; i >= 0; i--)
        in[n++] = (struct memmap_entry){200 * M + (uint64_t)i * M, 64 * K, i % 2 ? NVS : RECL};
    for (int i = NAV; i >= 1; i--) {
        in[n++] = (struct memmap_entry){(uint64_t)i * 256 * K, 128 * K, AV};
        if (i <= NRES)
            in[n++] = (struct memmap_entry){(uint64_t)i * 256 * K + 128 * K, 4 * K, RES};
    }
    assert_int_equal(n, N);
    arena_create(256 * M);
    region_init(&L, "memmap", small, ARRAY_SIZE(small));
    region_set_grow_limit(&L, 256 * M);

    assert_int_equal(memmap_add_entries(&L, in, N, 40), K_OK);
    assert_true(region_check(&L));
    assert_int_not_equal(L.storage, 0);
    assert_true(L.capacity >= NAV + NRES + NACPI);
    for (size_t i = 0; i < N; i++) {
        for (phys_addr_t pa = in[i].base; pa < in[i].base + in[i].len; pa += PAGE_SIZE) {
            const struct region *r = region_lookup(&L, pa);
            assert_non_null(r);
            if (in[i].type == AV)
                assert_true(r->tag == F || r->tag == REGION_META);
            else if (in[i].type == RES)
                assert_int_equal(r->tag, FW);
            else
                assert_int_equal(r->tag, in[i].type == NVS ? REGION_ACPI_NVS : REGION_ACPI_RECLAIM);
        }
    }
    assert_int_equal(region_total(&L, F) + region_total(&L, REGION_META), NAV * 128 * K);
}

/*
 * More restrictive ranges than the static list holds, growth on: 12 separate reserved entries,
 * a list of 8. Growth needs free memory and none exists while restrictions are painted.
 * Expect K_ENOMEM and "the map does not fit".
 */
static void test_restrictive_overflow(void **state)
{
    (void)state;
    struct memmap_entry in[13];
    for (int i = 0; i < 12; i++)
        in[i] = (struct memmap_entry){(uint64_t)(2 * i + 1) * M, 4 * K, RES};
    in[12] = (struct memmap_entry){0, 64 * M, AV};
    arena_create(64 * M);
    region_init(&L, "memmap", small, 8);
    region_set_grow_limit(&L, 64 * M);
    assert_int_equal(memmap_add_entries(&L, in, 13, 40), K_ENOMEM);
    expect_said("memmap: the map does not fit in memmap (");
    assert_true(region_check(&L));
}

/*
 * All or nothing: a list of 8 growing below 16M, 300 available pages 8K apart:
 *   av[1M-1M+4K) av[1M+8K-1M+12K) ...    every free range is one page
 * The list grows page by page up to 170 entries; 256 need two contiguous pages, which no free
 * range has. Expect K_ENOMEM, "nothing was added", and the list empty on its own 8 entries again;
 * the same list then takes a map that fits. A list that is not empty is refused (K_EINVAL).
 */
static void test_failure_leaves_list_empty(void **state)
{
    (void)state;
    static struct memmap_entry in[300];
    for (int i = 0; i < 300; i++)
        in[i] = (struct memmap_entry){1 * M + (uint64_t)i * 8 * K, 4 * K, AV};
    arena_create(16 * M);
    region_init(&L, "memmap", small, 8);
    region_set_grow_limit(&L, 16 * M);
    assert_int_equal(memmap_add_entries(&L, in, 300, 40), K_ENOMEM);
    expect_said("memmap: the map does not fit in memmap (out of memory); nothing was added");
    assert_int_equal(L.count, 0);
    assert_ptr_equal(L.regions, small);
    assert_int_equal(L.capacity, 8);
    assert_int_equal(L.storage, 0);
    assert_true(region_check(&L));
    ADD({1 * M, 1 * M, AV});
    EXPECT(E(1 * M, 2 * M, F));
    kprintf_reset();
    assert_int_equal(memmap_add_entries(&L, in, 1, 40), K_EINVAL);
    expect_said("memmap: memmap already holds 1 ranges; sanitize into an empty list");
    EXPECT(E(1 * M, 2 * M, F));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_many_entries_grow),
        T(test_restrictive_overflow),
        T(test_failure_leaves_list_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
