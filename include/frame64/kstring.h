/* SPDX-License-Identifier: 0BSD */
/*
 * The few C library memory and string functions kernel code may use. The kernel implements them
 * in src/lib/string.c; host builds take the C library's (the prototypes are the standard ones).
 */
#ifndef FRAME64_KSTRING_H
#define FRAME64_KSTRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);

#endif
