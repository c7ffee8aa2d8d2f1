/* SPDX-License-Identifier: 0BSD */
/* die_div0: divides by zero with div: #DE, SIGFPE on Linux. */
#include "progs.h"

int main(void)
{
    say("die_div0: dividing by zero");
    __asm__ volatile("xorl %%ecx, %%ecx\n\tdivl %%ecx" : : "a"(1), "d"(0) : "ecx");
    say("die_div0: FAIL: still alive");
    return 99;
}
