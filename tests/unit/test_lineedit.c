/* SPDX-License-Identifier: 0BSD */
/*
 * The line editor: serial bytes and keyboard events in, completed lines and echo out. The echo
 * callback's output is kept and compared byte for byte ("\b \b" is one erased character).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <frame64/lineedit.h>

static struct lineedit le;
static char echoed[8192];
static size_t echoed_len;
static char lines[16][LINEEDIT_MAX + 1]; /* completed lines, in order */
static int nlines, ntoo_long;

static void capture(void *ctx, const char *s, size_t n)
{
    assert_ptr_equal(ctx, &le);
    assert_true(echoed_len + n < sizeof(echoed));
    memcpy(echoed + echoed_len, s, n);
    echoed_len += n;
    echoed[echoed_len] = '\0';
}

static int setup(void **state)
{
    (void)state;
    lineedit_init(&le, capture, &le);
    echoed_len = 0;
    echoed[0] = '\0';
    nlines = ntoo_long = 0;
    return 0;
}

static void count(enum lineedit_status st)
{
    if (st == LINEEDIT_LINE) {
        assert_true(nlines < 16);
        strcpy(lines[nlines++], lineedit_line(&le));
    } else if (st == LINEEDIT_TOO_LONG) {
        ntoo_long++;
    }
}

/* Sends n bytes as serial input (n, not strlen: NUL is a byte too). */
static void serial(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        count(lineedit_serial(&le, (uint8_t)s[i]));
}
#define SERIAL(lit) serial(lit, sizeof(lit) - 1)

static void key(uint8_t k, char ch)
{
    struct kbd_event ev = {.key = k, .ch = ch, .mods = 0};
    count(lineedit_key(&le, &ev));
}

static void reset_echo(void)
{
    echoed_len = 0;
    echoed[0] = '\0';
}

/* "ls -l" CR gives one line "ls -l"; the echo is the text and a newline. */
static void test_line(void **state)
{
    (void)state;
    SERIAL("ls -l");
    assert_int_equal(nlines, 0);
    SERIAL("\r");
    assert_int_equal(nlines, 1);
    assert_string_equal(lines[0], "ls -l");
    assert_string_equal(echoed, "ls -l\n");
}

/*
 * Line ends: CRLF once, CR alone, LF alone, CR CR (an empty second line), CR NUL once, and an LF
 * that follows CR NUL is still the same end.
 *   "a\r\n" "b\r" "c\n" "d\r\r" "e\r\0" "f\r\0\n" "g\n\n"  ->  a b c d "" e f g ""
 */
static void test_line_endings(void **state)
{
    (void)state;
    SERIAL("a\r\nb\rc\nd\r\re\r\0f\r\0\ng\n\n");
    static const char *const want[] = {"a", "b", "c", "d", "", "e", "f", "g", ""};
    assert_int_equal(nlines, 9);
    for (int i = 0; i < 9; i++)
        assert_string_equal(lines[i], want[i]);
}

/* Backspace as 0x08, 0x7F and the key: each erases one character with "\b \b"; on an empty
 * line it does nothing. "abc" BS DEL "d" -> "ad"; then key "xy" Backspace Enter -> "x". */
static void test_backspace(void **state)
{
    (void)state;
    SERIAL("\x7f"
           "abc\x08\x7f"
           "d\r");
    assert_string_equal(lines[0], "ad");
    assert_string_equal(echoed, "abc\b \b\b \bd\n");
    key(KBD_CHAR, 'x');
    key(KBD_CHAR, 'y');
    key(KBD_BACKSPACE, '\b');
    key(KBD_ENTER, '\n');
    assert_string_equal(lines[1], "x");
}

/* Ctrl-C and Ctrl-U (serial and keyboard) clear the line and erase it on screen. */
static void test_clear(void **state)
{
    (void)state;
    SERIAL("abc\x03");
    assert_string_equal(echoed, "abc\b \b\b \b\b \b");
    SERIAL("de\x15"
           "f\r");
    key(KBD_CHAR, 'g');
    key(KBD_CHAR, 0x03);
    key(KBD_CHAR, 'h');
    key(KBD_ENTER, '\n');
    assert_int_equal(nlines, 2);
    assert_string_equal(lines[0], "f");
    assert_string_equal(lines[1], "h");
}

/*
 * History from serial: after "one", "two", "three", with "dr" typed: ESC [ A shows "three"
 * (erasing "dr"), ESC O A "two", ESC O B "three", ESC [ B the draft "dr" again; Up at the oldest
 * stays. Enter on a recalled line returns it.
 */
static void test_history_serial(void **state)
{
    (void)state;
    SERIAL("one\rtwo\rthree\rdr");
    reset_echo();
    SERIAL("\x1b[A");
    assert_string_equal(echoed, "\b \b\b \bthree");
    reset_echo();
    SERIAL("\x1bOA");
    assert_string_equal(echoed, "\b \b\b \b\b \b\b \b\b \btwo");
    SERIAL("\x1bOB");
    assert_string_equal(lineedit_line(&le), "three");
    reset_echo();
    SERIAL("\x1b[B");
    assert_string_equal(echoed, "\b \b\b \b\b \b\b \b\b \bdr");
    assert_string_equal(lineedit_line(&le), "dr");
    SERIAL("\x1b[B"); /* already at the draft: nothing */
    SERIAL("\x1b[A\x1b[A\x1b[A\x1b[A\x1b[A");
    assert_string_equal(lineedit_line(&le), "one");
    SERIAL("\r");
    assert_string_equal(lines[3], "one");
}

