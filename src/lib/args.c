/* SPDX-License-Identifier: 0BSD */
/* Words and numbers for the monitor (see include/frame64/args.h). */
#include <frame64/args.h>
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>

#define HINT      "(try 4096, 0x1000 or 64K)"
#define QUOTE_MAX 40 /* longer words are shortened in messages */

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

int args_split(char *line, char *argv[], int max, char *err, size_t err_size)
{
    int n = 0;
    char *p = line;
    for (;;) {
        while (is_space(*p))
            *p++ = '\0';
        if (!*p)
            return n;
        if (n == max) {
            ksnprintf(err, err_size, "Too many words: a command takes at most %d", max);
            return -1;
        }
        argv[n++] = p;
        while (*p && !is_space(*p))
            p++;
    }
}

/* word, shortened to QUOTE_MAX characters with "..." (error messages stay one line). */
static void quote(char *buf, const char *word)
{
    size_t n = strlen(word);
    if (n <= QUOTE_MAX) {
        memcpy(buf, word, n + 1);
        return;
    }
    memcpy(buf, word, QUOTE_MAX);
    memcpy(buf + QUOTE_MAX, "...", 4);
}

static int fail(int code, const char *word, const char *what, char *err, size_t err_size)
{
    char q[QUOTE_MAX + 4];
    quote(q, word);
    ksnprintf(err, err_size, "'%s' %s", q, what);
    return code;
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static unsigned suffix_shift(char c)
{
    switch (c) {
    case 'k':
    case 'K':
        return 10;
    case 'm':
    case 'M':
        return 20;
    case 'g':
    case 'G':
        return 30;
    default:
        return 0;
    }
}

int args_number(const char *word, uint64_t *out, char *err, size_t err_size)
{
    if (!word || !*word) {
        ksnprintf(err, err_size, "A number is missing " HINT);
        return K_EINVAL;
    }
    const char *p = word;
    if (*p == '-' && digit_value(p[1]) >= 0 && digit_value(p[1]) < 10)
        return fail(K_EINVAL, word, "is negative: sizes and addresses start at 0", err, err_size);
    unsigned base = 10;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    uint64_t v = 0;
    const char *digits = p;
    int d;
    for (; (d = digit_value(*p)) >= 0 && (unsigned)d < base; p++) {
        if (v > (UINT64_MAX - (uint64_t)d) / base)
            return fail(K_ERANGE, word, "is too large (the largest is 0xffffffffffffffff)", err,
                        err_size);
        v = v * base + (uint64_t)d;
    }
    unsigned shift = suffix_shift(*p);
    if (p == digits || (shift ? p[1] != '\0' : *p != '\0'))
        return fail(K_EINVAL, word, "is not a number " HINT, err, err_size);
    if (shift && v > UINT64_MAX >> shift)
        return fail(K_ERANGE, word, "is too large (the largest is 0xffffffffffffffff)", err,
                    err_size);
    *out = v << shift;
    return K_OK;
}
