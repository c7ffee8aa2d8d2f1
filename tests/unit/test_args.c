/* SPDX-License-Identifier: 0BSD */
/* args_split() and args_number(): monitor words and numbers, and the sentences for bad ones. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <frame64/args.h>
#include <frame64/error.h>

/* Spaces and tabs separate, runs of them count once, leading/trailing ones make no word. */
static void test_split(void **state)
{
    (void)state;
    char line[] = "  alloc \t 0x1000\t64K  ";
    char *argv[ARGS_MAX_WORDS], err[ARGS_ERR_SIZE] = "";
    assert_int_equal(args_split(line, argv, ARGS_MAX_WORDS, err, sizeof(err)), 3);
    assert_string_equal(argv[0], "alloc");
    assert_string_equal(argv[1], "0x1000");
    assert_string_equal(argv[2], "64K");
    char empty[] = "", blank[] = " \t ";
    assert_int_equal(args_split(empty, argv, ARGS_MAX_WORDS, err, sizeof(err)), 0);
    assert_int_equal(args_split(blank, argv, ARGS_MAX_WORDS, err, sizeof(err)), 0);
    assert_string_equal(err, "");
}

/* 8 words fit in 8 slots; a 9th is refused with a sentence saying the limit. */
static void test_split_too_many(void **state)
{
    (void)state;
    char eight[] = "a b c d e f g h", nine[] = "a b c d e f g h i";
    char *argv[ARGS_MAX_WORDS], err[ARGS_ERR_SIZE];
    assert_int_equal(args_split(eight, argv, ARGS_MAX_WORDS, err, sizeof(err)), 8);
    assert_string_equal(argv[7], "h");
    assert_int_equal(args_split(nine, argv, ARGS_MAX_WORDS, err, sizeof(err)), -1);
    assert_string_equal(err, "Too many words: a command takes at most 8");
}

/* Accepted numbers: decimal, hex in either case, K/M/G in either case after either base, and
 * the extremes 0 and 2^64 - 1 (also reached through a suffix: (2^34 - 1) G). */
static void test_numbers(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        uint64_t value;
    } ok[] = {
        {"0", 0},
        {"4096", 4096},
        {"007", 7},
        {"0x1000", 0x1000},
        {"0X1f", 0x1f},
        {"0xABCdef", 0xabcdef},
        {"64K", 64 * KiB},
        {"64k", 64 * KiB},
        {"2M", 2 * MiB},
        {"3g", 3 * GiB},
        {"0x10M", 16 * MiB},
        {"18446744073709551615", UINT64_MAX},
        {"0xffffffffffffffff", UINT64_MAX},
        {"17179869183G", ((uint64_t)1 << 34) * GiB - GiB},
    };
    char err[ARGS_ERR_SIZE];
    for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
        uint64_t v = 12345;
        if (args_number(ok[i].word, &v, err, sizeof(err)) != K_OK)
            fail_msg("'%s' refused: %s", ok[i].word, err);
        assert_int_equal(v, ok[i].value);
    }
}

/*
 * Refused, each with its sentence, leaving *out alone: junk after or instead of digits, a bare
 * 0x, a suffix not alone or unknown, a sign, an empty word, and overflow by digits and by suffix.
 */
static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *word;
        int code;
        const char *sentence;
    } bad[] = {
        {"12x", K_EINVAL, "'12x' is not a number (try 4096, 0x1000 or 64K)"},
        {"x12", K_EINVAL, "'x12' is not a number (try 4096, 0x1000 or 64K)"},
        {"0x", K_EINVAL, "'0x' is not a number (try 4096, 0x1000 or 64K)"},
        {"0xg", K_EINVAL, "'0xg' is not a number (try 4096, 0x1000 or 64K)"},
        {"K", K_EINVAL, "'K' is not a number (try 4096, 0x1000 or 64K)"},
        {"64KB", K_EINVAL, "'64KB' is not a number (try 4096, 0x1000 or 64K)"},
        {"0x12G5", K_EINVAL, "'0x12G5' is not a number (try 4096, 0x1000 or 64K)"},
        {"4T", K_EINVAL, "'4T' is not a number (try 4096, 0x1000 or 64K)"},
        {"1.5", K_EINVAL, "'1.5' is not a number (try 4096, 0x1000 or 64K)"},
        {"+5", K_EINVAL, "'+5' is not a number (try 4096, 0x1000 or 64K)"},
        {"-", K_EINVAL, "'-' is not a number (try 4096, 0x1000 or 64K)"},
        {"-5", K_EINVAL, "'-5' is negative: sizes and addresses start at 0"},
        {"-0x10", K_EINVAL, "'-0x10' is negative: sizes and addresses start at 0"},
        {"", K_EINVAL, "A number is missing (try 4096, 0x1000 or 64K)"},
        {"18446744073709551616", K_ERANGE,
         "'18446744073709551616' is too large (the largest is 0xffffffffffffffff)"},
        {"0x10000000000000000", K_ERANGE,
         "'0x10000000000000000' is too large (the largest is 0xffffffffffffffff)"},
        {"17179869184G", K_ERANGE,
         "'17179869184G' is too large (the largest is 0xffffffffffffffff)"},
    };
    char err[ARGS_ERR_SIZE];
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        uint64_t v = 12345;
        print_message("%s\n", bad[i].word);
        assert_int_equal(args_number(bad[i].word, &v, err, sizeof(err)), bad[i].code);
        assert_string_equal(err, bad[i].sentence);
        assert_int_equal(v, 12345);
    }
    assert_int_equal(args_number(NULL, &(uint64_t){0}, err, sizeof(err)), K_EINVAL);
    assert_string_equal(err, "A number is missing (try 4096, 0x1000 or 64K)");
}

/* A 60-character word is quoted as its first 40 characters and "...", and every sentence fits
 * in ARGS_ERR_SIZE without being cut. */
static void test_long_word(void **state)
{
    (void)state;
    char word[61], err[ARGS_ERR_SIZE], want[ARGS_ERR_SIZE];
    uint64_t v;
    memset(word, '9', 60);
    word[60] = '\0';
    assert_int_equal(args_number(word, &v, err, sizeof(err)), K_ERANGE);
    snprintf(want, sizeof(want), "'%.40s...' is too large (the largest is 0xffffffffffffffff)",
             word);
    assert_string_equal(err, want);
    word[59] = 'x';
    assert_int_equal(args_number(word, &v, err, sizeof(err)), K_ERANGE); /* overflows first */
    memset(word, 'x', 60);
    assert_int_equal(args_number(word, &v, err, sizeof(err)), K_EINVAL);
    assert_true(strlen(err) < sizeof(err) - 1);
    assert_non_null(strstr(err, "...' is not a number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split),     cmocka_unit_test(test_split_too_many),
        cmocka_unit_test(test_numbers),   cmocka_unit_test(test_refused),
        cmocka_unit_test(test_long_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
