/* SPDX-License-Identifier: 0BSD */
/*
 * memmap_add_entries(): which kind wins where entries overlap, touch, repeat or come unsorted;
 * ACPI kinds, bad memory and unknown types.
 */
#include "memmap_test.h"

/*
 * QEMU's BIOS map, 128 MiB:
 *   av[0-639K) res[639K-640K) res[960K-1M) av[1M-128M-128K) res[128M-128K-128M) res[4G-256K-4G)
 * Expect |free 0-636K|fw 636K-640K| |fw 960K-1M|free 1M-127.875M|fw -128M| ... |fw 4G-256K-4G|
 * and one line: entry 0 not page aligned, trimmed.
 */
static void test_qemu_bios_map(void **state)
{
    (void)state;
    ADD({0, 0x9fc00, AV}, {0x9fc00, 0x400, RES}, {0xf0000, 0x10000, RES}, {0x100000, 0x7ee0000, AV},
        {0x7fe0000, 0x20000, RES}, {0xfffc0000, 0x40000, RES});
    EXPECT(E(0, 0x9f000, F), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x7fe0000, F), E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
    expect_said("memmap: entry 0 [0x0, 0x9fc00) available: not page aligned; trimmed to [0x0, "
                "0x9f000)\n");
    assert_int_equal(region_total(&L, F), 0x9f000 + 0x7ee0000);
}

/*
 * A reserved entry contained in an available one:
 *   av [0-16M)
 *   res      [4M-5M)
 * Expect |free 0-4M|fw 4M-5M|free 5M-16M| and "loses 1 MiB" for the available entry.
 */
static void test_overlap_contained(void **state)
{
    (void)state;
    ADD({0, 16 * M, AV}, {4 * M, 1 * M, RES});
    EXPECT(E(0, 4 * M, F), E(4 * M, 5 * M, FW), E(5 * M, 16 * M, F));
    expect_said("entry 0 [0x0, 0x1000000) available: loses 1 MiB to more restrictive entries");
}

/*
 * An available entry inside a reserved one (the reserved one contains it):
 *   res [0-16M)
 *   av       [4M-5M)
 * Expect |fw 0-16M| only: the available entry loses all of it.
 */
static void test_overlap_containing(void **state)
{
    (void)state;
    ADD({4 * M, 1 * M, AV}, {0, 16 * M, RES});
    EXPECT(E(0, 16 * M, FW));
    expect_said("entry 0 [0x400000, 0x500000) available: loses 1 MiB");
    assert_int_equal(region_total(&L, F), 0);
}

/*
 * Partial overlap on the left of the available entry:
 *   res [2M----5M)
 *   av      [4M------8M)
 * Expect |fw 2M-5M|free 5M-8M|.
 */
static void test_overlap_partial_left(void **state)
{
    (void)state;
    ADD({4 * M, 4 * M, AV}, {2 * M, 3 * M, RES});
    EXPECT(E(2 * M, 5 * M, FW), E(5 * M, 8 * M, F));
}

/*
 * Partial overlap on the right:
 *   av  [4M------8M)
 *   res       [7M-----10M)
 * Expect |free 4M-7M|fw 7M-10M|.
 */
static void test_overlap_partial_right(void **state)
{
    (void)state;
    ADD({4 * M, 4 * M, AV}, {7 * M, 3 * M, RES});
    EXPECT(E(4 * M, 7 * M, F), E(7 * M, 10 * M, FW));
}

/*
 * Identical ranges of two kinds, and an identical duplicate:
 *   av [4M-8M)  res [4M-8M)      av [16M-20M) av [16M-20M)
 * Expect |fw 4M-8M| |free 16M-20M|; the duplicate loses nothing, so only entry 0 is logged.
 */
static void test_overlap_identical_and_duplicate(void **state)
{
    (void)state;
    ADD({4 * M, 4 * M, AV}, {4 * M, 4 * M, RES}, {16 * M, 4 * M, AV}, {16 * M, 4 * M, AV});
    EXPECT(E(4 * M, 8 * M, FW), E(16 * M, 20 * M, F));
    expect_said("entry 0 [0x400000, 0x800000) available: loses 4 MiB");
    assert_null(strstr(kprintf_output(), "entry 2"));
    assert_null(strstr(kprintf_output(), "entry 3"));
}

/*
 * Touching entries:
 *   av [0-4M) res [4M-8M) av [8M-12M) av [12M-16M)
 * Expect the boundaries kept exactly, the last two merged: |free 0-4M|fw 4M-8M|free 8M-16M|,
 * and no message (nothing lost).
 */
