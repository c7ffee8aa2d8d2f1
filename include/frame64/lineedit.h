/* SPDX-License-Identifier: 0BSD */
/*
 * A line editor for the monitor (pure), fed by both the keyboard (kbd_event) and serial bytes,
 * echoing through a callback (the kernel echoes to serial and screen; '\n' means "new line", as
 * for kprintf()).
 *
 *   static struct lineedit le;
 *   lineedit_init(&le, echo_to_consoles, NULL);
 *   ... enum lineedit_status s = lineedit_serial(&le, byte);   (or lineedit_key(&le, &ev))
 *   if (s == LINEEDIT_LINE)
 *       run(lineedit_line(&le));
 *   else if (s == LINEEDIT_TOO_LONG)
 *       kprintf("That line is longer than %d characters; it was ignored.\n", LINEEDIT_MAX);
 *
 * Editing happens at the end of the line: printable characters append; Backspace (the key,
 * 0x08 or 0x7F from serial) deletes, echoing "\b \b"; Ctrl-C and Ctrl-U clear the line (erasing
 * it on screen). A line ends with the Enter key or, from serial, CR, LF or CRLF (CRLF counts
 * once; so does CR NUL). Up/Down (keys, or serial ESC [ A / ESC [ B / ESC O A / ESC O B) walk
 * the last LINEEDIT_HISTORY non-empty lines, redrawing the line; Down past the newest brings
 * back what was being typed. Other escape sequences (ESC [ 3 ~, ESC [ C...) are swallowed whole.
 * Characters past LINEEDIT_MAX are neither stored nor echoed, and Enter then refuses the whole
 * line (a truncated command could do something else); Backspace first takes back the
 * characters that did not fit.
 */
#ifndef FRAME64_LINEEDIT_H
#define FRAME64_LINEEDIT_H

#include <frame64/kbd.h>
#include <frame64/types.h>

#define LINEEDIT_MAX     127 /* characters in one line */
#define LINEEDIT_HISTORY 8   /* lines Up can bring back */

typedef void (*lineedit_echo_fn)(void *ctx, const char *s, size_t n);

enum lineedit_status {
    LINEEDIT_EDITING,  /* nothing for the caller yet */
    LINEEDIT_LINE,     /* a line is complete: lineedit_line() */
    LINEEDIT_TOO_LONG, /* a line longer than LINEEDIT_MAX ended: it was dropped */
};

struct lineedit {
    char buf[LINEEDIT_MAX + 1]; /* the line, NUL-terminated */
    size_t len;
    size_t dropped; /* characters typed past LINEEDIT_MAX */
    bool finished;  /* buf holds the line last returned; the next input starts a new one */
    bool after_cr;  /* serial: a CR just ended a line, so an LF now is its other half */
    uint8_t esc;    /* serial escape-sequence state */
    char history[LINEEDIT_HISTORY][LINEEDIT_MAX + 1];
    unsigned hist_count;          /* entries in use */
    unsigned hist_newest;         /* slot of the newest entry */
    unsigned hist_pos;            /* 0: the line being typed; n: the n-th newest entry is shown */
    char draft[LINEEDIT_MAX + 1]; /* the line being typed, while the history is shown */
    size_t draft_len, draft_dropped;
    lineedit_echo_fn echo; /* NULL: no echo */
    void *ctx;
};

void lineedit_init(struct lineedit *e, lineedit_echo_fn echo, void *ctx);

/* One key press from the keyboard decoder. */
enum lineedit_status lineedit_key(struct lineedit *e, const struct kbd_event *ev);

/* One byte received on the serial line. */
enum lineedit_status lineedit_serial(struct lineedit *e, uint8_t byte);

/* The line completed by the last LINEEDIT_LINE (valid until the next input; "" for an empty line).
 */
const char *lineedit_line(const struct lineedit *e);

#endif
