/* SPDX-License-Identifier: 0BSD */
/* The scancode set 1 decoder (see include/frame64/kbd.h): tables for the US layout and a small
 * state machine for the 0xE0 and 0xE1 prefixes. */
#include <frame64/kbd.h>

#define HELD_LSHIFT 0x01
#define HELD_RSHIFT 0x02
#define HELD_LCTRL  0x04
#define HELD_RCTRL  0x08
#define HELD_LALT   0x10
#define HELD_RALT   0x20
#define HELD_CAPS   0x40 /* the lock keys, so a held key's repeats do not toggle again */
#define HELD_NUM    0x80

#define SC_ESC       0x01
#define SC_BACKSPACE 0x0e
#define SC_TAB       0x0f
#define SC_ENTER     0x1c
#define SC_CTRL      0x1d
#define SC_LSHIFT    0x2a
#define SC_RSHIFT    0x36
#define SC_ALT       0x38
#define SC_CAPS      0x3a
#define SC_F1        0x3b
#define SC_F10       0x44
#define SC_NUM       0x45
#define SC_KP7       0x47 /* the keypad block 0x47..0x53 */
#define SC_KPDOT     0x53
#define SC_F11       0x57
#define SC_F12       0x58
#define SC_SLASH     0x35 /* with 0xE0: keypad '/' */

/* Codes 0x00..0x39: what each types without and with Shift (0: not a character key). Adjacent
 * literals keep "\0" from merging with a following digit. */
static const char plain[0x3a] = "\0\0"
                                "1234567890-="
                                "\0\0"
                                "qwertyuiop[]"
                                "\0\0"
                                "asdfghjkl;'`"
                                "\0"
                                "\\zxcvbnm,./"
                                "\0*\0 ";
static const char shifted[0x3a] = "\0\0"
                                  "!@#$%^&*()_+"
                                  "\0\0"
                                  "QWERTYUIOP{}"
                                  "\0\0"
                                  "ASDFGHJKL:\"~"
                                  "\0"
                                  "|ZXCVBNM<>?"
                                  "\0*\0 ";

/* The keypad 0x47..0x53 with Num Lock on (characters) and off (keys; '-' and '+' stay
 * characters, 5 does nothing). */
static const char keypad_digits[] = "789-456+1230.";
static const uint8_t keypad_keys[] = {
    KBD_HOME, KBD_UP,  KBD_PAGE_UP, KBD_CHAR,      KBD_LEFT,   KBD_NONE,   KBD_RIGHT,
    KBD_CHAR, KBD_END, KBD_DOWN,    KBD_PAGE_DOWN, KBD_INSERT, KBD_DELETE,
};

void kbd_init(struct kbd *k)
{
    k->held = 0;
    k->locks = 0;
    k->e0 = false;
    k->e1_skip = 0;
}

uint8_t kbd_mods(const struct kbd *k)
{
    uint8_t m = k->locks;
    if (k->held & (HELD_LSHIFT | HELD_RSHIFT))
        m |= KBD_MOD_SHIFT;
    if (k->held & (HELD_LCTRL | HELD_RCTRL))
        m |= KBD_MOD_CTRL;
    if (k->held & (HELD_LALT | HELD_RALT))
        m |= KBD_MOD_ALT;
    return m;
}

static void hold(struct kbd *k, uint8_t bit, bool release)
{
    if (release)
        k->held &= (uint8_t)~bit;
    else
        k->held |= bit;
}

/* A lock key toggles when it goes down, not on the keyboard's repeats while it is held. */
static void lock(struct kbd *k, uint8_t held_bit, uint8_t lock_bit, bool release)
{
    if (!release && !(k->held & held_bit))
        k->locks ^= lock_bit;
    hold(k, held_bit, release);
}

/* Tracks the modifier and lock keys. Return: whether code was one (or a fake shift). */
static bool modifier(struct kbd *k, bool e0, uint8_t code, bool release)
{
    switch (code) {
    case SC_LSHIFT:
    case SC_RSHIFT:
        /* With 0xE0 these are the fake shifts around the grey keys: not the user's Shift. */
        if (!e0)
            hold(k, code == SC_LSHIFT ? HELD_LSHIFT : HELD_RSHIFT, release);
        return true;
    case SC_CTRL:
        hold(k, e0 ? HELD_RCTRL : HELD_LCTRL, release);
        return true;
    case SC_ALT:
        hold(k, e0 ? HELD_RALT : HELD_LALT, release);
        return true;
    case SC_CAPS:
        if (e0)
            return false;
        lock(k, HELD_CAPS, KBD_MOD_CAPS, release);
        return true;
    case SC_NUM:
        if (e0)
            return false;
        lock(k, HELD_NUM, KBD_MOD_NUM, release);
        return true;
    default:
        return false;
    }
}

