/* SPDX-License-Identifier: 0BSD */
/*
 * memmap_carve(): reserving plain ranges of a sanitized map for an owner; memmap_totals() and
 * memmap_print()'s totals line over every kind of range.
 */
#include "memmap_test.h"

/*
 * memmap_carve() over |free 0-16M|fw 16M-17M|:
 *   module [0x1800-0x2100)  -> rounds outward to [0x1000-0x3000)
 *   kernel [16M-17M)        -> firmware stays firmware
 *   empty [5M-5M), inverted, tag free -> nothing / K_EINVAL
 * Expect |free 0-4K|module 4K-12K|free 12K-16M|fw 16M-17M|.
 */
static void test_carve(void **state)
{
    (void)state;
    ADD({0, 16 * M, AV}, {16 * M, 1 * M, RES});
    assert_int_equal(memmap_carve(&L, 0x1800, 0x2100, REGION_MODULE), K_OK);
    assert_int_equal(memmap_carve(&L, 16 * M, 17 * M, REGION_KERNEL), K_OK);
    assert_int_equal(memmap_carve(&L, 5 * M, 5 * M, REGION_KERNEL), K_OK);
    assert_int_equal(memmap_carve(&L, 6 * M, 5 * M, REGION_KERNEL), K_EINVAL);
    assert_int_equal(memmap_carve(&L, 5 * M, 6 * M, REGION_FREE), K_EINVAL);
    EXPECT(E(0, 0x1000, F), E(0x1000, 0x3000, REGION_MODULE), E(0x3000, 16 * M, F),
           E(16 * M, 17 * M, FW));
}

/*
 * A machine after boot with everything freed (issue 16): most RAM is the frame pool's, one run
 * is out, plus one range of every other kind and a hole:
 *
 *   0    1M   2M     3M   4M   5M   6M   7M  8M   9M  16M                    64M  65M
 *   |low |free| kernel|boot|meta|recl|nvs |fw |dma |free|frames .............| bad |
 *
 * Expect: the pool's 48M and the 1M run are not kernel/boot (low, kernel, bootstrap and meta are:
 * 4M); every byte is in exactly one field; the printed line says so.
 */
static void test_totals(void **state)
{
    (void)state;
    static const struct region map[] = {
        E(0, 1 * M, REGION_LOWMEM),       E(1 * M, 2 * M, F),
        E(2 * M, 3 * M, REGION_KERNEL),   E(3 * M, 4 * M, REGION_BOOTSTRAP),
        E(4 * M, 5 * M, REGION_META),     E(5 * M, 6 * M, REGION_ACPI_RECLAIM),
        E(6 * M, 7 * M, REGION_ACPI_NVS), E(7 * M, 8 * M, FW),
        E(8 * M, 9 * M, REGION_DMA),      E(9 * M, 16 * M, F),
        E(16 * M, 64 * M, REGION_FRAMES), E(64 * M, 65 * M, REGION_BAD),
    };
    for (size_t i = 0; i < ARRAY_SIZE(map); i++)
        assert_int_equal(region_set(&L, map[i].base, map[i].end, map[i].tag), K_OK);
    struct memmap_totals t;
    memmap_totals(&L, &t);
    assert_int_equal(t.available, 8 * M);
    assert_int_equal(t.kernel_boot, 4 * M);
    assert_int_equal(t.frame_pool, 48 * M);
    assert_int_equal(t.dma, 1 * M);
    assert_int_equal(t.firmware, 1 * M);
    assert_int_equal(t.acpi, 2 * M);
    assert_int_equal(t.bad, 1 * M);
    memmap_print(&L);
    expect_said("  available 8 MiB, kernel/boot 4 MiB, frame pool 48 MiB, DMA runs 1 MiB, "
                "firmware-reserved 1 MiB, ACPI 2 MiB, bad 1 MiB\n");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_carve),
        T(test_totals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
