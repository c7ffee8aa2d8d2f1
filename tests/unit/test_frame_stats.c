/* SPDX-License-Identifier: 0BSD */
/*
 * frame_get_stats() and frame_print_stats(): exact counts at init and after each kind of step, on
 * the standard map drawn in frame_test.h.
 */
#include "frame_test.h"

/*
 * Standard map. Expect: stats at init are exact (60 MiB unseeded, 3 MiB reserved: low 1 MiB and
 * the kernel; the 1 MiB firmware range at 40 MiB is not RAM and counts nowhere, so the total is
 * 63 MiB), follow each kind of step, count the FRAME_CHECK bitmap as reserved, print as one line.
 */
static void test_stats(void **state)
{
    (void)state;
    struct frame_stats s;
    std_pool(0);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.total, 63 * MiB);
    assert_int_equal(s.unseeded, 60 * MiB);
    assert_int_equal(s.reserved, 3 * MiB);
    assert_int_equal(s.stacked + s.in_use, 0);
    phys_addr_t a = stack_alloc(); /* exact cursor figures: a cache would take a batch from it */
    frame_get_stats(&pool, &s);
    assert_int_equal(s.unseeded, 60 * MiB - PAGE_SIZE); /* the carved chunk still counts */
    stack_free(a);
    frame_get_stats(&pool, &s);
    assert_int_equal(s.stacked, PAGE_SIZE);
    phys_addr_t run = frame_alloc_run(&pool, 256, 0, 0, 0);
    check_stats(1 * MiB);
    kprintf_reset();
    frame_print_stats(&pool);
    assert_string_equal(kprintf_output(), "frames: 63 MiB total, 59 MiB free (4 KiB stacked, "
                                          "58.9 MiB unseeded), 3 MiB reserved, 1 MiB in use\n");
    frame_free_run(&pool, run, 256);
    check_stats(0);

    std_pool(FRAME_CHECK); /* 64 MiB of frames: a 2 KiB bitmap in one page */
    frame_get_stats(&pool, &s);
    assert_int_equal(s.reserved, 3 * MiB + PAGE_SIZE);
    assert_int_equal(s.unseeded, 60 * MiB - PAGE_SIZE);
}

/*
 * frame_regions_copy() on the standard map (6 ranges), then after a run is cut out below 16 MiB:
 *   0   1M   2M     4M                  40M  41M   64M
 *   |low|free|kernel|  free ... [run]   |fw |free |
 * Expect: the 6 ranges as the map has them; a copy into room for 2 says how many there are and
 * writes only 2; the run shows as its own DMA range.
 */
static void test_regions_copy(void **state)
{
    (void)state;
    struct region r[16];
    std_pool(0);
    assert_int_equal(frame_regions_copy(&pool, r, 16), 6);
    assert_int_equal(r[2].base, 2 * MiB);
    assert_int_equal(r[2].end, 4 * MiB);
    assert_int_equal(r[2].tag, REGION_KERNEL);
    assert_int_equal(r[4].tag, REGION_FIRMWARE);
    memset(r, 0xee, sizeof(r));
    assert_int_equal(frame_regions_copy(&pool, r, 2), 6);
    assert_int_equal(r[1].tag, REGION_FREE);
    assert_int_equal(r[2].tag, 0xeeeeeeeeu);
    phys_addr_t run = frame_alloc_run(&pool, 4, 0, 16 * MiB, 0);
    assert_true(run != PHYS_NONE);
    size_t n = frame_regions_copy(&pool, r, 16);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        seen |= r[i].tag == REGION_DMA && r[i].base <= run && run < r[i].end;
    assert_true(seen);
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stats),
        cmocka_unit_test(test_regions_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
