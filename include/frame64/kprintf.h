/* SPDX-License-Identifier: 0BSD */
/*
 * Formatted output. kformat() is the pure formatter (host-tested); kprintf() sends its output to
 * every console the kernel has (COM1 and, when present, the VGA text screen). Host tests link a
 * kprintf() that captures output so messages can be asserted.
 *
 * Conversions: %s %c %d %i %u %x %X %p %% with optional '-' and '0' flags and a width;
 * length modifiers l, ll and z for the integer conversions.
 */
#ifndef FRAME64_KPRINTF_H
#define FRAME64_KPRINTF_H

#include <stdarg.h>
#include <frame64/types.h>

typedef void (*kputc_fn)(char c, void *ctx);

/* Formats fmt with ap, calling put once per output character. Returns the characters produced. */
int kvformat(kputc_fn put, void *ctx, const char *fmt, va_list ap);

/* snprintf: always NUL-terminates when size > 0. Returns the length the full output would have. */
__attribute__((format(printf, 3, 4))) int ksnprintf(char *buf, size_t size, const char *fmt, ...);
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

__attribute__((format(printf, 1, 2))) int kprintf(const char *fmt, ...);

/* Writes n as a human size ("512 KiB", "3 GiB", "1.5 MiB") into buf; returns buf. */
char *kformat_size(char *buf, size_t size, uint64_t n);

#endif
