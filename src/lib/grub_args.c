/* SPDX-License-Identifier: 0BSD */
/* GRUB's escaping of module command lines, undone (see include/frame64/grub_args.h). */
#include <frame64/grub_args.h>
#include <frame64/kprintf.h>

/* The characters GRUB puts a backslash before: only these are unescaped. */
static bool escaped_by_grub(char c)
{
    return c == '\\' || c == '\'' || c == '"';
}

int grub_args_split(char *line, char *argv[], int max, char *err, size_t err_size)
{
    int n = 0;
    char *r = line, *w = line; /* decoding only shortens: w never passes r */
    for (;;) {
        while (*r == ' ')
            r++;
        if (!*r)
            return n;
        if (n == max) {
            ksnprintf(err, err_size, "Too many arguments: at most %d", max);
            return -1;
        }
        argv[n++] = w;
        bool quoted = false;
        while (*r && (quoted || *r != ' ')) {
            if (*r == '\\' && escaped_by_grub(r[1])) {
                *w++ = r[1];
                r += 2;
            } else if (*r == '"') {
                quoted = !quoted;
                r++;
            } else {
                *w++ = *r++;
            }
        }
        if (*r)
            r++; /* the space after the argument */
        *w++ = '\0';
    }
}
