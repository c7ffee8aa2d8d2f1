/* SPDX-License-Identifier: 0BSD */
/*
 * The line discipline (include/frame64/ldisc.h). Typed bytes become readable in q; in canonical
 * mode only when their line ends, each end remembered in ends[] so a read stops there (and an
 * end of file on an empty line reads as 0). A full queue drops what is typed, as a terminal
 * whose reader does not read must.
 */
#include <frame64/kstring.h>
#include <frame64/ldisc.h>

#define SIGINT  2
#define SIGQUIT 3
#define SIGTSTP 20

void ldisc_init(struct ldisc *ld, const struct ldisc_ops *ops, void *ctx)
{
    memset(ld, 0, sizeof(*ld));
    ld->ops = ops;
    ld->ctx = ctx;
    ld->t.c_iflag = ICRNL | IXON | IUTF8;
    ld->t.c_oflag = OPOST | ONLCR;
    ld->t.c_cflag = 0000277; /* B38400 | CS8 | CREAD */
    ld->t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    static const uint8_t cc[LDISC_NCCS] = {3,    0x1c, 0x7f, 0x15, 4,    0,    1,    0, 0x11,
                                           0x13, 0x1a, 0,    0x12, 0x0f, 0x17, 0x16, 0};
    memcpy(ld->t.c_cc, cc, sizeof(cc));
}

static void echo(struct ldisc *ld, const char *s, size_t n)
{
    if (ld->ops && ld->ops->echo)
        ld->ops->echo(ld->ctx, s, n);
}

