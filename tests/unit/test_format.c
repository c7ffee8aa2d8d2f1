/* SPDX-License-Identifier: 0BSD */
/* kvformat(): every conversion the kernel uses, widths, flags, and truncation by ksnprintf(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/kprintf.h>

static char buf[256];

#define FMT(...) (ksnprintf(buf, sizeof(buf), __VA_ARGS__), buf)

/* Plain conversions print exactly what printf would. */
static void test_conversions(void **state)
{
    (void)state;
    assert_string_equal(FMT("%s|%c|%d|%u|%x", "hi", 'z', -42, 42u, 0xbeefu), "hi|z|-42|42|beef");
    assert_string_equal(FMT("%lx", 0xffffffff80000000ul), "ffffffff80000000");
    assert_string_equal(FMT("%llu", 18446744073709551615ull), "18446744073709551615");
    assert_string_equal(FMT("%ld", -9223372036854775807l - 1), "-9223372036854775808");
    assert_string_equal(FMT("%zu", (size_t)12345), "12345");
    assert_string_equal(FMT("%X", 0xabcu), "ABC");
    assert_string_equal(FMT("%d", 0), "0");
    assert_string_equal(FMT("100%%"), "100%");
    assert_string_equal(FMT("%s", (char *)NULL), "(null)");
}

/* %p is always 0x plus 16 hex digits, so pointer columns line up. */
static void test_pointer(void **state)
{
    (void)state;
    assert_string_equal(FMT("%p", (void *)0x1000), "0x0000000000001000");
}

/* Widths pad on the left with spaces or zeroes, '-' pads on the right; the sign precedes zeroes. */
static void test_widths(void **state)
{
    (void)state;
    assert_string_equal(FMT("[%5d]", 42), "[   42]");
    assert_string_equal(FMT("[%-5d]", 42), "[42   ]");
    assert_string_equal(FMT("[%05d]", -42), "[-0042]");
    assert_string_equal(FMT("[%08x]", 0x1fu), "[0000001f]");
    assert_string_equal(FMT("[%016lx]", 0x200000ul), "[0000000000200000]");
    assert_string_equal(FMT("[%-6s]", "ab"), "[ab    ]");
    assert_string_equal(FMT("[%6s]", "ab"), "[    ab]");
    assert_string_equal(FMT("[%3c]", 'x'), "[  x]");
    assert_string_equal(FMT("[%2s]", "longer"), "[longer]");
}

/* An unknown conversion is printed as written, a trailing '%' too (format checks off on purpose).
 */
#pragma clang diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat"
static void test_bad_format(void **state)
{
    (void)state;
    assert_string_equal(FMT("%q"), "%q");
    assert_string_equal(FMT("x%"), "x%");
}

/* ksnprintf() truncates, always terminates, and returns the full length. */
static void test_truncation(void **state)
{
    (void)state;
    char small[6];
    int n = ksnprintf(small, sizeof(small), "%s", "0123456789");
    assert_int_equal(n, 10);
    assert_string_equal(small, "01234");
    assert_int_equal(ksnprintf(small, 0, "abc"), 3);
}

/* Sizes pick the largest unit that keeps the number at least 1, with one truncated decimal. */
static void test_sizes(void **state)
{
    (void)state;
    assert_string_equal(kformat_size(buf, sizeof(buf), 0), "0 B");
    assert_string_equal(kformat_size(buf, sizeof(buf), 1023), "1023 B");
    assert_string_equal(kformat_size(buf, sizeof(buf), 4096), "4 KiB");
    assert_string_equal(kformat_size(buf, sizeof(buf), 3 * 512 * 1024), "1.5 MiB");
    assert_string_equal(kformat_size(buf, sizeof(buf), 8ull << 30), "8 GiB");
    assert_string_equal(kformat_size(buf, sizeof(buf), (1ull << 40) - 1), "1023.9 GiB");
    assert_string_equal(kformat_size(buf, sizeof(buf), UINT64_MAX), "15.9 EiB");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conversions), cmocka_unit_test(test_pointer),
        cmocka_unit_test(test_widths),      cmocka_unit_test(test_bad_format),
        cmocka_unit_test(test_truncation),  cmocka_unit_test(test_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
