/* SPDX-License-Identifier: 0BSD */
/* die_rodata: writes to its own .rodata (a read-only PT_LOAD page): a page fault, SIGSEGV on
 * Linux. */
#include "progs.h"

static const char message[] = "die_rodata: writing to .rodata";

int main(void)
{
    say("%s", message);
    __asm__ volatile("movb $0, (%0)" : : "r"(message) : "memory");
    say("die_rodata: FAIL: still alive");
    return 99;
}
