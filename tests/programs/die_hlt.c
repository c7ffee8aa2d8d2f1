/* SPDX-License-Identifier: 0BSD */
/* die_hlt: executes hlt, privileged in ring 3: #GP, SIGSEGV on Linux. */
#include "progs.h"

int main(void)
{
    say("die_hlt: executing hlt");
    __asm__ volatile("hlt");
    say("die_hlt: FAIL: still alive");
    return 99;
}
