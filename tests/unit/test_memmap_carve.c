/* SPDX-License-Identifier: 0BSD */
/* memmap_carve(): reserving plain ranges of a sanitized map for an owner. */
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

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_carve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
