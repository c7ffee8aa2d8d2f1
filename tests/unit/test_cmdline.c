/* SPDX-License-Identifier: 0BSD */
/* cmdline_has_word() / cmdline_value(): whole words only, at any position, NULL-safe. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <frame64/cmdline.h>

/* "ktest" matches as a word at the start, middle and end, but not inside "noktest" or "ktest2". */
static void test_has_word(void **state)
{
    (void)state;
    assert_true(cmdline_has_word("ktest", "ktest"));
    assert_true(cmdline_has_word("quiet ktest loglevel=7", "ktest"));
    assert_true(cmdline_has_word("a ktest", "ktest"));
    assert_false(cmdline_has_word("noktest ktest2 ktest=no", "ktest"));
    assert_false(cmdline_has_word("", "ktest"));
    assert_false(cmdline_has_word(NULL, "ktest"));
    assert_false(cmdline_has_word("ktest", ""));
}

/* "crc32=1a2b3c4d" gives "1a2b..." (up to the next space); a key inside another word does not
 * count. */
static void test_value(void **state)
{
    (void)state;
    const char *v = cmdline_value("gen1 size=4K crc32=1a2b3c4d x", "crc32");
    assert_non_null(v);
    assert_memory_equal(v, "1a2b3c4d ", 9);
    assert_null(cmdline_value("xcrc32=1 crc32", "crc32"));
    assert_null(cmdline_value(NULL, "crc32"));
    assert_true(cmdline_value_is(cmdline_value("ktest crash=panic", "crash"), "panic"));
    assert_false(cmdline_value_is(cmdline_value("crash=panicky", "crash"), "panic"));
    assert_true(cmdline_value_is(cmdline_value("crash=pagefault quiet", "crash"), "pagefault"));
    assert_false(cmdline_value_is(NULL, "panic"));
    assert_true(cmdline_value_is(cmdline_value("empty= x", "empty"), ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_word),
        cmocka_unit_test(test_value),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
