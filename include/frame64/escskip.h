/* SPDX-License-Identifier: 0BSD */
/*
 * Terminal escape sequences, skipped by the screens (pure, header only). The VGA text screen and
 * the framebuffer console draw text and nothing else, so what a shell sends for a terminal must
 * draw nothing there rather than its printable tail: busybox asks for the cursor position with
 * ESC [ 6 n at every prompt, which showed as "[6n" before the command. COM1 still gets every
 * byte: the terminal at its far end acts on them.
 *   ESC [ parameters, intermediates, final byte (0x40-0x7E)   a CSI sequence, skipped whole
 *   ESC and one more byte                                      any other sequence, skipped whole
 * A control character inside a sequence is carried out, as a terminal does (a newline is still a
 * newline); CAN and SUB end the sequence; ESC starts a new one.
 */
#ifndef FRAME64_ESCSKIP_H
#define FRAME64_ESCSKIP_H

#include <frame64/types.h>

enum { ESCSKIP_NONE, ESCSKIP_ESC, ESCSKIP_CSI };

struct escskip {
    uint8_t state; /* zero (ESCSKIP_NONE): outside a sequence */
};

/* Return: whether ch belongs to an escape sequence, and so draws nothing. */
static inline bool escskip(struct escskip *e, uint8_t ch)
{
    if (ch == 0x1b) {
        e->state = ESCSKIP_ESC;
        return true;
    }
    if (e->state == ESCSKIP_NONE)
        return false;
    if (ch == 0x18 || ch == 0x1a) { /* CAN, SUB */
        e->state = ESCSKIP_NONE;
        return true;
    }
    if (ch < 0x20)
        return false;
    if (e->state == ESCSKIP_ESC)
        e->state = ch == '[' ? ESCSKIP_CSI : ESCSKIP_NONE;
    else if (ch >= 0x40 && ch <= 0x7e)
        e->state = ESCSKIP_NONE;
    return true;
}

#endif
