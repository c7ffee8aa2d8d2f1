/* SPDX-License-Identifier: 0BSD */
/* die_stack: unbounded recursion, 1 KiB of stack a call, until the stack runs out: a page fault
 * below the stack, SIGSEGV on Linux. */
#include "progs.h"

static unsigned long deeper(unsigned long depth)
{
    volatile unsigned char frame[1024];
    if (depth == ~0ul) /* a bound no stack reaches; without one the compiler refuses */
        return 0;
    frame[0] = (unsigned char)depth;
    frame[sizeof(frame) - 1] = (unsigned char)depth;
    /* The addition after the call keeps it from becoming a loop. */
    return deeper(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

int main(void)
{
    say("die_stack: recursing without end");
    unsigned long r = deeper(0);
    say("die_stack: FAIL: still alive (%lu)", r);
    return 99;
}
