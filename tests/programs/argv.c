/* SPDX-License-Identifier: 0BSD */
/*
 * argv: prints its arguments one a line between brackets, bytes outside printable ASCII as \xHH,
 * so a boot test can check that a module's words reach the program as the GRUB menu gave them
 * (spaces, quotes, backslashes: include/frame64/grub_args.h) and as the host passes them.
 */
#include "progs.h"

int main(int argc, char **argv)
{
    say("argv: %d arguments after the name", argc - 1);
    for (int i = 1; i < argc; i++) {
        char shown[256], *o = shown;
        for (const unsigned char *c = (const unsigned char *)argv[i]; *c && o < shown + 250; c++) {
            if (*c >= 0x20 && *c < 0x7f) {
                *o++ = (char)*c;
            } else {
                static const char hex[] = "0123456789abcdef";
                *o++ = '\\', *o++ = 'x', *o++ = hex[*c >> 4], *o++ = hex[*c & 15];
            }
        }
        *o = '\0';
        say("argv[%d]: [%s]", i, shown);
    }
    return 0;
}
