/* SPDX-License-Identifier: 0BSD */
/*
 * monitor_parse() over a small command table: the command found and its words, blank lines,
 * unknown commands, argument counts outside [min, max], too many words, duplicates.
 *
 *   table: help (0..0 args), alloc N (1..1), free [ADDR] (0..1)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/args.h>
#include <frame64/error.h>
#include <frame64/monitor.h>

static void nothing(int argc, char **argv)
{
    (void)argc, (void)argv;
}

static const struct monitor_cmd table[] = {
    {"help", "help", "this list", 0, 0, nothing},
    {"alloc", "alloc N", "allocate N frames", 1, 1, nothing},
    {"free", "free [ADDR]", "give frames back", 0, 1, nothing},
};
#define N (sizeof(table) / sizeof(table[0]))

static int parse(const char *text, const struct monitor_cmd **cmd, int *argc, char **argv,
                 char *err)
{
    static char line[256];
    strcpy(line, text);
    err[0] = '\0';
    return monitor_parse(table, N, line, cmd, argc, argv, err, MONITOR_ERR_SIZE);
}

/* "  alloc   0x10 " finds alloc with argv {"alloc", "0x10"}; "free" works with 0 or 1 argument. */
static void test_found(void **state)
{
    (void)state;
    const struct monitor_cmd *c;
    int argc;
    char *argv[ARGS_MAX_WORDS], err[MONITOR_ERR_SIZE];
    assert_int_equal(parse("  alloc   0x10 ", &c, &argc, argv, err), K_OK);
    assert_ptr_equal(c, &table[1]);
    assert_int_equal(argc, 2);
    assert_string_equal(argv[0], "alloc");
    assert_string_equal(argv[1], "0x10");
    assert_int_equal(parse("free", &c, &argc, argv, err), K_OK);
    assert_ptr_equal(c, &table[2]);
    assert_int_equal(parse("free 0x1000", &c, &argc, argv, err), K_OK);
    assert_int_equal(argc, 2);
}

/* A blank line (spaces, a tab) runs nothing and says nothing. */
static void test_blank(void **state)
{
    (void)state;
    const struct monitor_cmd *c = table;
    int argc;
    char *argv[ARGS_MAX_WORDS], err[MONITOR_ERR_SIZE];
    assert_int_equal(parse(" \t ", &c, &argc, argv, err), K_OK);
    assert_null(c);
    assert_string_equal(err, "");
}

/* An unknown word gets the sentence naming it; names match whole words only ("allocate"). */
static void test_unknown(void **state)
{
    (void)state;
    const struct monitor_cmd *c;
    int argc;
    char *argv[ARGS_MAX_WORDS], err[MONITOR_ERR_SIZE];
    assert_int_equal(parse("xyz 1 2", &c, &argc, argv, err), K_ENOENT);
    assert_string_equal(err, "unknown command 'xyz' (try 'help')");
    assert_int_equal(parse("allocate 3", &c, &argc, argv, err), K_ENOENT);
    assert_int_equal(parse("HELP", &c, &argc, argv, err), K_ENOENT);
    /* 60 characters of junk: the sentence shows the first 40 and still fits. */
    assert_int_equal(
        parse("aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeeffffffffff", &c, &argc, argv, err),
        K_ENOENT);
    assert_string_equal(err, "unknown command 'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd' (try "
                             "'help')");
}

/* alloc without N, alloc with two, help with one: the usage and the help line. */
static void test_counts(void **state)
{
    (void)state;
    const struct monitor_cmd *c;
    int argc;
    char *argv[ARGS_MAX_WORDS], err[MONITOR_ERR_SIZE];
    assert_int_equal(parse("alloc", &c, &argc, argv, err), K_EINVAL);
    assert_string_equal(err, "missing argument: usage: alloc N (allocate N frames)");
    assert_null(c);
    assert_int_equal(parse("alloc 1 2", &c, &argc, argv, err), K_EINVAL);
    assert_string_equal(err, "too many arguments: usage: alloc N (allocate N frames)");
    assert_int_equal(parse("help me", &c, &argc, argv, err), K_EINVAL);
    assert_string_equal(err, "too many arguments: usage: help (this list)");
}

/* Nine words are more than a line may have: the splitter's sentence. */
static void test_too_many_words(void **state)
{
    (void)state;
    const struct monitor_cmd *c;
    int argc;
    char *argv[ARGS_MAX_WORDS], err[MONITOR_ERR_SIZE];
    assert_int_equal(parse("free 1 2 3 4 5 6 7 8", &c, &argc, argv, err), K_EINVAL);
    assert_string_equal(err, "Too many words: a command takes at most 8");
}

/* Duplicates: none in the table; a second "alloc" at index 3 is reported. */
static void test_duplicates(void **state)
{
    (void)state;
    assert_int_equal(monitor_first_duplicate(table, N), N);
    struct monitor_cmd two[4];
    memcpy(two, table, sizeof(table));
    two[3] = table[1];
    assert_int_equal(monitor_first_duplicate(two, 4), 3);
    assert_ptr_equal(monitor_find(two, 4, "alloc"), &two[1]);
    assert_null(monitor_find(two, 4, "al"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found),          cmocka_unit_test(test_blank),
        cmocka_unit_test(test_unknown),        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_too_many_words), cmocka_unit_test(test_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
