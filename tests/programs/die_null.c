/* SPDX-License-Identifier: 0BSD */
/* die_null: reads address 0 (page 0 is never mapped): a page fault, SIGSEGV on Linux. */
#include "progs.h"

int main(void)
{
    say("die_null: reading address 0");
    __asm__ volatile("movl (%0), %%eax" : : "r"(0L) : "eax", "memory");
    say("die_null: FAIL: still alive");
    return 99;
}