static bool emit(const struct kbd *k, struct kbd_event *ev, uint8_t key, char ch)
{
    if (key == KBD_NONE)
        return false;
    ev->key = key;
    ev->ch = ch;
    ev->mods = kbd_mods(k);
    return true;
}

static bool decode_char(const struct kbd *k, uint8_t code, struct kbd_event *ev)
{
    uint8_t mods = kbd_mods(k);
    char c = plain[code];
    bool letter = c >= 'a' && c <= 'z';
    if (letter) {
        bool upper = !!(mods & KBD_MOD_SHIFT) != !!(mods & KBD_MOD_CAPS);
        if (mods & KBD_MOD_CTRL)
            c = (char)(c & 0x1f);
        else if (upper)
            c = (char)(c - 'a' + 'A');
    } else if (mods & KBD_MOD_SHIFT) {
        c = shifted[code];
    }
    return emit(k, ev, KBD_CHAR, c);
}

static bool decode_plain(const struct kbd *k, uint8_t code, struct kbd_event *ev)
{
    switch (code) {
    case SC_ESC:
        return emit(k, ev, KBD_ESCAPE, 0x1b);
    case SC_BACKSPACE:
        return emit(k, ev, KBD_BACKSPACE, '\b');
    case SC_TAB:
        return emit(k, ev, KBD_TAB, '\t');
    case SC_ENTER:
        return emit(k, ev, KBD_ENTER, '\n');
    case SC_F11:
        return emit(k, ev, KBD_F1 + 10, 0);
    case SC_F12:
        return emit(k, ev, KBD_F12, 0);
    default:
        break;
    }
    if (code < sizeof(plain) && plain[code])
        return decode_char(k, code, ev);
    if (code >= SC_F1 && code <= SC_F10)
        return emit(k, ev, (uint8_t)(KBD_F1 + code - SC_F1), 0);
    if (code >= SC_KP7 && code <= SC_KPDOT) {
        unsigned i = code - SC_KP7;
        if (k->locks & KBD_MOD_NUM)
            return emit(k, ev, KBD_CHAR, keypad_digits[i]);
        return emit(k, ev, keypad_keys[i], keypad_keys[i] == KBD_CHAR ? keypad_digits[i] : 0);
    }
    return false;
}

/* 0xE0-prefixed: the grey editing and arrow keys, keypad Enter and '/'. */
static bool decode_e0(const struct kbd *k, uint8_t code, struct kbd_event *ev)
{
    switch (code) {
    case SC_ENTER:
        return emit(k, ev, KBD_ENTER, '\n');
    case SC_SLASH:
        return emit(k, ev, KBD_CHAR, '/');
    case 0x47:
    case 0x48:
    case 0x49:
    case 0x4b:
    case 0x4d:
    case 0x4f:
    case 0x50:
    case 0x51:
    case 0x52:
    case 0x53:
        return emit(k, ev, keypad_keys[code - SC_KP7], 0);
    default:
        return false; /* Print Screen, the Windows and menu keys, multimedia keys */
    }
}

bool kbd_feed(struct kbd *k, uint8_t byte, struct kbd_event *ev)
{
    if (k->e1_skip) {
        k->e1_skip--;
        return false;
    }
    switch (byte) {
    case 0xe0:
        k->e0 = true;
        return false;
    case 0xe1: /* Pause: E1 1D 45 E1 9D C5, all at once on press, nothing on release */
        k->e0 = false;
        k->e1_skip = 2;
        return false;
    case 0x00: /* key detection error or buffer overrun */
    case 0xff:
    case 0xee: /* echo reply */
    case 0xfa: /* ACK */
    case 0xfc: /* self-test failed */
    case 0xfd:
    case 0xfe: /* resend */
        return false;
    default:
        break;
    }
    bool e0 = k->e0, release = byte & 0x80;
    uint8_t code = byte & 0x7f;
    k->e0 = false;
    if (modifier(k, e0, code, release) || release)
        return false;
    return e0 ? decode_e0(k, code, ev) : decode_plain(k, code, ev);
}
