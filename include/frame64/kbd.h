/* SPDX-License-Identifier: 0BSD */
/*
 * PS/2 keyboard decoding (pure): scancode set 1, as the i8042 delivers it with translation on,
 * US layout. Feed every byte read from the data port; key presses (and the keyboard's repeats of
 * a held key) come out as events, releases only update the modifier state.
 *
 *   struct kbd kb;
 *   struct kbd_event ev;
 *   kbd_init(&kb);
 *   ...  if (kbd_feed(&kb, inb(0x60), &ev)) line_edit_key(&le, &ev);
 *
 * Decoded: letters, digits, punctuation, space; Shift (both), Caps Lock (toggles on press, affects
 * letters only), Ctrl (left, and right via 0xE0; Ctrl+letter types the control code, e.g.
 * Ctrl+C = 0x03), Alt (state only), Backspace, Enter (both), Tab, Escape, F1-F12, the arrow and
 * editing keys (0xE0-prefixed, and the keypad's unprefixed codes while Num Lock is off, as some
 * USB legacy emulations send them; with Num Lock on the keypad types digits). Ignored without an
 * event: break codes (bit 7), the 0xE1 Pause sequence, the 0xE0 0x2A/0xB6... "fake shifts" around
 * the grey keys, and controller or keyboard replies (0xFA ACK, 0xFE resend, 0xEE echo, 0x00/0xFF
 * errors, 0xFC/0xFD self-test failure). 0xAA (self-test passed) is also Left Shift's break code:
 * it releases Left Shift, which after a keyboard reset is right anyway.
 */
#ifndef FRAME64_KBD_H
#define FRAME64_KBD_H

#include <frame64/types.h>

enum kbd_key {
    KBD_NONE,
    KBD_CHAR,      /* ch is the character typed (control codes with Ctrl) */
    KBD_ENTER,     /* ch '\n' */
    KBD_BACKSPACE, /* ch '\b' */
    KBD_TAB,       /* ch '\t' */
    KBD_ESCAPE,    /* ch 0x1b */
    KBD_UP,        /* ch 0 from here on */
    KBD_DOWN,
    KBD_LEFT,
    KBD_RIGHT,
    KBD_HOME,
    KBD_END,
    KBD_PAGE_UP,
    KBD_PAGE_DOWN,
    KBD_INSERT,
    KBD_DELETE,
    KBD_F1, /* KBD_F1 + n - 1 is Fn, up to KBD_F12 */
    KBD_F12 = KBD_F1 + 11,
};

/* Modifier state, in kbd_event.mods. */
#define KBD_MOD_SHIFT 0x01
#define KBD_MOD_CTRL  0x02
#define KBD_MOD_ALT   0x04
#define KBD_MOD_CAPS  0x08 /* Caps Lock is on */
#define KBD_MOD_NUM   0x10 /* Num Lock is on */

struct kbd_event {
    uint8_t key;  /* enum kbd_key */
    char ch;      /* the ASCII the key types, 0 if none */
    uint8_t mods; /* KBD_MOD_* when the key went down */
};

struct kbd {
    uint8_t held;    /* modifier keys down (kbd.c's HELD_* bits) */
    uint8_t locks;   /* KBD_MOD_CAPS | KBD_MOD_NUM toggles */
    bool e0;         /* the previous byte was the 0xE0 prefix */
    uint8_t e1_skip; /* bytes of a 0xE1 (Pause) sequence still to swallow */
};

/* Starts with no key down and Caps Lock and Num Lock off. */
void kbd_init(struct kbd *k);

/*
 * Decodes one byte from the keyboard.
 * Return: true when a key press completed: *ev describes it. False for prefixes, releases,
 * modifiers, replies and unknown codes (*ev untouched).
 */
bool kbd_feed(struct kbd *k, uint8_t byte, struct kbd_event *ev);

/* The KBD_MOD_* bits now (e.g. for a status line). */
uint8_t kbd_mods(const struct kbd *k);

#endif
