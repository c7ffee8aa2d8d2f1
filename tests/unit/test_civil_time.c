/* SPDX-License-Identifier: 0BSD */
/*
 * src/lib/civil_time.c: calendar dates to Unix time at the dates where such code goes wrong (the
 * epoch, leap days, the century rules, 2038), validity, and decoding the CMOS clock's registers
 * in each of its formats (BCD or binary, 12- or 24-hour).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <frame64/civil_time.h>

static int64_t unix_of(int y, int mo, int d, int h, int mi, int s)
{
    struct civil_time t = {y, mo, d, h, mi, s};
    assert_true(civil_valid(&t));
    return civil_to_unix(&t);
}

/*
 * Expect the values `date -u -d ... +%s` gives on Linux: the epoch 0, the last second before
 * 2^31, the leap days of 2000 (divisible by 400) and 2024, 1 March after them, 9999-12-31.
 */
static void test_known_dates(void **state)
{
    (void)state;
    assert_int_equal(unix_of(1970, 1, 1, 0, 0, 0), 0);
    assert_int_equal(unix_of(1970, 1, 2, 0, 0, 1), 86401);
    assert_int_equal(unix_of(2038, 1, 19, 3, 14, 7), 2147483647);
    assert_int_equal(unix_of(2000, 2, 29, 12, 0, 0), 951825600);
    assert_int_equal(unix_of(2000, 3, 1, 0, 0, 0), 951868800);
    assert_int_equal(unix_of(2024, 2, 29, 23, 59, 59), 1709251199);
    assert_int_equal(unix_of(2024, 3, 1, 0, 0, 0), 1709251200);
    assert_int_equal(unix_of(2026, 12, 6, 21, 0, 0), 1796590800);
    assert_int_equal(unix_of(9999, 12, 31, 23, 59, 59), 253402300799);
}

/* Expect: 29 February only in leap years (2100 is not one, 2000 is), no day 0, no month 13. */
static void test_validity(void **state)
{
    (void)state;
    struct civil_time t = {2100, 2, 29, 0, 0, 0};
    assert_false(civil_valid(&t));
    t.year = 2000;
    assert_true(civil_valid(&t));
    t = (struct civil_time){2026, 4, 31, 0, 0, 0};
    assert_false(civil_valid(&t));
    t = (struct civil_time){2026, 13, 1, 0, 0, 0};
    assert_false(civil_valid(&t));
    t = (struct civil_time){2026, 1, 0, 0, 0, 0};
    assert_false(civil_valid(&t));
    t = (struct civil_time){1969, 12, 31, 23, 59, 59};
    assert_false(civil_valid(&t));
    t = (struct civil_time){2026, 1, 1, 24, 0, 0};
    assert_false(civil_valid(&t));
}

/*
 * The same moment, 2026-12-06 21:05:09, as a BIOS stores it in BCD 24-hour (QEMU's default), in
 * binary, and in BCD 12-hour (9 PM: 0x89); 12 AM is midnight. Expect each to decode to it; a
 * BCD digit above 9 and an hour 0 in 12-hour mode are refused.
 */
static void test_cmos_formats(void **state)
{
    (void)state;
    struct civil_time t;
    struct cmos_clock bcd = {0x09, 0x05, 0x21, 0x06, 0x12, 0x26, CMOS_B_24H};
    assert_true(cmos_clock_decode(&bcd, &t));
    assert_int_equal(civil_to_unix(&t), unix_of(2026, 12, 6, 21, 5, 9));
    struct cmos_clock bin = {9, 5, 21, 6, 12, 26, CMOS_B_24H | CMOS_B_BINARY};
    assert_true(cmos_clock_decode(&bin, &t));
    assert_int_equal(civil_to_unix(&t), unix_of(2026, 12, 6, 21, 5, 9));
    struct cmos_clock pm = {0x09, 0x05, 0x89, 0x06, 0x12, 0x26, 0};
    assert_true(cmos_clock_decode(&pm, &t));
    assert_int_equal(t.hour, 21);
    struct cmos_clock midnight = {0, 0, 0x12, 0x01, 0x01, 0x99, 0};
    assert_true(cmos_clock_decode(&midnight, &t));
    assert_int_equal(civil_to_unix(&t), unix_of(1999, 1, 1, 0, 0, 0));
    struct cmos_clock bad = {0x0a, 0x05, 0x21, 0x06, 0x12, 0x26, CMOS_B_24H};
    assert_false(cmos_clock_decode(&bad, &t));
    struct cmos_clock zero_hour = {0, 0, 0x00, 0x01, 0x01, 0x26, 0};
    assert_false(cmos_clock_decode(&zero_hour, &t));
    struct cmos_clock never_set = {0, 0, 0, 0, 0, 0, CMOS_B_24H};
    assert_false(cmos_clock_decode(&never_set, &t)); /* day 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_dates),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_cmos_formats),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
