/* SPDX-License-Identifier: 0BSD */
/*
 * The scancode set 1 decoder, fed byte streams as the i8042 delivers them: make codes, break
 * codes (make | 0x80), the 0xE0 and 0xE1 prefixes and controller replies.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/kbd.h>

static struct kbd kb;

static int setup(void **state)
{
    (void)state;
    kbd_init(&kb);
    return 0;
}

/* Feeds bytes[0, n) and collects the events' characters (or '#' + key for non-characters) into
 * out, NUL-terminated. Return: the number of events. */
static int feed(const uint8_t *bytes, size_t n, char *out, struct kbd_event *last)
{
    int events = 0;
    for (size_t i = 0; i < n; i++) {
        struct kbd_event ev;
        if (!kbd_feed(&kb, bytes[i], &ev))
            continue;
        if (last)
            *last = ev;
        *out++ = ev.key == KBD_CHAR ? ev.ch : (char)('#' + ev.key);
        events++;
    }
    *out = '\0';
    return events;
}

#define FEED(out, last, ...)                                                                       \
    feed((const uint8_t[]){__VA_ARGS__}, sizeof((const uint8_t[]){__VA_ARGS__}), out, last)

/* Every character key of the US layout, pressed and released, unshifted and with Left Shift. */
static void test_us_layout(void **state)
{
    (void)state;
    static const char plain[] = "1234567890-=qwertyuiop[]asdfghjkl;'`\\zxcvbnm,./ *";
    static const char shifted[] = "!@#$%^&*()_+QWERTYUIOP{}ASDFGHJKL:\"~|ZXCVBNM<>? *";
    static const uint8_t codes[] = {0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b,
                                    0x0c, 0x0d, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
                                    0x18, 0x19, 0x1a, 0x1b, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23,
                                    0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2b, 0x2c, 0x2d, 0x2e,
                                    0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x39, 0x37};
    char out[8];
    struct kbd_event ev;
    for (size_t i = 0; i < sizeof(codes); i++) {
        assert_int_equal(FEED(out, &ev, codes[i], codes[i] | 0x80), 1);
        assert_int_equal(ev.key, KBD_CHAR);
        assert_int_equal(ev.mods, 0);
        assert_int_equal(out[0], plain[i]);
        assert_int_equal(FEED(out, &ev, 0x2a, codes[i], codes[i] | 0x80, 0xaa), 1);
        assert_int_equal(out[0], shifted[i]);
        assert_int_equal(ev.mods, KBD_MOD_SHIFT);
    }
}

/*
 * Both Shifts: "a", RShift "A", LShift+RShift then release RShift: still "A", release LShift:
 * "a". Caps Lock toggles on press only (its repeats do not toggle again), makes letters
 * capitals but not digits, and Shift inverts it back.
 */
static void test_shift_and_caps(void **state)
{
    (void)state;
    char out[16];
    FEED(out, NULL, 0x1e, 0x36, 0x1e, 0x2a, 0xb6, 0x1e, 0xaa, 0x1e);
    assert_string_equal(out, "aAAa");
    struct kbd_event ev;
    FEED(out, &ev, 0x3a, 0x3a, 0xba, 0x1e, 0x02); /* press, repeat, release */
    assert_string_equal(out, "A1");
    assert_int_equal(ev.mods, KBD_MOD_CAPS);
    FEED(out, NULL, 0x2a, 0x1e, 0x02, 0xaa);
    assert_string_equal(out, "a!");
    FEED(out, NULL, 0x3a, 0xba, 0x1e);
    assert_string_equal(out, "a");
}

/* Ctrl+letter gives the control code with Left Ctrl and with Right Ctrl (E0 1D), also with Shift
 * or Caps Lock; after release (E0 9D) letters are plain again. Ctrl+digit types the digit. */
static void test_ctrl(void **state)
{
    (void)state;
    char out[16];
    struct kbd_event ev;
    FEED(out, &ev, 0x1d, 0x2e, 0x16, 0x9d, 0x2e);
    assert_string_equal(out, "\x03\x15"
                             "c");
    FEED(out, &ev, 0xe0, 0x1d, 0x2e);
    assert_string_equal(out, "\x03");
    assert_int_equal(ev.mods, KBD_MOD_CTRL);
    FEED(out, NULL, 0x2a, 0x2e, 0xaa, 0x3a, 0xba, 0x2e, 0x3a, 0xba, 0x02, 0xe0, 0x9d, 0x2e);
    assert_string_equal(out, "\x03\x03"
                             "1c");
}

/* Backspace, Tab, Enter (main and keypad E0 1C), Escape and the function keys give their keys,
 * with the ASCII they stand for. */
