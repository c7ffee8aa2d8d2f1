/* SPDX-License-Identifier: 0BSD */
/* Words on a command line (the kernel's, or a GRUB module's): "ktest crash=panic crc32=1a2b3c4d".
 */
#ifndef FRAME64_CMDLINE_H
#define FRAME64_CMDLINE_H

#include <frame64/types.h>

/* Whether s (NULL allowed) holds word as a whole space-separated word. */
bool cmdline_has_word(const char *s, const char *word);

/*
 * The value of the first "key=value" word in s (NULL allowed).
 * Return: a pointer to the value inside s (it ends at the next space or NUL), or NULL.
 */
const char *cmdline_value(const char *s, const char *key);

/* Whether the value v (as cmdline_value() returns it) is exactly text. */
bool cmdline_value_is(const char *v, const char *text);

#endif
