/* SPDX-License-Identifier: 0BSD */
/* die_cli: executes cli, privileged in ring 3: #GP, SIGSEGV on Linux. */
#include "progs.h"

int main(void)
{
    say("die_cli: executing cli");
    __asm__ volatile("cli");
    say("die_cli: FAIL: still alive");
    return 99;
}
