/* SPDX-License-Identifier: 0BSD */
/* die_ud2: executes ud2: #UD, SIGILL on Linux. */
#include "progs.h"

int main(void)
{
    say("die_ud2: executing ud2");
    __asm__ volatile("ud2");
    say("die_ud2: FAIL: still alive");
    return 99;
}
