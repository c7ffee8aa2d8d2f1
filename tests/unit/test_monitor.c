/* SPDX-License-Identifier: 0BSD */
/*
 * monitor_parse() over a small command table: the command found and its words, blank lines,
 * unknown commands, argument counts outside [min, max], too many words, duplicates; `help` and
 * `help NAME` (monitor_help()); the `run` arguments and their sentences (monitor_run_args()).
 *
 *   table: help (0..0 args), alloc N (1..1, two lines of details), free [ADDR] (0..1)
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/args.h>
#include <frame64/dma.h>
#include <frame64/error.h>
#include <frame64/monitor.h>

#include "host_support.h"

static void nothing(int argc, char **argv)
{
    (void)argc, (void)argv;
}

static const struct monitor_cmd table[] = {
    {"help", "help", "this list", 0, 0, nothing, NULL},
    {"alloc", "alloc N", "allocate N frames", 1, 1, nothing,
     "Frames come from the top.\nMore than is free takes all."},
    {"free", "free [ADDR]", "give frames back", 0, 1, nothing, NULL},
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

/*
 * help alone: one line per command. help alloc: usage, line, each line of details indented;
 * help free (no details): usage and line only; help xyz: a sentence naming it.
 */
static void test_help(void **state)
{
    (void)state;
    kprintf_reset();
    monitor_help(table, N, NULL);
    assert_non_null(strstr(kprintf_output(), "\n  alloc N                    allocate N frames\n"));
    assert_non_null(strstr(kprintf_output(), "'help NAME' says more"));
    kprintf_reset();
    monitor_help(table, N, "alloc");
    assert_string_equal(kprintf_output(), "usage: alloc N\n  allocate N frames\n"
                                          "  Frames come from the top.\n"
                                          "  More than is free takes all.\n");
    kprintf_reset();
    monitor_help(table, N, "free");
    assert_string_equal(kprintf_output(), "usage: free [ADDR]\n  give frames back\n");
    kprintf_reset();
    monitor_help(table, N, "xyz");
    assert_string_equal(kprintf_output(), "help: there is no command 'xyz'; 'help' lists them.\n");
}

/* Runs argv (words split on spaces) through monitor_run_args(). */
static int run_args(const char *text, uint64_t *bytes, unsigned *zone, char *err)
{
    static char line[128];
    char *argv[ARGS_MAX_WORDS], split_err[ARGS_ERR_SIZE];
    strcpy(line, text);
    int argc = args_split(line, argv, ARGS_MAX_WORDS, split_err, sizeof(split_err));
    err[0] = '\0';
    return monitor_run_args(argc, argv, bytes, zone, err, MONITOR_ERR_SIZE);
}

/*
 * run 64K isa: 64 KiB, zone isa (the most ISA DMA can take). run 5000: 8 KiB (rounded), zone any.
 * run 128K isa (issue 16) and run 20M isa: the one sentence that an ISA run is at most 64 KiB,
 * and what to do instead. A bad zone, 0, 65G and a non-number: their sentences.
 */
static void test_run_args(void **state)
{
    (void)state;
    uint64_t bytes;
    unsigned zone;
    char err[MONITOR_ERR_SIZE];
    assert_int_equal(run_args("run 64K isa", &bytes, &zone, err), K_OK);
    assert_int_equal(bytes, 64 * KiB);
    assert_int_equal(zone, DMA_ZONE_ISA);
    assert_string_equal(monitor_zone_name(zone), "isa");
    assert_int_equal(run_args("run 5000", &bytes, &zone, err), K_OK);
    assert_int_equal(bytes, 8 * KiB);
    assert_int_equal(zone, DMA_ZONE_ANY);
    assert_int_equal(run_args("run 1M dma32", &bytes, &zone, err), K_OK);
    assert_int_equal(zone, DMA_ZONE_32);

    static const char isa[] = "run: an ISA run is at most 64 KiB, since ISA DMA cannot cross a "
                              "64 KiB boundary; ask for 64K or less, or use zone dma32 or any.";
    assert_int_equal(run_args("run 128K isa", &bytes, &zone, err), K_EINVAL);
    assert_string_equal(err, isa);
    assert_int_equal(run_args("run 20M isa", &bytes, &zone, err), K_EINVAL);
    assert_string_equal(err, isa);
    assert_int_equal(run_args("run 65537 isa", &bytes, &zone, err), K_EINVAL); /* 68 KiB */
    assert_string_equal(err, isa);

    assert_int_equal(run_args("run 4K floppy", &bytes, &zone, err), K_EINVAL);
    assert_string_equal(err, "run: 'floppy' is not a zone; say isa (below 16 MiB), dma32 (below "
                             "4 GiB) or any.");
    assert_int_equal(run_args("run 0", &bytes, &zone, err), K_EINVAL);
    assert_string_equal(err, "run: a run is 1 byte to 64 GiB (rounded up to 4 KiB), not 0.");
    assert_int_equal(run_args("run 65G any", &bytes, &zone, err), K_EINVAL);
    assert_int_equal(run_args("run 12x", &bytes, &zone, err), K_EINVAL);
    assert_non_null(strstr(err, "'12x' is not a number"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_found),          cmocka_unit_test(test_blank),
        cmocka_unit_test(test_unknown),        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_too_many_words), cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_help),           cmocka_unit_test(test_run_args),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
