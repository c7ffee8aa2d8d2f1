/* SPDX-License-Identifier: 0BSD */
/*
 * The region list's runs (src/mm/region_alloc.c): alignment, window, boundary, direction, growth
 * during an allocation, the chunks the frame stack carves, and freeing with its owner check.
 */
#include "region_test.h"

/* --------------------------------------------------------- allocation ---- */

static phys_addr_t alloc(struct region_list *l, struct region_request req)
{
    if (!req.tag)
        req.tag = DMA;
    phys_addr_t pa = ralloc(l, &req);
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
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .align = 12 * K}), PHYS_NONE);
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
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * M, .max = 16 * M}), PHYS_NONE);
    assert_int_equal(region_free(&L, 16 * M - 64 * K, 64 * K, DMA), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * M + 4 * K, .max = 16 * M}),
                     PHYS_NONE);
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
        PHYS_NONE);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 4 * K, .min = 1 * M - 4 * K, .top_down = true}),
        1 * M - 4 * K);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = 2 * M, .max = 2 * M}),
                     PHYS_NONE);
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
                     PHYS_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K, .boundary = 48 * K}),
                     PHYS_NONE);
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
                     PHYS_NONE);
    assert_int_equal(
        alloc(&L, (struct region_request){.size = 8 * K, .boundary = 64 * K, .top_down = true}),
        PHYS_NONE);
    expect_unchanged(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 8 * K}), 60 * K);
}

/*
 *   |F 0-16K|KERN 16K-32K|     32K (only 16K free), then anything once all is reserved
 * Expect PHYS_NONE both times and the list unchanged.
 */
static void test_alloc_no_space(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 0, 32 * K), K_OK);
    assert_int_equal(region_set(&L, 16 * K, 32 * K, KERN), K_OK);
    snap(&s, &L);
    assert_int_equal(alloc(&L, (struct region_request){.size = 32 * K}), PHYS_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 32 * K, .top_down = true}),
                     PHYS_NONE);
    expect_unchanged(&s, &L);
    assert_int_equal(region_reserve(&L, 0, 16 * K, KERN), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), PHYS_NONE);
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
 * Expect a whole page [1M, 1M+4K); PHYS_NONE for the huge sizes.
 */
static void test_alloc_rounds_size(void **state)
{
    (void)state;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    assert_int_equal(alloc(&L, (struct region_request){.size = 1}), 1 * M);
    EXPECT(&L, E(1 * M, 1 * M + 4 * K, DMA), E(1 * M + 4 * K, 2 * M, F));
    assert_int_equal(alloc(&L, (struct region_request){.size = UINT64_MAX}), PHYS_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = UINT64_MAX - 4094}), PHYS_NONE);
}

/*
 *   |F 1M-2M|     tag free, tag out of range, size 0, min >= max
 * Expect PHYS_NONE for each and the list unchanged; K_EINVAL for the malformed requests and
 * K_ENOMEM for a well-formed one that does not fit (2M).
 */
static void test_alloc_bad_requests(void **state)
{
    (void)state;
    struct snapshot s;
    assert_int_equal(region_add(&L, 1 * M, 2 * M), K_OK);
    snap(&s, &L);
    struct region_request r = {.size = 4 * K, .tag = F};
    phys_addr_t pa = 0;
    assert_int_equal(ralloc(&L, &r), PHYS_NONE);
    assert_int_equal(region_alloc(&L, &r, &pa), K_EINVAL);
    r.tag = REGION_TAG_COUNT;
    assert_int_equal(ralloc(&L, &r), PHYS_NONE);
    assert_int_equal(region_alloc(&L, &r, &pa), K_EINVAL);
    r = (struct region_request){.size = 0, .tag = DMA};
    assert_int_equal(region_alloc(&L, &r, &pa), K_EINVAL); /* malformed, not "nothing fits" */
    assert_int_equal(pa, PHYS_NONE);
    r = (struct region_request){.size = 2 * M, .tag = DMA};
    assert_int_equal(region_alloc(&L, &r, &pa), K_ENOMEM); /* well formed, nothing fits */
    assert_int_equal(alloc(&L, (struct region_request){.size = 0}), PHYS_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = 3 * M, .max = 1 * M}),
                     PHYS_NONE);
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
    assert_int_equal(ralloc(&L, &r), 2 * M + 8 * K);
    r.top_down = true;
    assert_int_equal(ralloc(&L, &r), 5 * M - 8 * K);
    r.max = 4 * M;
    assert_int_equal(ralloc(&L, &r), 3 * M - 8 * K);
    r = (struct region_request){.size = 2 * M, .tag = DMA};
    assert_int_equal(ralloc(&L, &r), PHYS_NONE);
    r.top_down = true;
    assert_int_equal(ralloc(&L, &r), PHYS_NONE);
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
    two_slots_growing(64 * M);
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
                     PHYS_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K}), PHYS_NONE);
    assert_int_equal(alloc(&L, (struct region_request){.size = 4 * K, .min = P}), PHYS_NONE);
    EXPECT(&L, E(P - 4 * K, P, DMA), E(P, TOP, F));
    assert_int_equal(region_free(&L, P - 4 * K + 1, 4 * K - 1, DMA), K_OK);
    assert_int_equal(region_free(&L, P - 4 * K, 1, DMA), K_OK);
    EXPECT(&L, E(P - 4 * K, TOP, F));
}

/*
 *   |LOW 0-1M|F 1M-64M|    carve 2M FRAMES chunks top-down until none is left
 * Expect 31 chunks (64M-2M, 64M-4M, .. 2M), never more than 3 entries (each chunk merges with the
 * previous one), then PHYS_NONE; the free remainder is [1M, 2M).
 */
static void test_alloc_chunks(void **state)
{
    (void)state;
    assert_int_equal(region_set(&L, 0, 1 * M, REGION_LOWMEM), K_OK);
    assert_int_equal(region_add(&L, 1 * M, 64 * M), K_OK);
    int n = 0;
    struct region_request r = {
        .size = 2 * M, .align = 2 * M, .tag = REGION_FRAMES, .top_down = true};
    for (phys_addr_t pa; (pa = ralloc(&L, &r)) != PHYS_NONE; n++) {
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
    assert_int_equal(region_find_run(&L, &r, 0, 1 * M), PHYS_NONE);
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