static void test_touching(void **state)
{
    (void)state;
    ADD({0, 4 * M, AV}, {4 * M, 4 * M, RES}, {8 * M, 4 * M, AV}, {12 * M, 4 * M, AV});
    EXPECT(E(0, 4 * M, F), E(4 * M, 8 * M, FW), E(8 * M, 16 * M, F));
    expect_silent();
}

/*
 * The same map as test_qemu_bios_map, unsorted and with entries repeated:
 *   res[4G-256K) av[1M-) res[960K) av[0-) res[128M-128K) res[639K) av[1M-) res[960K)
 * Expect the same list as the sorted map.
 */
static void test_unsorted_duplicated(void **state)
{
    (void)state;
    ADD({0xfffc0000, 0x40000, RES}, {0x100000, 0x7ee0000, AV}, {0xf0000, 0x10000, RES},
        {0, 0x9fc00, AV}, {0x7fe0000, 0x20000, RES}, {0x9fc00, 0x400, RES},
        {0x100000, 0x7ee0000, AV}, {0xf0000, 0x10000, RES});
    EXPECT(E(0, 0x9f000, F), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x7fe0000, F), E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
}

/*
 * ACPI kinds, bad memory and unknown types inside RAM:
 *   av [0-32M)
 *       recl[1M-2M) nvs[2M-3M) bad[3M-4M) type7[4M-5M) type0[5M-6M)
 *       recl[8M-10M) overlapped by nvs[9M-11M)   bad[12M-13M) overlapped by res[12M-14M)
 * Expect each kind with its own tag, unknown types as firmware, NVS over reclaimable,
 * bad over reserved:
 *   |free|recl 1-2|nvs 2-3|bad 3-4|fw 4-6|free|recl 8-9|nvs 9-11|free|bad 12-13|fw 13-14|free|
 */
static void test_acpi_bad_unknown(void **state)
{
    (void)state;
    ADD({0, 32 * M, AV}, {1 * M, 1 * M, RECL}, {2 * M, 1 * M, NVS}, {3 * M, 1 * M, BADM},
        {4 * M, 1 * M, 7}, {5 * M, 1 * M, 0}, {8 * M, 2 * M, RECL}, {9 * M, 2 * M, NVS},
        {12 * M, 1 * M, BADM}, {12 * M, 2 * M, RES});
    EXPECT(E(0, 1 * M, F), E(1 * M, 2 * M, REGION_ACPI_RECLAIM), E(2 * M, 3 * M, REGION_ACPI_NVS),
           E(3 * M, 4 * M, REGION_BAD), E(4 * M, 6 * M, FW), E(6 * M, 8 * M, F),
           E(8 * M, 9 * M, REGION_ACPI_RECLAIM), E(9 * M, 11 * M, REGION_ACPI_NVS),
           E(11 * M, 12 * M, F), E(12 * M, 13 * M, REGION_BAD), E(13 * M, 14 * M, FW),
           E(14 * M, 32 * M, F));
    expect_said("entry 6 [0x800000, 0xa00000) ACPI reclaimable: loses 1 MiB");
    expect_said("entry 9 [0xc00000, 0xe00000) reserved: loses 1 MiB");
}

/*
 * Five nested entries, least restrictive outermost:
 *   av [0---------------------------10M)
 *   recl  [1M-------------------9M)
 *   nvs      [2M-------------8M)
 *   res         [3M-------7M)
 *   bad            [4M-6M)
 * Expect the innermost (most restrictive) kind at every depth.
 */
static void test_precedence_chain(void **state)
{
    (void)state;
    ADD({4 * M, 2 * M, BADM}, {0, 10 * M, AV}, {2 * M, 6 * M, NVS}, {3 * M, 4 * M, RES},
        {1 * M, 8 * M, RECL});
    EXPECT(E(0, 1 * M, F), E(1 * M, 2 * M, REGION_ACPI_RECLAIM), E(2 * M, 3 * M, REGION_ACPI_NVS),
           E(3 * M, 4 * M, FW), E(4 * M, 6 * M, REGION_BAD), E(6 * M, 7 * M, FW),
           E(7 * M, 8 * M, REGION_ACPI_NVS), E(8 * M, 9 * M, REGION_ACPI_RECLAIM),
           E(9 * M, 10 * M, F));
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_qemu_bios_map),
        T(test_overlap_contained),
        T(test_overlap_containing),
        T(test_overlap_partial_left),
        T(test_overlap_partial_right),
        T(test_overlap_identical_and_duplicate),
        T(test_touching),
        T(test_unsorted_duplicated),
        T(test_acpi_bad_unknown),
        T(test_precedence_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
