/* SPDX-License-Identifier: 0BSD */
/*
 * grub_args_split(): module command lines as GRUB 2.06 writes them, read back into the words GRUB
 * was given. grub_encode() below follows GRUB's rules (grub-core/lib/cmdline.c,
 * grub_create_loader_cmdline()): a backslash before \, ' and ", \xHH copied as it is, double
 * quotes around a word with a space, a space after each word but the last.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <frame64/grub_args.h>

#define MAX_WORDS 16
#define LINE_MAX  4096

static bool is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* words[0, n) as GRUB writes them into line. */
static void grub_encode(char *line, const char *const *words, int n)
{
    char *b = line;
    for (int i = 0; i < n; i++) {
        const char *c = words[i];
        bool space = strchr(c, ' ') != NULL;
        if (space)
            *b++ = '"';
        while (*c) {
            if (c[0] == '\\' && c[1] == 'x' && c[2] && is_hex(c[2]) && c[3] && is_hex(c[3])) {
                memcpy(b, c, 4);
                b += 4, c += 4;
                continue;
            }
            if (*c == '\\' || *c == '\'' || *c == '"')
                *b++ = '\\';
            *b++ = *c++;
        }
        if (space)
            *b++ = '"';
        *b++ = ' ';
    }
    if (n)
        b--;
    *b = '\0';
}

static int split(char *line, char **argv)
{
    char err[128] = "";
    int n = grub_args_split(line, argv, MAX_WORDS, err, sizeof(err));
    assert_string_equal(err, "");
    return n;
}

/*
 * What GRUB 2.06 sent for  module2 /boot/p exec echo 'a\b' 'x y' "it's" 'say "hi"' '\x41'
 * (seen on COM1 before this decoder existed). Expect the config's words back.
 */
static void test_grub_written_line(void **state)
{
    (void)state;
    char line[] = "exec echo a\\\\b \"x y\" it\\'s \"say \\\"hi\\\"\" \\x41";
    char *argv[MAX_WORDS];
    assert_int_equal(split(line, argv), 7);
    assert_string_equal(argv[0], "exec");
    assert_string_equal(argv[1], "echo");
    assert_string_equal(argv[2], "a\\b");
    assert_string_equal(argv[3], "x y");
    assert_string_equal(argv[4], "it's");
    assert_string_equal(argv[5], "say \"hi\"");
    assert_string_equal(argv[6], "\\x41");
}

/*
 * Lines GRUB never writes, from a hand-made menu or a damaged image: a tab stays inside a word,
 * runs of spaces count once, a backslash before anything else stays, a trailing backslash stays,
 * an unpaired quote groups to the end, quotes in the middle of a word group only their part.
 */
static void test_lines_grub_does_not_write(void **state)
{
    (void)state;
    char *argv[MAX_WORDS];
    char a[] = "  a\tb   c\\d e\\";
    assert_int_equal(split(a, argv), 3);
    assert_string_equal(argv[0], "a\tb");
    assert_string_equal(argv[1], "c\\d");
    assert_string_equal(argv[2], "e\\");
    char b[] = "x\"y z\"w \"open to the end";
    assert_int_equal(split(b, argv), 2);
    assert_string_equal(argv[0], "xy zw");
    assert_string_equal(argv[1], "open to the end");
    char c[] = "", d[] = "   ";
    assert_int_equal(split(c, argv), 0);
    assert_int_equal(split(d, argv), 0);
}

/* 16 arguments fit in 16 slots; a 17th is refused with a sentence naming the limit. */
static void test_too_many(void **state)
{
    (void)state;
    char fits[] = "a b c d e f g h i j k l m n o p", over[] = "a b c d e f g h i j k l m n o p q";
    char err[128] = "";
    char *argv[MAX_WORDS];
    assert_int_equal(grub_args_split(fits, argv, MAX_WORDS, err, sizeof(err)), MAX_WORDS);
    assert_int_equal(grub_args_split(over, argv, MAX_WORDS, err, sizeof(err)), -1);
    assert_string_equal(err, "Too many arguments: at most 16");
}

/*
 * 100,000 random argument lists (1-8 words of 1-12 characters from an alphabet heavy in space,
 * tab, backslash, both quotes, x and hex digits, and bytes above 127), each encoded by GRUB's
 * rules and split again. Expect every word back, byte for byte, in order.
 */
static void test_round_trip(void **state)
{
    (void)state;
    static const char alphabet[] = " \t\\\\\\'\"\"x4Fa9z- \x80\xff";
    uint64_t seed = 0x9e3779b97f4a7c15ull;
    for (int round = 0; round < 100000; round++) {
        char words[8][13], line[LINE_MAX];
        const char *in[8];
        char *argv[MAX_WORDS];
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int n = 1 + (int)(seed >> 61);
        for (int i = 0; i < n; i++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            int len = 1 + (int)((seed >> 33) % 12);
            for (int j = 0; j < len; j++) {
                seed = seed * 6364136223846793005ull + 1442695040888963407ull;
                words[i][j] = alphabet[(seed >> 40) % (sizeof(alphabet) - 1)];
            }
            words[i][len] = '\0';
            if (strspn(words[i], " ") == (size_t)len)
                words[i][0] = '-'; /* all spaces would be fine too; keep one visible byte */
            in[i] = words[i];
        }
        grub_encode(line, in, n);
        int got = split(line, argv);
        assert_int_equal(got, n);
        for (int i = 0; i < n; i++)
            assert_string_equal(argv[i], in[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grub_written_line),
        cmocka_unit_test(test_lines_grub_does_not_write),
        cmocka_unit_test(test_too_many),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
