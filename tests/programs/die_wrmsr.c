/* SPDX-License-Identifier: 0BSD */
/* die_wrmsr: executes wrmsr (FS base), privileged in ring 3: #GP, SIGSEGV on Linux. */
#include "progs.h"

int main(void)
{
    say("die_wrmsr: executing wrmsr");
    __asm__ volatile("wrmsr" : : "c"(0xc0000100u), "a"(0), "d"(0));
    say("die_wrmsr: FAIL: still alive");
    return 99;
}
