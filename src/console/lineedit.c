/* SPDX-License-Identifier: 0BSD */
/* The monitor's line editor (see include/frame64/lineedit.h). */
#include <frame64/kstring.h>
#include <frame64/lineedit.h>

enum { ESC_NONE, ESC_START, ESC_SEQUENCE };

#define CTRL_C 0x03
#define CTRL_U 0x15

void lineedit_init(struct lineedit *e, lineedit_echo_fn echo, void *ctx)
{
    memset(e, 0, sizeof(*e));
    e->hist_newest = LINEEDIT_HISTORY - 1;
    e->echo = echo;
    e->ctx = ctx;
}

const char *lineedit_line(const struct lineedit *e)
{
    return e->buf;
}

static void echo(const struct lineedit *e, const char *s, size_t n)
{
    if (e->echo && n)
        e->echo(e->ctx, s, n);
}

/* Takes n characters off the screen, from the end of the line. */
static void erase(const struct lineedit *e, size_t n)
{
    while (n--)
        echo(e, "\b \b", 3);
}

/* Input after a returned line starts the next one. */
static void begin(struct lineedit *e)
{
    if (!e->finished)
        return;
    e->finished = false;
    e->len = e->dropped = 0;
    e->buf[0] = '\0';
}

static enum lineedit_status insert(struct lineedit *e, char c)
{
    if (e->len == LINEEDIT_MAX || e->dropped) {
        e->dropped++;
        return LINEEDIT_EDITING;
    }
    e->buf[e->len++] = c;
    e->buf[e->len] = '\0';
    echo(e, &c, 1);
    return LINEEDIT_EDITING;
}

static enum lineedit_status backspace(struct lineedit *e)
{
    if (e->dropped) {
        e->dropped--;
    } else if (e->len) {
        e->buf[--e->len] = '\0';
        erase(e, 1);
    }
    return LINEEDIT_EDITING;
}

/* Replaces the line, on screen too. */
static void show(struct lineedit *e, const char *s, size_t len, size_t dropped)
{
    erase(e, e->len);
    memmove(e->buf, s, len);
    e->buf[len] = '\0';
    e->len = len;
    e->dropped = dropped;
    echo(e, e->buf, len);
}

static enum lineedit_status clear(struct lineedit *e)
{
    show(e, "", 0, 0);
    e->hist_pos = 0;
    return LINEEDIT_EDITING;
}

static const char *entry(const struct lineedit *e, unsigned n)
{
    return e->history[(e->hist_newest + LINEEDIT_HISTORY - (n - 1)) % LINEEDIT_HISTORY];
}

static void remember(struct lineedit *e)
{
    if (e->len == 0 || (e->hist_count && strcmp(entry(e, 1), e->buf) == 0))
        return;
    e->hist_newest = (e->hist_newest + 1) % LINEEDIT_HISTORY;
    memcpy(e->history[e->hist_newest], e->buf, e->len + 1);
    if (e->hist_count < LINEEDIT_HISTORY)
        e->hist_count++;
}

static enum lineedit_status older(struct lineedit *e)
{
    if (e->hist_pos == e->hist_count)
        return LINEEDIT_EDITING;
    if (e->hist_pos == 0) {
        memcpy(e->draft, e->buf, e->len + 1);
        e->draft_len = e->len;
        e->draft_dropped = e->dropped;
    }
    const char *s = entry(e, ++e->hist_pos);
    show(e, s, strlen(s), 0);
    return LINEEDIT_EDITING;
}

static enum lineedit_status newer(struct lineedit *e)
{
    if (e->hist_pos == 0)
        return LINEEDIT_EDITING;
    if (--e->hist_pos == 0) {
        show(e, e->draft, e->draft_len, e->draft_dropped);
    } else {
        const char *s = entry(e, e->hist_pos);
        show(e, s, strlen(s), 0);
    }
    return LINEEDIT_EDITING;
}

static enum lineedit_status finish(struct lineedit *e)
{
    e->finished = true;
    e->hist_pos = 0;
    echo(e, "\n", 1);
    if (e->dropped)
        return LINEEDIT_TOO_LONG;
    remember(e);
    return LINEEDIT_LINE;
}

enum lineedit_status lineedit_key(struct lineedit *e, const struct kbd_event *ev)
{
    begin(e);
    switch (ev->key) {
    case KBD_ENTER:
        return finish(e);
    case KBD_BACKSPACE:
        return backspace(e);
    case KBD_UP:
        return older(e);
    case KBD_DOWN:
        return newer(e);
    case KBD_CHAR:
        if (ev->ch == CTRL_C || ev->ch == CTRL_U)
            return clear(e);
        if ((uint8_t)ev->ch >= 0x20 && (uint8_t)ev->ch < 0x7f)
            return insert(e, ev->ch);
        return LINEEDIT_EDITING;
    default:
        return LINEEDIT_EDITING;
    }
}

/* Inside ESC [ or ESC O: parameters and intermediates (0x20-0x3F) until a final byte. Return:
 * whether the byte belonged to the sequence (else it counts on its own). */
static bool escape(struct lineedit *e, uint8_t b, enum lineedit_status *st)
{
    *st = LINEEDIT_EDITING;
    if (e->esc == ESC_START) {
        e->esc = (b == '[' || b == 'O') ? ESC_SEQUENCE : ESC_NONE;
        return e->esc == ESC_SEQUENCE; /* a lone ESC is dropped */
    }
    if (b >= 0x20 && b <= 0x3f)
        return true;
    e->esc = ESC_NONE;
    if (b < 0x40 || b > 0x7e)
        return false;
    if (b == 'A')
        *st = older(e);
    else if (b == 'B')
        *st = newer(e);
    return true;
}

enum lineedit_status lineedit_serial(struct lineedit *e, uint8_t b)
{
    enum lineedit_status st;
    begin(e);
    if (e->esc != ESC_NONE && escape(e, b, &st))
        return st;
    bool after_cr = e->after_cr;
    e->after_cr = false;
    switch (b) {
    case '\r':
        e->after_cr = true;
        return finish(e);
    case '\n':
        return after_cr ? LINEEDIT_EDITING : finish(e);
    case 0x00: /* CR NUL (telnet) is one line end, like CR LF */
        e->after_cr = after_cr;
        return LINEEDIT_EDITING;
    case 0x08:
    case 0x7f:
        return backspace(e);
    case CTRL_C:
    case CTRL_U:
        return clear(e);
    case 0x1b:
        e->esc = ESC_START;
        return LINEEDIT_EDITING;
    default:
        break;
    }
    if (b >= 0x20 && b < 0x7f)
        return insert(e, (char)b);
    return LINEEDIT_EDITING;
}
