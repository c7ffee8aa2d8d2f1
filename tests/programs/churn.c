/* SPDX-License-Identifier: 0BSD */
/*
 * churn: one random life, meant to be run thousands of times. From a seed (argv[1], decimal or
 * 0x-hex; else the first 8 AT_RANDOM bytes) it maps 1-4096 pages (1-argv[2] when given: the
 * kernel's 2,000-run ktest keeps lives short under emulation), touches some, punches a hole,
 * verifies what it wrote, then either exits with a status or dies by one bad access. The first
 * line announces everything, so a harness can check the ending against it:
 *   churn: seed 0x2a: 1234 pages, 567 touched, then exit 17
 * where the ending is one of "exit N" (N 0-63), "read after munmap", "write to a read-only page"
 * or "execute a data page" (the three faults: SIGSEGV on Linux).
 */
#include <stdlib.h>
#include <sys/auxv.h>

#include "progs.h"

static const char *const endings[] = {"exit",
                                      "exit",
                                      "exit",
                                      "read after munmap",
                                      "write to a read-only page",
                                      "execute a data page"};

int main(int argc, char **argv)
{
    uint64_t seed;
    if (argc > 1)
        seed = strtoull(argv[1], NULL, 0);
    else
        memcpy(&seed, (const void *)getauxval(AT_RANDOM), sizeof(seed));
    uint64_t rng = seed * 0x9E3779B97F4A7C15ull + 1; /* never 0: xorshift would stay there */
    unsigned long most = argc > 2 ? strtoul(argv[2], NULL, 0) : 4096;
    unsigned long pages = 1 + rng_next(&rng) % (most ? most : 1);
    unsigned long touched = rng_next(&rng) % (pages + 1);
    unsigned ending = (unsigned)(rng_next(&rng) % 6);
    int status = (int)(rng_next(&rng) % 64);
    if (ending < 3)
        say("churn: seed 0x%llx: %lu pages, %lu touched, then exit %d", (unsigned long long)seed,
            pages, touched, status);
    else
        say("churn: seed 0x%llx: %lu pages, %lu touched, then %s", (unsigned long long)seed, pages,
            touched, endings[ending]);

    long r = sys_mmap(NULL, pages * PG, PROT_READ | PROT_WRITE, 0);
    if (mmap_failed(r)) {
        say("churn: FAIL: mmap of %lu pages: error %ld", pages, -r);
        return 100;
    }
    unsigned char *base = (unsigned char *)r;
    /* Touch `touched` random pages (repeats allowed), stamping each with its own number. */
    for (unsigned long i = 0; i < touched; i++) {
        unsigned long pg = rng_next(&rng) % pages;
        *(volatile uint64_t *)(base + pg * PG) = pg + 1;
    }
    /* A hole of up to a quarter of the range, inside it, keeping the first page. */
    unsigned long hole_at = 0, hole_len = 0;
    if (pages >= 4) {
        hole_len = 1 + rng_next(&rng) % (pages / 4);
        hole_at = 1 + rng_next(&rng) % (pages - hole_len);
        if (sys_munmap(base + hole_at * PG, hole_len * PG) != 0) {
            say("churn: FAIL: munmap of the hole");
            return 100;
        }
    }
    for (unsigned long pg = 0; pg < pages; pg++) {
        if (pg >= hole_at && pg < hole_at + hole_len)
            continue;
        uint64_t v = *(volatile uint64_t *)(base + pg * PG);
        if (v != 0 && v != pg + 1) {
            say("churn: FAIL: page %lu holds %llu", pg, (unsigned long long)v);
            return 100;
        }
    }
    say("churn: verified");

    switch (ending) {
    case 3:
        sys_munmap(base, pages * PG);
        (void)*(volatile unsigned char *)base;
        break;
    case 4:
        sys_mprotect(base, PG, PROT_READ);
        *(volatile unsigned char *)base = 1;
        break;
    case 5:
        *(volatile unsigned char *)base = 0xc3; /* ret */
        ((void (*)(void))base)();
        break;
    default:
        return status;
    }
    say("churn: FAIL: still alive after the bad access");
    return 101;
}
