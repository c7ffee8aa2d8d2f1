/* SPDX-License-Identifier: 0BSD */
/* die_nx: calls a `ret` written into a read-write mmap'ed page: an instruction fetch from a
 * non-executable page, a page fault, SIGSEGV on Linux. */
#include "progs.h"

int main(void)
{
    long r = sys_mmap(NULL, PG, PROT_READ | PROT_WRITE, 0);
    if (mmap_failed(r)) {
        say("die_nx: FAIL: mmap: error %ld", -r);
        return 1;
    }
    *(volatile unsigned char *)r = 0xc3; /* ret */
    say("die_nx: executing a read-write data page");
    ((void (*)(void))r)();
    say("die_nx: FAIL: still alive");
    return 99;
}
