/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's printf engine: a small, allocation-free formatter that feeds one character at a
 * time to a callback, so the same code serves the consoles, string buffers and host tests.
 */
#include <frame64/kprintf.h>

struct spec {
    bool left;  /* '-': pad on the right */
    bool zero;  /* '0': pad with zeroes */
    int width;  /* minimum field width */
    int length; /* 0: int, 1: long, 2: long long, 3: size_t */
};

/* Emits s (n characters) padded to the spec's width. */
static int emit(kputc_fn put, void *ctx, const struct spec *sp, const char *s, int n, char pad)
{
    int count = 0;
    if (!sp->left)
        for (int i = n; i < sp->width; i++, count++)
            put(pad, ctx);
    for (int i = 0; i < n; i++, count++)
        put(s[i], ctx);
    if (sp->left)
        for (int i = n; i < sp->width; i++, count++)
            put(' ', ctx);
    return count;
}

/* Formats an unsigned value in base 10 or 16, with an optional minus sign. */
static int emit_number(kputc_fn put, void *ctx, const struct spec *sp, uint64_t v, bool negative,
                       unsigned base, bool upper)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char buf[24];
    int n = sizeof(buf);
    do {
        buf[--n] = digits[v % base];
        v /= base;
    } while (v);
    int len = sizeof(buf) - n;
    int count = 0;
    if (negative) {
        if (sp->zero && !sp->left) { /* the sign goes before the zeroes: -0042 */
            put('-', ctx);
            struct spec rest = *sp;
            rest.width = sp->width > 0 ? sp->width - 1 : 0;
            return 1 + emit(put, ctx, &rest, buf + n, len, '0');
        }
        buf[--n] = '-';
        len++;
    }
    count += emit(put, ctx, sp, buf + n, len, sp->zero && !sp->left ? '0' : ' ');
    return count;
}

static uint64_t take_unsigned(va_list *ap, int length)
{
    switch (length) {
    case 0:
        return va_arg(*ap, unsigned int);
    case 1:
        return va_arg(*ap, unsigned long);
    case 2:
        return va_arg(*ap, unsigned long long);
    default:
        return va_arg(*ap, size_t);
    }
}

static int64_t take_signed(va_list *ap, int length)
{
    switch (length) {
    case 0:
        return va_arg(*ap, int);
    case 1:
        return va_arg(*ap, long);
    case 2:
        return va_arg(*ap, long long);
    default:
        return (int64_t)va_arg(*ap, size_t);
    }
}

/*
 * Reads the flags, width and length modifier that follow a '%' (f points just after it) into *sp.
 * Return: where the conversion character is (possibly the terminating NUL).
 */
static const char *parse_spec(const char *f, struct spec *sp)
{
    *sp = (struct spec){0};
    for (;; f++) {
        if (*f == '-')
            sp->left = true;
        else if (*f == '0')
            sp->zero = true;
        else
            break;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == 'z') {
        sp->length = 3;
        f++;
    } else {
        while (*f == 'l' && sp->length < 2) {
            sp->length++;
            f++;
        }
    }
    return f;
}

/* %p: "0x" and 16 zero-padded hex digits; the width is ignored, '-' pads with spaces instead. */
static int emit_pointer(kputc_fn put, void *ctx, const struct spec *sp, uint64_t v)
{
    struct spec hex = {.left = sp->left, .zero = true, .width = 16};
    put('0', ctx);
    put('x', ctx);
    return 2 + emit_number(put, ctx, &hex, v, false, 16, false);
}

/* %s: a NULL string prints as "(null)" instead of faulting. */
static int emit_string(kputc_fn put, void *ctx, const struct spec *sp, const char *s)
{
    if (!s)
        s = "(null)";
    int n = 0;
    while (s[n])
        n++;
    return emit(put, ctx, sp, s, n, ' ');
}

/* Emits conversion conv (not NUL) with the spec before it, taking its argument from ap. */
static int emit_conversion(kputc_fn put, void *ctx, char conv, const struct spec *sp, va_list *ap)
{
    switch (conv) {
    case 'd':
    case 'i': {
        int64_t v = take_signed(ap, sp->length);
        uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
        return emit_number(put, ctx, sp, mag, v < 0, 10, false);
    }
    case 'u':
        return emit_number(put, ctx, sp, take_unsigned(ap, sp->length), false, 10, false);
    case 'x':
    case 'X':
        return emit_number(put, ctx, sp, take_unsigned(ap, sp->length), false, 16, conv == 'X');
    case 'p':
        return emit_pointer(put, ctx, sp, (uintptr_t)va_arg(*ap, void *));
    case 'c': {
        char c = (char)va_arg(*ap, int);
        return emit(put, ctx, sp, &c, 1, ' ');
    }
    case 's':
        return emit_string(put, ctx, sp, va_arg(*ap, const char *));
    case '%':
        put('%', ctx);
        return 1;
    default: /* unknown conversion: print it as written so the mistake is visible */
        put('%', ctx);
        put(conv, ctx);
        return 2;
    }
}

int kvformat(kputc_fn put, void *ctx, const char *fmt, va_list ap_in)
{
    va_list ap;
    int count = 0;
    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        if (*f != '%') {
            put(*f, ctx);
            count++;
            continue;
        }
        struct spec sp;
        f = parse_spec(f + 1, &sp);
        if (*f == '\0') { /* a lone '%' at the end: print it and stop */
            put('%', ctx);
            count++;
            break;
        }
        count += emit_conversion(put, ctx, *f, &sp, &ap);
    }
    va_end(ap);
    return count;
}

struct sbuf {
    char *buf;
    size_t size;
    size_t len;
};

static void sbuf_put(char c, void *ctx)
{
    struct sbuf *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct sbuf b = {buf, size, 0};
    int n = kvformat(sbuf_put, &b, fmt, ap);
    if (size > 0)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

char *kformat_size(char *buf, size_t size, uint64_t n)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    unsigned u = 0;
    uint64_t scale = 1;
    while (u + 1 < ARRAY_SIZE(units) && n / scale >= 1024) {
        scale *= 1024;
        u++;
    }
    uint64_t whole = n / scale;
    uint64_t tenth = (n % scale) * 10 / scale; /* truncated, never rounds up to "1024 KiB" */
    if (tenth)
        ksnprintf(buf, size, "%llu.%llu %s", (unsigned long long)whole, (unsigned long long)tenth,
                  units[u]);
    else
        ksnprintf(buf, size, "%llu %s", (unsigned long long)whole, units[u]);
    return buf;
}
