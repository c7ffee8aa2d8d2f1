/* SPDX-License-Identifier: 0BSD */
/* die_io: reads I/O port 0x64 with in (IOPL 0, no I/O bitmap): #GP, SIGSEGV on Linux. */
#include "progs.h"

int main(void)
{
    say("die_io: executing in from port 0x64");
    __asm__ volatile("inb $0x64, %%al" : : : "eax");
    say("die_io: FAIL: still alive");
    return 99;
}
