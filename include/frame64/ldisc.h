/* SPDX-License-Identifier: 0BSD */
/*
 * A terminal's line discipline (src/console/ldisc.c, pure), Linux's N_TTY in small: the termios
 * settings a program reads and sets with TCGETS/TCSETS, and what happens to each byte typed.
 * Canonical mode (ICANON) edits a line (erase, kill, word erase, end of file) and hands it to
 * readers whole when Enter ends it; raw mode hands every byte on at once. ECHO shows what is typed
 * (control characters as ^X with ECHOCTL); ISIG turns Ctrl-C, Ctrl-\ and Ctrl-Z into signals for
 * the foreground process group; ICRNL makes the Enter key's CR a newline; OPOST|ONLCR makes a
 * newline CR LF on the way out. The caller serialises; echo and signals go through callbacks.
 */
#ifndef FRAME64_LDISC_H
#define FRAME64_LDISC_H

#include <frame64/types.h>

/* Linux's termios (asm-generic/termbits.h: the kernel's struct, NCCS 19). */
#define LDISC_NCCS 19
struct ktermios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[LDISC_NCCS];
};

/* c_cc indices */
enum {
    VINTR,
    VQUIT,
    VERASE,
    VKILL,
    VEOF,
    VTIME,
    VMIN,
    VSWTC,
    VSTART,
    VSTOP,
    VSUSP,
    VEOL,
    VREPRINT,
    VDISCARD,
    VWERASE,
    VLNEXT,
    VEOL2
};
/* c_iflag */
#define IGNCR 0000200u
#define ICRNL 0000400u
#define INLCR 0000100u
#define IXON  0002000u
#define IUTF8 0040000u
/* c_oflag */
#define OPOST 0000001u
#define ONLCR 0000004u
/* c_lflag */
#define ISIG    0000001u
#define ICANON  0000002u
#define ECHO    0000010u
#define ECHOE   0000020u
#define ECHOK   0000040u
#define ECHONL  0000100u
#define NOFLSH  0000200u
#define ECHOCTL 0001000u
#define ECHOKE  0004000u
#define IEXTEN  0100000u

#define LDISC_LINE  4096 /* a canonical line, its newline included (Linux's N_TTY_BUF_SIZE) */
#define LDISC_QUEUE 8192 /* bytes typed and not yet read */
#define LDISC_ENDS  64   /* lines (or ends of file) waiting */

struct ldisc_ops {
    void (*echo)(void *ctx, const char *s, size_t n); /* shows what was typed */
    void (*signal)(void *ctx, int sig);               /* ISIG: for the foreground group */
};

struct ldisc {
    struct ktermios t;
    const struct ldisc_ops *ops;
    void *ctx;
    char line[LDISC_LINE]; /* the canonical line being edited */
    size_t line_len;
    uint8_t q[LDISC_QUEUE]; /* bytes ready for reading: [tail, head) */
    uint64_t head, tail;
    uint64_t ends[LDISC_ENDS]; /* canonical: where each complete line ends in q */
    unsigned nends, first_end;
};

/* A terminal as Linux's console starts: canonical, echo, signals, CR to NL, NL to CR LF. */
void ldisc_init(struct ldisc *ld, const struct ldisc_ops *ops, void *ctx);
/* One byte typed. */
void ldisc_input(struct ldisc *ld, uint8_t c);
/* Whether a read would return now (a line, an end of file, or raw bytes). */
bool ldisc_readable(const struct ldisc *ld);
/* Takes up to n ready bytes: a canonical read stops at its line's end. Return: how many (0: an
 * end of file, or nothing ready). */
size_t ldisc_read(struct ldisc *ld, char *buf, size_t n);
/* Bytes ready (FIONREAD). */
size_t ldisc_pending(const struct ldisc *ld);
/* New settings (TCSETS); flush drops what was typed (TCSETSF). */
void ldisc_set(struct ldisc *ld, const struct ktermios *t, bool flush);
/* Drops what was typed and not read (TCFLSH of input). */
void ldisc_flush(struct ldisc *ld);
/*
 * Output processing of [s, s + n) into out (room for 2n bytes): ONLCR's CR LF. Return: bytes in
 * out.
 */
size_t ldisc_output(const struct ldisc *ld, const char *s, size_t n, char *out);

#endif
