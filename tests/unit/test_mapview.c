/* SPDX-License-Identifier: 0BSD */
/*
 * The map picture's layout (src/monitor/mapview.c). The test map, 16 MiB:
 *
 *   0       1M   2M  2M+4K      3M                    12M            16M
 *   | lowmem | hole | kernel | free ................ | hole | firmware |
 *
 * Strips of 16 letters (1 MiB each) and spans over 160 and over 8 pixel columns.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/mapview.h>

static const struct region map[] = {
    {0, 1 * MiB, REGION_LOWMEM, 0},
    {2 * MiB, 2 * MiB + 4 * KiB, REGION_KERNEL, 0},
    {2 * MiB + 4 * KiB, 12 * MiB, REGION_FREE, 0},
    {14 * MiB, 16 * MiB, REGION_FIRMWARE, 0},
};
#define N (sizeof(map) / sizeof(map[0]))

/* One letter per MiB: the 4 KiB kernel shows over a MiB of free; holes are spaces. */
static void test_strip(void **state)
{
    (void)state;
    char out[17];
    mapview_strip(map, N, 16 * MiB, out, 16);
    assert_string_equal(out, "L K.........  RR");
}

/* 4 letters over 16 MiB: owners beat free (L over 3 MiB of free), firmware beats a hole. */
static void test_strip_coarse(void **state)
{
    (void)state;
    char out[5];
    mapview_strip(map, N, 16 * MiB, out, 4);
    assert_string_equal(out, "L..R");
    /* No range at all: one hole. */
    mapview_strip(map, 0, 16 * MiB, out, 4);
    assert_string_equal(out, "    ");
}

/* 160 columns (10 per MiB): each range at its place, the kernel one column wide. */
static void test_spans(void **state)
{
    (void)state;
    struct mapview_span s[8];
    assert_int_equal(mapview_spans(map, N, 16 * MiB, 160, s, 8), 4);
    assert_int_equal(s[0].x0, 0);
    assert_int_equal(s[0].x1, 10);
    assert_int_equal(s[0].tag, REGION_LOWMEM);
    assert_int_equal(s[1].x0, 20);
    assert_int_equal(s[1].x1, 21); /* 4 KiB would be 0.04 columns: one at least */
    assert_int_equal(s[2].x0, 21);
    assert_int_equal(s[2].x1, 120);
    assert_int_equal(s[3].x0, 140);
    assert_int_equal(s[3].x1, 160);
}

/* 8 columns: the kernel pushes free one column right; max 2 spans: only 2 are written. */
static void test_spans_narrow(void **state)
{
    (void)state;
    struct mapview_span s[8];
    assert_int_equal(mapview_spans(map, N, 16 * MiB, 8, s, 8), 4);
    assert_int_equal(s[1].x0, 1);
    assert_int_equal(s[1].x1, 2);
    assert_int_equal(s[2].x0, 2);
    assert_int_equal(s[2].x1, 6);
    assert_int_equal(mapview_spans(map, N, 16 * MiB, 8, s, 2), 2);
    /* More ranges than columns: those past the last column are left out. */
    assert_int_equal(mapview_spans(map, N, 16 * MiB, 2, s, 8), 2);
    assert_int_equal(s[1].x1, 2);
}

/* An end near 2^64 (a huge firmware range) must not overflow: the range fills all columns. */
static void test_spans_huge(void **state)
{
    (void)state;
    const struct region big[] = {{0, UINT64_MAX - 4095, REGION_FIRMWARE, 0}};
    struct mapview_span s[1];
    assert_int_equal(mapview_spans(big, 1, UINT64_MAX - 4095, 1000, s, 1), 1);
    assert_int_equal(s[0].x0, 0);
    assert_int_equal(s[0].x1, 1000);
    char out[3];
    mapview_strip(big, 1, UINT64_MAX - 4095, out, 2);
    assert_string_equal(out, "RR");
}

/* Every tag has its own letter; unknown tags are '?'. */
static void test_letters(void **state)
{
    (void)state;
    char seen[256] = {0};
    for (uint32_t t = 0; t < MAPVIEW_CLASSES; t++) {
        char c = mapview_letter(t);
        assert_int_equal(seen[(unsigned char)c], 0);
        seen[(unsigned char)c] = 1;
    }
    assert_int_equal(mapview_letter(MAPVIEW_CLASSES), '?');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strip),      cmocka_unit_test(test_strip_coarse),
        cmocka_unit_test(test_spans),      cmocka_unit_test(test_spans_narrow),
        cmocka_unit_test(test_spans_huge), cmocka_unit_test(test_letters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