/*
 * Only the last LINEEDIT_HISTORY (8) lines are kept, empty lines and a repeat of the newest are
 * not stored: after l0..l9, "", l9 again, Up walks l9 ... l2 and stops there.
 */
static void test_history_limit(void **state)
{
    (void)state;
    char buf[8];
    for (int i = 0; i < 10; i++) {
        snprintf(buf, sizeof(buf), "l%d\r", i);
        serial(buf, strlen(buf));
    }
    SERIAL("\rl9\r");
    for (int i = 9; i >= 2; i--) {
        key(KBD_UP, 0);
        snprintf(buf, sizeof(buf), "l%d", i);
        assert_string_equal(lineedit_line(&le), buf);
    }
    reset_echo();
    key(KBD_UP, 0);
    assert_string_equal(lineedit_line(&le), "l2");
    assert_string_equal(echoed, "");
    key(KBD_DOWN, 0);
    assert_string_equal(lineedit_line(&le), "l3");
}

/*
 * Lines longer than LINEEDIT_MAX (127): the 128th character is neither stored nor echoed, Enter
 * refuses the line (not kept in the history), and the editor goes on: "ok" works. Backspace
 * first takes back characters that did not fit: 129 typed, 2 Backspaces, Enter -> a 127-long line.
 */
static void test_too_long(void **state)
{
    (void)state;
    char want[LINEEDIT_MAX + 2];
    memset(want, 'x', LINEEDIT_MAX);
    want[LINEEDIT_MAX] = '\n';
    want[LINEEDIT_MAX + 1] = '\0';
    for (int i = 0; i < LINEEDIT_MAX + 1; i++)
        SERIAL("x");
    SERIAL("\r");
    assert_int_equal(ntoo_long, 1);
    assert_int_equal(nlines, 0);
    assert_string_equal(echoed, want);
    key(KBD_UP, 0);
    assert_string_equal(lineedit_line(&le), ""); /* nothing in the history */
    SERIAL("ok\r");
    assert_int_equal(nlines, 1);
    assert_string_equal(lines[0], "ok");

    for (int i = 0; i < LINEEDIT_MAX + 2; i++)
        SERIAL("y");
    reset_echo();
    SERIAL("\x7f\x7f");
    assert_string_equal(echoed, "");
    SERIAL("\r");
    assert_int_equal(ntoo_long, 1);
    assert_int_equal(strlen(lines[1]), LINEEDIT_MAX);
}

/* Other escape sequences vanish whole (Delete ESC [ 3 ~, Right ESC [ C, F1 ESC O P, one with an
 * intermediate byte ESC [ 2 SP q); a lone ESC before a letter is dropped; a control character
 * inside a sequence ends it and counts. */
static void test_other_escapes(void **state)
{
    (void)state;
    SERIAL("a\x1b[3~b\x1b[Cc\x1bOPd\x1b[2 q\x1bxe\x1b[1;5\rf\r");
    assert_int_equal(nlines, 2);
    assert_string_equal(lines[0], "abcdxe");
    assert_string_equal(lines[1], "f");
}

/* Serial bytes that are neither printable nor editing (SOH, TAB, 0x80, 0xFF) are ignored, and so
 * are keys the editor has no use for (Tab, Escape, Left, F1, a Ctrl code other than C and U). */
static void test_ignored_input(void **state)
{
    (void)state;
    SERIAL("a\x01\t\x80\xff"
           "b");
    key(KBD_TAB, '\t');
    key(KBD_ESCAPE, 0x1b);
    key(KBD_LEFT, 0);
    key(KBD_F1, 0);
    key(KBD_CHAR, 0x01);
    key(KBD_ENTER, '\n');
    assert_int_equal(nlines, 1);
    assert_string_equal(lines[0], "ab");
    assert_string_equal(echoed, "ab\n");
}

/* Without an echo callback the editor still edits. */
static void test_no_echo(void **state)
{
    (void)state;
    lineedit_init(&le, NULL, NULL);
    SERIAL("ab\x7f"
           "c\r");
    assert_string_equal(lines[0], "ac");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_line, setup),
        cmocka_unit_test_setup(test_line_endings, setup),
        cmocka_unit_test_setup(test_backspace, setup),
        cmocka_unit_test_setup(test_clear, setup),
        cmocka_unit_test_setup(test_history_serial, setup),
        cmocka_unit_test_setup(test_history_limit, setup),
        cmocka_unit_test_setup(test_too_long, setup),
        cmocka_unit_test_setup(test_other_escapes, setup),
        cmocka_unit_test_setup(test_ignored_input, setup),
        cmocka_unit_test_setup(test_no_echo, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
