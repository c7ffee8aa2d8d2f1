/* SPDX-License-Identifier: 0BSD */
/*
 * memmap_add_entries(): zero lengths, rounding to pages, clipping at the address width, lengths
 * past 2^64, a bad address width, and the cap on logged lines.
 */
#include "memmap_test.h"

/*
 * Zero-length entries of each kind between real ones:
 *   av[1M, len 0)  res[2M, len 0)  av [4M-8M)
 * Expect only |free 4M-8M|, and "zero length; dropped" for entries 0 and 1.
 */
static void test_zero_length(void **state)
{
    (void)state;
    ADD({1 * M, 0, AV}, {2 * M, 0, RES}, {4 * M, 4 * M, AV});
    EXPECT(E(4 * M, 8 * M, F));
    expect_said("memmap: entry 0 [0x100000, 0x100000) available: zero length; dropped");
    expect_said("memmap: entry 1 [0x200000, 0x200000) reserved: zero length; dropped");
}

/*
 * Unaligned ranges: available rounds inward, reserved outward.
 *   av  [0x1234-0x5678)          -> [0x2000-0x5000)
 *   res [0x11234-0x15678)        -> [0x11000-0x16000)
 *   av  [0x20800-0x21800) (< a page once rounded inward) -> dropped
 * Expect |free 0x2000-0x5000| |fw 0x11000-0x16000|, the trim and the drop logged.
 */
static void test_unaligned_rounding(void **state)
{
    (void)state;
    ADD({0x1234, 0x4444, AV}, {0x11234, 0x4444, RES}, {0x20800, 0x1000, AV});
    EXPECT(E(0x2000, 0x5000, F), E(0x11000, 0x16000, FW));
    expect_said("entry 0 [0x1234, 0x5678) available: not page aligned; trimmed to [0x2000, "
                "0x5000)");
    expect_said("entry 2 [0x20800, 0x21800) available: less than a page once aligned inward; "
                "dropped");
}

/*
 * A reserved sliver inside an aligned available range takes its whole page:
 *   av  [0-0x3000)
 *   res      [0x1800-0x1900)
 * Expect |free 0-0x1000|fw 0x1000-0x2000|free 0x2000-0x3000|.
 */
static void test_partial_page_goes_reserved(void **state)
{
    (void)state;
    ADD({0, 0x3000, AV}, {0x1800, 0x100, RES});
    EXPECT(E(0, 0x1000, F), E(0x1000, 0x2000, FW), E(0x2000, 0x3000, F));
}

/*
 * Clipping at a 36-bit address width (64 GiB):
 *   av [60G-70G) crosses 64G      res [100G-101G) above     av [1M-2M) below
 * Expect |free 1M-2M| |free 60G-64G|; the crossing entry trimmed, the one above dropped.
 */
static void test_above_address_width(void **state)
{
    (void)state;
    const struct memmap_entry in[] = {
        {60 * G, 10 * G, AV}, {100 * G, 1 * G, RES}, {1 * M, 1 * M, AV}};
    assert_int_equal(memmap_add_entries(&L, in, 3, 36), K_OK);
    EXPECT(E(1 * M, 2 * M, F), E(60 * G, 64 * G, F));
    expect_said("entry 0 [0xf00000000, 0x1180000000) available: crosses the 36-bit address "
                "width; trimmed to [0xf00000000, 0x1000000000)");
    expect_said("entry 1 [0x1900000000, 0x1940000000) reserved: above the 36-bit address width; "
                "dropped");
}

/*
 * QEMU's reserved hole below 1 TiB, with RAM above it:
 *   av [0-2G)   res [0xfd00000000-0x10000000000)   av [1T-1T+4G)
 * 40 bits: the hole ends exactly at 2^40 and is kept whole; the RAM above is dropped.
 * 48 bits: both kept.   36 bits: both dropped.
 */
static void test_qemu_1tib_hole(void **state)
{
    (void)state;
    const struct memmap_entry in[] = {
        {0, 2 * G, AV}, {0xfd00000000, 0x300000000, RES}, {0x10000000000, 4 * G, AV}};
    assert_int_equal(memmap_add_entries(&L, in, 3, 40), K_OK);
    EXPECT(E(0, 2 * G, F), E(0xfd00000000, 0x10000000000, FW));
    expect_said("entry 2 [0x10000000000, 0x10100000000) available: above the 40-bit address "
                "width; dropped");
    assert_null(strstr(kprintf_output(), "entry 1"));

    setup(NULL);
    assert_int_equal(memmap_add_entries(&L, in, 3, 48), K_OK);
    EXPECT(E(0, 2 * G, F), E(0xfd00000000, 0x10000000000, FW), E(0x10000000000, 0x10100000000, F));
    expect_silent();

    setup(NULL);
    assert_int_equal(memmap_add_entries(&L, in, 3, 36), K_OK);
    EXPECT(E(0, 2 * G, F));
    expect_said("entry 1 [0xfd00000000, 0x10000000000) reserved: above the 36-bit");
}

/*
 * Lengths that run past 2^64:
 *   av [1M, len UINT64_MAX)    res [2^64-4K, len 8K)
 * Expect the first clamped and trimmed at 2^48: |free 1M-256T|; the second dropped; no wrap.
 */
static void test_length_wraps(void **state)
{
    (void)state;
    ADD({1 * M, UINT64_MAX, AV}, {0xfffffffffffff000, 0x2000, RES});
    EXPECT(E(1 * M, 1ull << 48, F));
    expect_said("entry 1 [0xfffffffffffff000, 0xffffffffffffffff) reserved: above the 48-bit");
}

/* A physical address width outside [32, 52]. Expect K_EINVAL and the list untouched. */
static void test_bad_phys_bits(void **state)
{
    (void)state;
    const struct memmap_entry in[] = {{0, 16 * M, AV}};
    assert_int_equal(memmap_add_entries(&L, in, 1, 31), K_EINVAL);
    assert_int_equal(memmap_add_entries(&L, in, 1, 53), K_EINVAL);
    assert_int_equal(L.count, 0);
    expect_said("memmap: physical address width of 31 bits is outside [32, 52]");
}

/*
 * Twenty zero-length entries then one good one.
 * Expect 16 lines, then "4 more entries trimmed or dropped (not shown)", and the good one added.
 */
static void test_log_cap(void **state)
{
    (void)state;
    struct memmap_entry in[21];
    for (int i = 0; i < 20; i++)
        in[i] = (struct memmap_entry){(uint64_t)i * M, 0, AV};
    in[20] = (struct memmap_entry){32 * M, 1 * M, AV};
    assert_int_equal(memmap_add_entries(&L, in, 21, 48), K_OK);
    EXPECT(E(32 * M, 33 * M, F));
    expect_said("entry 15 [0xf00000, 0xf00000) available: zero length");
    assert_null(strstr(kprintf_output(), "entry 16 "));
    expect_said("memmap: 4 more entries trimmed or dropped (not shown)\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_zero_length),
        T(test_unaligned_rounding),
        T(test_partial_page_goes_reserved),
        T(test_above_address_width),
        T(test_qemu_1tib_hole),
        T(test_length_wraps),
        T(test_bad_phys_bits),
        T(test_log_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
