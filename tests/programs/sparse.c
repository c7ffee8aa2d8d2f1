/* SPDX-License-Identifier: 0BSD */
/*
 * sparse: maps 1 GiB of anonymous memory and touches one page in every 2 MiB, so that each
 * touch needs its own page table (512 of them) while only 512 pages of data are used; checks
 * every touched page and an untouched neighbour (zero), unmaps, exits 0. With the argument
 * "keep" it exits without unmapping, so the kernel's teardown has all of it to give back.
 */
#include "progs.h"

#define SPAN   (1ul << 30)
#define STRIDE (2ul << 20)
#define TOUCH  (SPAN / STRIDE)

int main(int argc, char **argv)
{
    say("sparse: mapping %lu MiB, touching one page in every %lu MiB", SPAN >> 20, STRIDE >> 20);
    long r = sys_mmap(NULL, SPAN, PROT_READ | PROT_WRITE, 0);
    if (mmap_failed(r)) {
        say("sparse: FAIL: mmap of %lu MiB: error %ld", SPAN >> 20, -r);
        return 1;
    }
    unsigned char *base = (unsigned char *)r;
    /* A different page of each 2 MiB stretch, so no two touches share a page-table slot. */
    for (unsigned long i = 0; i < TOUCH; i++) {
        uint64_t *p = (uint64_t *)(base + i * STRIDE + (i * 7 % 512) * PG);
        p[0] = 0x5ba75e0000000000ull | i;
        p[PG / 8 - 1] = ~i;
    }
    for (unsigned long i = 0; i < TOUCH; i++) {
        const uint64_t *p = (const uint64_t *)(base + i * STRIDE + (i * 7 % 512) * PG);
        const uint64_t *next = (const uint64_t *)((const unsigned char *)p + PG);
        if (p[0] != (0x5ba75e0000000000ull | i) || p[PG / 8 - 1] != ~i) {
            say("sparse: FAIL: page %lu lost its contents", i);
            return 1;
        }
        if ((i * 7 % 512) != 511 && (next[0] != 0 || next[PG / 8 - 1] != 0)) {
            say("sparse: FAIL: untouched page after page %lu is not zero", i);
            return 1;
        }
    }
    say("sparse: %lu pages touched and verified", TOUCH);
    if (argc > 1 && strcmp(argv[1], "keep") == 0) {
        say("sparse: leaving it mapped, exiting with status 0");
        return 0;
    }
    r = sys_munmap(base, SPAN);
    if (r != 0) {
        say("sparse: FAIL: munmap: error %ld", -r);
        return 1;
    }
    say("sparse: unmapped, exiting with status 0");
    return 0;
}
