/* SPDX-License-Identifier: 0BSD */
/*
 * The line discipline: what a reader gets and what the screen shows for bytes typed, in
 * canonical and raw mode, with Linux's default settings and a few changed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <frame64/ldisc.h>

static char shown[256];
static size_t shown_len;
static int signals[8], nsignals;

static void on_echo(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    memcpy(shown + shown_len, s, n);
    shown_len += n;
    shown[shown_len] = 0;
}

static void on_signal(void *ctx, int sig)
{
    (void)ctx;
    signals[nsignals++] = sig;
}

static const struct ldisc_ops ops = {on_echo, on_signal};
static struct ldisc ld;

static int setup(void **state)
{
    (void)state;
    shown_len = 0;
    shown[0] = 0;
    nsignals = 0;
    ldisc_init(&ld, &ops, NULL);
    return 0;
}

static void type(const char *s)
{
    while (*s)
        ldisc_input(&ld, (uint8_t)*s++);
}

static const char *take(size_t n)
{
    static char buf[256];
    size_t got = ldisc_read(&ld, buf, n);
    buf[got] = 0;
    return buf;
}

/*
 * "ls -x<DEL>l<CR>": the reader sees nothing before the Enter key, then "ls -l\n"; the screen
 * showed each key, the erase as "\b \b", and the Enter as a newline.
 */
static void test_canonical_line(void **state)
{
    (void)state;
    type("ls -x\x7f");
    assert_false(ldisc_readable(&ld));
    type("l\r");
    assert_true(ldisc_readable(&ld));
    assert_string_equal(take(100), "ls -l\n");
    assert_false(ldisc_readable(&ld));
    assert_string_equal(shown, "ls -x\b \bl\n");
}

/* Two lines typed ahead are read one at a time, even into a large buffer; a short buffer takes
 * a line in pieces. */
static void test_lines_one_at_a_time(void **state)
{
    (void)state;
    type("one\rtwo\r");
    assert_string_equal(take(100), "one\n");
    assert_string_equal(take(2), "tw");
    assert_string_equal(take(100), "o\n");
    assert_false(ldisc_readable(&ld));
}

/* Ctrl-D on an empty line reads as end of file (0); after "ab" it hands "ab" on without a
 * newline. Ctrl-U kills the line, Ctrl-W the last word. */
static void test_eof_kill_werase(void **state)
{
    (void)state;
    type("ab\x04");
    assert_string_equal(take(100), "ab");
    type("\x04");
    assert_true(ldisc_readable(&ld));
    assert_int_equal(ldisc_read(&ld, (char[8]){0}, 8), 0);
    assert_false(ldisc_readable(&ld));
    type("junk\x15"
         "echo hi there\x17"
         "you\r");
    assert_string_equal(take(100), "echo hi you\n");
}

/* Ctrl-C: SIGINT for the foreground group, the line thrown away, "^C" shown; with ISIG off it is
 * an ordinary byte. */
static void test_signals(void **state)
{
    (void)state;
    type("half\x03");
    assert_int_equal(nsignals, 1);
    assert_int_equal(signals[0], 2);
    assert_false(ldisc_readable(&ld));
    assert_non_null(strstr(shown, "^C"));
    type("\x1c\x1a");
    assert_int_equal(signals[1], 3);
    assert_int_equal(signals[2], 20);
    struct ktermios t = ld.t;
    t.c_lflag &= ~(ISIG | ICANON | ECHO);
    ldisc_set(&ld, &t, false);
    type("\x03");
    assert_int_equal(nsignals, 3);
    assert_string_equal(take(100), "\x03");
}

/*
 * Raw mode as busybox's line editing sets it (ICANON and ECHO off): every byte is readable at
 * once, nothing is echoed, CR still becomes NL through ICRNL unless that is off too. Back to
 * canonical, bytes left unread are readable at once.
 */
static void test_raw(void **state)
{
    (void)state;
    type("par");
    struct ktermios t = ld.t;
    t.c_lflag &= ~(ICANON | ECHO);
    ldisc_set(&ld, &t, false);
    assert_string_equal(take(100), "par"); /* the half line moved to the queue */
    shown_len = 0;
    shown[0] = 0;
    type("x\r\x1b[A");
    assert_string_equal(take(2), "x\n");
    assert_string_equal(take(100), "\x1b[A");
    assert_int_equal(shown_len, 0);
    t.c_iflag &= ~ICRNL;
    ldisc_set(&ld, &t, false);
    type("\r");
    assert_string_equal(take(100), "\r");
    type("zz");
    t.c_lflag |= ICANON;
    ldisc_set(&ld, &t, false);
    assert_string_equal(take(100), "zz");
    type("q");
    ldisc_set(&ld, &t, true); /* TCSETSF: what was typed is dropped */
    type("\n");
    assert_string_equal(take(100), "\n");
}

/* Output: a newline becomes CR LF with OPOST|ONLCR, is left alone without OPOST. */
static void test_output(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(ldisc_output(&ld, "a\nb\n", 4, out), 6);
    assert_memory_equal(out, "a\r\nb\r\n", 6);
    struct ktermios t = ld.t;
    t.c_oflag &= ~OPOST;
    ldisc_set(&ld, &t, false);
    assert_int_equal(ldisc_output(&ld, "a\n", 2, out), 2);
}

/* A queue that fills drops further bytes (raw) and further lines (canonical). */
static void test_full(void **state)
{
    (void)state;
    struct ktermios t = ld.t;
    t.c_lflag &= ~(ICANON | ECHO);
    ldisc_set(&ld, &t, false);
    for (int i = 0; i < LDISC_QUEUE + 10; i++)
        ldisc_input(&ld, 'r');
    assert_int_equal(ldisc_pending(&ld), LDISC_QUEUE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_canonical_line, setup),
        cmocka_unit_test_setup(test_lines_one_at_a_time, setup),
        cmocka_unit_test_setup(test_eof_kill_werase, setup),
        cmocka_unit_test_setup(test_signals, setup),
        cmocka_unit_test_setup(test_raw, setup),
        cmocka_unit_test_setup(test_output, setup),
        cmocka_unit_test_setup(test_full, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