static void test_special_keys(void **state)
{
    (void)state;
    static const struct {
        uint8_t bytes[2];
        size_t n;
        uint8_t key;
        char ch;
    } keys[] = {
        {{0x0e}, 1, KBD_BACKSPACE, '\b'}, {{0x0f}, 1, KBD_TAB, '\t'},
        {{0x1c}, 1, KBD_ENTER, '\n'},     {{0xe0, 0x1c}, 2, KBD_ENTER, '\n'},
        {{0x01}, 1, KBD_ESCAPE, 0x1b},    {{0x3b}, 1, KBD_F1, 0},
        {{0x44}, 1, KBD_F1 + 9, 0},       {{0x57}, 1, KBD_F1 + 10, 0},
        {{0x58}, 1, KBD_F12, 0},          {{0xe0, 0x35}, 2, KBD_CHAR, '/'},
    };
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char out[4];
        struct kbd_event ev;
        assert_int_equal(feed(keys[i].bytes, keys[i].n, out, &ev), 1);
        assert_int_equal(ev.key, keys[i].key);
        assert_int_equal(ev.ch, keys[i].ch);
    }
}

/*
 * Arrows and editing keys: E0-prefixed (the grey keys), and the keypad's plain codes with Num
 * Lock off; with Num Lock on the keypad types "789-456+1230." and E0 arrows stay arrows.
 */
static void test_arrows_and_keypad(void **state)
{
    (void)state;
    char out[32];
    const char arrows[] = {'#' + KBD_UP, '#' + KBD_DOWN, '#' + KBD_LEFT, '#' + KBD_RIGHT, 0};
    FEED(out, NULL, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0x4b, 0xe0, 0x4d);
    assert_string_equal(out, arrows);
    FEED(out, NULL, 0x48, 0xc8, 0x50, 0x4b, 0x4d, 0x4c);
    assert_string_equal(out, arrows); /* keypad 5 gives nothing */
    const char edit[] = {'#' + KBD_HOME,
                         '#' + KBD_END,
                         '#' + KBD_PAGE_UP,
                         '#' + KBD_PAGE_DOWN,
                         '#' + KBD_INSERT,
                         '#' + KBD_DELETE,
                         0};
    FEED(out, NULL, 0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x49, 0xe0, 0x51, 0xe0, 0x52, 0xe0, 0x53);
    assert_string_equal(out, edit);
    FEED(out, NULL, 0x47, 0x4f, 0x49, 0x51, 0x52, 0x53, 0x4a, 0x4e);
    const char keypad_off[] = {'#' + KBD_HOME,
                               '#' + KBD_END,
                               '#' + KBD_PAGE_UP,
                               '#' + KBD_PAGE_DOWN,
                               '#' + KBD_INSERT,
                               '#' + KBD_DELETE,
                               '-',
                               '+',
                               0};
    assert_string_equal(out, keypad_off);
    FEED(out, NULL, 0x45, 0xc5, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e, 0x4f, 0x50, 0x51,
         0x52, 0x53, 0xe0, 0x48);
    const char keypad_on[] = {'7', '8', '9', '-', '4', '5',          '6', '+',
                              '1', '2', '3', '0', '.', '#' + KBD_UP, 0};
    assert_string_equal(out, keypad_on);
    assert_int_equal(kbd_mods(&kb), KBD_MOD_NUM);
}

/*
 * No key from: releases alone, Pause (E1 1D 45 E1 9D C5, whose 1D and 45 must not turn on Ctrl
 * or Num Lock), the fake shifts of Print Screen (E0 2A E0 37 ... E0 B7 E0 AA, which must not
 * shift the next letter), controller replies FA FE EE 00 FF FC FD AA, unknown codes.
 * Each is followed by 'a', which must come out plain.
 */
static void test_ignored(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(FEED(out, NULL, 0x9e, 0xb0, 0x1e), 1);
    assert_string_equal(out, "a");
    assert_int_equal(FEED(out, NULL, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, 0x1e), 1);
    assert_string_equal(out, "a");
    assert_int_equal(kbd_mods(&kb), 0);
    assert_int_equal(FEED(out, NULL, 0xe0, 0x2a, 0xe0, 0x37, 0x1e, 0xe0, 0xb7, 0xe0, 0xaa), 1);
    assert_string_equal(out, "a");
    assert_int_equal(
        FEED(out, NULL, 0xfa, 0xfe, 0xee, 0x00, 0xff, 0xfc, 0xfd, 0xaa, 0x1e, 0x59, 0xe0, 0x5b), 1);
    assert_string_equal(out, "a");
    /* A reply between Shift's press and a letter does not lose the Shift. */
    FEED(out, NULL, 0x2a, 0xfa, 0x1e, 0xaa);
    assert_string_equal(out, "A");
}

/* A held key repeats (the keyboard resends its make code): one event per make code. */
static void test_repeat(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(FEED(out, NULL, 0x1f, 0x1f, 0x1f, 0x9f), 3);
    assert_string_equal(out, "sss");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_us_layout, setup),
        cmocka_unit_test_setup(test_shift_and_caps, setup),
        cmocka_unit_test_setup(test_ctrl, setup),
        cmocka_unit_test_setup(test_special_keys, setup),
        cmocka_unit_test_setup(test_arrows_and_keypad, setup),
        cmocka_unit_test_setup(test_ignored, setup),
        cmocka_unit_test_setup(test_repeat, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