/* Echoes c as typed: a control character as ^X under ECHOCTL (but tab and newline). */
static void echo_char(struct ldisc *ld, uint8_t c)
{
    if (!(ld->t.c_lflag & ECHO))
        return;
    if ((ld->t.c_lflag & ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' && c != '\n') {
        char s[2] = {'^', (char)(c == 0x7f ? '?' : c + '@')};
        echo(ld, s, 2);
    } else {
        char s = (char)c;
        echo(ld, &s, 1);
    }
}

/* How many columns c took on the screen when it was echoed. */
static size_t width(const struct ldisc *ld, uint8_t c)
{
    return (ld->t.c_lflag & ECHOCTL) && (c < 0x20 || c == 0x7f) && c != '\t' ? 2 : 1;
}

static bool push(struct ldisc *ld, uint8_t c)
{
    if (ld->head - ld->tail == LDISC_QUEUE)
        return false;
    ld->q[ld->head++ % LDISC_QUEUE] = c;
    return true;
}

/* The edited line (and c, a newline, unless 0) becomes readable. */
static void commit(struct ldisc *ld, uint8_t c)
{
    if (ld->nends == LDISC_ENDS || LDISC_QUEUE - (ld->head - ld->tail) < ld->line_len + 1)
        return; /* no room: the line is lost, as typed-ahead bytes past a full buffer are */
    for (size_t i = 0; i < ld->line_len; i++)
        push(ld, (uint8_t)ld->line[i]);
    if (c)
        push(ld, c);
    ld->ends[(ld->first_end + ld->nends++) % LDISC_ENDS] = ld->head;
    ld->line_len = 0;
}

static void erase(struct ldisc *ld, size_t count)
{
    while (count-- && ld->line_len) {
        uint8_t c = (uint8_t)ld->line[--ld->line_len];
        if ((ld->t.c_lflag & (ECHO | ECHOE)) == (ECHO | ECHOE))
            for (size_t w = width(ld, c); w; w--)
                echo(ld, "\b \b", 3);
    }
}

void ldisc_input(struct ldisc *ld, uint8_t c)
{
    const uint8_t *cc = ld->t.c_cc;
    uint32_t lf = ld->t.c_lflag;
    if (c == '\r' && (ld->t.c_iflag & IGNCR))
        return;
    if (c == '\r' && (ld->t.c_iflag & ICRNL))
        c = '\n';
    else if (c == '\n' && (ld->t.c_iflag & INLCR))
        c = '\r';
    if ((lf & ISIG) && c && (c == cc[VINTR] || c == cc[VQUIT] || c == cc[VSUSP])) {
        int sig = c == cc[VINTR] ? SIGINT : c == cc[VQUIT] ? SIGQUIT : SIGTSTP;
        if (!(lf & NOFLSH))
            ldisc_flush(ld);
        echo_char(ld, c);
        if (ld->ops && ld->ops->signal)
            ld->ops->signal(ld->ctx, sig);
        return;
    }
    if (!(lf & ICANON)) {
        if (push(ld, c))
            echo_char(ld, c);
        return;
    }
    if (c && c == cc[VERASE]) {
        erase(ld, 1);
    } else if (c && c == cc[VKILL]) {
        erase(ld, ld->line_len);
    } else if (c && c == cc[VWERASE] && (lf & IEXTEN)) {
        size_t n = ld->line_len, k = n;
        while (k && ld->line[k - 1] == ' ')
            k--;
        while (k && ld->line[k - 1] != ' ')
            k--;
        erase(ld, n - k);
    } else if (c && c == cc[VEOF]) {
        commit(ld, 0);
    } else if (c == '\n' || (c && (c == cc[VEOL] || c == cc[VEOL2]))) {
        if ((lf & ECHO) || (c == '\n' && (lf & ECHONL)))
            echo(ld, "\n", 1);
        commit(ld, c);
    } else if (ld->line_len < LDISC_LINE - 1) {
        ld->line[ld->line_len++] = (char)c;
        echo_char(ld, c);
    }
}

bool ldisc_readable(const struct ldisc *ld)
{
    if (ld->t.c_lflag & ICANON)
        return ld->nends > 0;
    return ld->head != ld->tail;
}

size_t ldisc_pending(const struct ldisc *ld)
{
    return (size_t)(ld->head - ld->tail);
}

size_t ldisc_read(struct ldisc *ld, char *buf, size_t n)
{
    uint64_t limit = ld->head;
    bool canon = ld->t.c_lflag & ICANON;
    if (canon) {
        if (!ld->nends)
            return 0;
        limit = ld->ends[ld->first_end];
    }
    size_t got = 0;
    while (got < n && ld->tail < limit)
        buf[got++] = (char)ld->q[ld->tail++ % LDISC_QUEUE];
    if (canon && ld->tail == limit) {
        ld->first_end = (ld->first_end + 1) % LDISC_ENDS;
        ld->nends--;
    }
    return got;
}

void ldisc_set(struct ldisc *ld, const struct ktermios *t, bool flush)
{
    bool was_canon = ld->t.c_lflag & ICANON;
    ld->t = *t;
    if (flush)
        ldisc_flush(ld);
    bool canon = ld->t.c_lflag & ICANON;
    if (was_canon && !canon) {
        /* The line being edited becomes readable bytes; line ends no longer matter. */
        for (size_t i = 0; i < ld->line_len; i++)
            push(ld, (uint8_t)ld->line[i]);
        ld->line_len = 0;
        ld->nends = 0;
    } else if (!was_canon && canon && ld->head != ld->tail) {
        /* Raw bytes still unread: readable as one line, as Linux lets them be read at once. */
        ld->ends[ld->first_end] = ld->head;
        ld->nends = 1;
    }
}

void ldisc_flush(struct ldisc *ld)
{
    ld->tail = ld->head;
    ld->nends = 0;
    ld->line_len = 0;
}

size_t ldisc_output(const struct ldisc *ld, const char *s, size_t n, char *out)
{
    bool crlf = (ld->t.c_oflag & (OPOST | ONLCR)) == (OPOST | ONLCR);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (crlf && s[i] == '\n')
            out[k++] = '\r';
        out[k++] = s[i];
    }
    return k;
}
