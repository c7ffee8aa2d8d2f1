/* SPDX-License-Identifier: 0BSD */
/*
 * oom: maps and touches memory 4 MiB at a time, never freeing, reporting every 64 MiB, until
 * something stops it: on frame64 the kernel kills it when frames run out (or mmap fails);
 * under the host reference run an address-space limit makes mmap fail, and it exits 2.
 */
#include "progs.h"

#define STEP   (4ul << 20)
#define REPORT (64ul << 20)

int main(void)
{
    say("oom: touching memory in %lu MiB steps until it runs out", STEP >> 20);
    for (unsigned long total = 0;;) {
        long r = sys_mmap(NULL, STEP, PROT_READ | PROT_WRITE, 0);
        if (mmap_failed(r)) {
            say("oom: mmap refused after %lu MiB touched: error %ld", total >> 20, -r);
            return 2;
        }
        for (unsigned long off = 0; off < STEP; off += PG)
            ((volatile unsigned char *)r)[off] = (unsigned char)(off / PG);
        total += STEP;
        if (total % REPORT == 0)
            say("oom: %lu MiB touched", total >> 20);
    }
}
