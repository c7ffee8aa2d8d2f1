/* SPDX-License-Identifier: 0BSD */
/*
 * Monitor command arguments (pure): words of a line, and numbers a person types for sizes and
 * addresses. Each failure comes with a sentence the monitor can print as it is.
 *
 *   char *argv[ARGS_MAX_WORDS], err[ARGS_ERR_SIZE];
 *   uint64_t size;
 *   int argc = args_split(line, argv, ARGS_MAX_WORDS, err, sizeof(err));
 *   if (argc < 0 || (argc > 1 && args_number(argv[1], &size, err, sizeof(err)) != K_OK))
 *       kprintf("%s\n", err);
 *
 * Numbers: decimal ("4096"; leading zeros are still decimal) or hexadecimal after 0x/0X
 * ("0x1000", digits in either case), optionally followed by one of K, M, G (either case) for
 * KiB, MiB, GiB ("64K" = 65536, "0x10M" = 16 MiB). Refused: empty, negative, anything else
 * after the digits ("12x", "4 K" is two words, "64KB"), and values above 2^64 - 1.
 */
#ifndef FRAME64_ARGS_H
#define FRAME64_ARGS_H

#include <frame64/types.h>

#define ARGS_MAX_WORDS 8   /* a reasonable argv size for monitor commands */
#define ARGS_ERR_SIZE  128 /* room for any sentence below */

/*
 * Splits line in place into words separated by spaces and tabs (the separators become NULs):
 * argv[0, n) point into line.
 * Return: n (0 for a blank line), or -1 with a sentence in err when there are more than max words.
 */
int args_split(char *line, char *argv[], int max, char *err, size_t err_size);

/*
 * Parses word as a number (see the top of this file) into *out.
 * Return: K_OK, K_EINVAL (not a number, empty or negative) or K_ERANGE (too large), with a
 * sentence naming the word in err (e.g. "'12x' is not a number (try 4096, 0x1000 or 64K)").
 */
int args_number(const char *word, uint64_t *out, char *err, size_t err_size);

#endif
