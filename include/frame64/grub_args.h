/* SPDX-License-Identifier: 0BSD */
/*
 * A module's command line read back into the arguments GRUB was given (pure). GRUB 2.06 does not
 * pass a multiboot2 module's words as they were: grub_create_loader_cmdline() writes each
 * argument followed by a space, puts a backslash before every \, ' and " in it (except a \xHH
 * sequence, which it copies as it is), and wraps an argument that holds a space in double
 * quotes. So the config line
 *
 *     module2 /boot/p exec echo 'a\b' 'x y' "it's"
 *
 * reaches the kernel as  exec echo a\\b "x y" it\'s  and grub_args_split() gives back the five
 * words exec, echo, a\b, x y and it's. tests/unit/test_grub_args.c encodes random words by those
 * rules and checks that they come back.
 *
 * What GRUB cannot carry does not come back: an empty argument (GRUB writes nothing for it). A
 * line GRUB did not write is still split without fault: a backslash before anything but \, ' or
 * " is an ordinary character, an unpaired double quote groups to the end of the line.
 */
#ifndef FRAME64_GRUB_ARGS_H
#define FRAME64_GRUB_ARGS_H

#include <frame64/types.h>

/*
 * Splits line in place into its arguments (separated by unquoted spaces; tabs are part of an
 * argument, as GRUB leaves them): argv[0, n) point into line.
 * Return: n, or -1 with a sentence in err when there are more than max arguments.
 */
int grub_args_split(char *line, char *argv[], int max, char *err, size_t err_size);

#endif
