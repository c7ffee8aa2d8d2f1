/* SPDX-License-Identifier: 0BSD */
/*
 * reprotect: mmap / munmap / mprotect edge cases that can be checked without faulting: a hole
 * punched in the middle of a mapping, read-only and PROT_NONE round trips that keep the data,
 * MAP_FIXED into the hole and over live pages (fresh zero pages), and the answers Linux gives
 * for a misaligned address, a range over the hole and a second munmap. Each step prints one
 * line; the first failed check prints FAIL and exits 1.
 */
#include <errno.h>

#include "progs.h"

#define PAGES 16

static unsigned char *base;
static int step;

static void page_fill(unsigned page, unsigned char v)
{
    memset(base + page * PG, v, PG);
}

/* Whether pages [first, last] each hold v in every byte. */
static int pages_hold(unsigned first, unsigned last, int (*v)(unsigned))
{
    for (unsigned pg = first; pg <= last; pg++)
        for (unsigned long i = 0; i < PG; i++)
            if (base[pg * PG + i] != (unsigned char)v(pg))
                return 0;
    return 1;
}

static int index_value(unsigned pg)
{
    return 0x40 + (int)pg;
}

static int zero_value(unsigned pg)
{
    (void)pg;
    return 0;
}

static int rewritten_value(unsigned pg)
{
    return 0xa0 + (int)pg;
}

static void check(int ok, const char *what)
{
    step++;
    if (!ok) {
        say("reprotect: FAIL at step %d: %s", step, what);
        _exit(1);
    }
    say("reprotect: %2d ok: %s", step, what);
}

int main(void)
{
    long r = sys_mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, 0);
    check(!mmap_failed(r), "mmap 16 pages read-write");
    base = (unsigned char *)r;
    for (unsigned pg = 0; pg < PAGES; pg++)
        page_fill(pg, (unsigned char)index_value(pg));
    check(pages_hold(0, PAGES - 1, index_value), "all 16 pages hold what was written");

    check(sys_munmap(base + 4 * PG, 4 * PG) == 0, "munmap pages 4-7 (a hole in the middle)");
    check(pages_hold(0, 3, index_value) && pages_hold(8, 15, index_value),
          "pages 0-3 and 8-15 kept their data");
    check(sys_munmap(base + 4 * PG, 4 * PG) == 0, "munmap of the hole again: 0, as on Linux");
    check(sys_mprotect(base + 4 * PG, 4 * PG, PROT_READ) == -ENOMEM,
          "mprotect over the hole: -ENOMEM");
    check(sys_mprotect(base + 3 * PG, 2 * PG, PROT_READ) == -ENOMEM,
          "mprotect half over the hole: -ENOMEM");
    check(sys_mprotect(base + 1, PG, PROT_READ) == -EINVAL, "mprotect misaligned: -EINVAL");
    check(sys_munmap(base + 1, PG) == -EINVAL, "munmap misaligned: -EINVAL");
    check(sys_munmap(base, 0) == -EINVAL, "munmap of 0 bytes: -EINVAL");

    check(sys_mprotect(base + 8 * PG, 4 * PG, PROT_READ) == 0, "mprotect pages 8-11 read-only");
    check(pages_hold(8, 11, index_value), "read-only pages 8-11 still readable, data kept");
    check(sys_mprotect(base + 8 * PG, 4 * PG, PROT_READ | PROT_WRITE) == 0,
          "mprotect pages 8-11 read-write again");
    for (unsigned pg = 8; pg < 12; pg++)
        page_fill(pg, (unsigned char)rewritten_value(pg));
    check(pages_hold(8, 11, rewritten_value), "pages 8-11 writable again");

    check(sys_mprotect(base + 12 * PG, 4 * PG, PROT_NONE) == 0, "mprotect pages 12-15 PROT_NONE");
    check(sys_mprotect(base + 12 * PG, 4 * PG, PROT_READ | PROT_WRITE) == 0,
          "and back to read-write");
    check(pages_hold(12, 15, index_value), "pages 12-15 kept their data through PROT_NONE");

    r = sys_mmap(base + 4 * PG, 4 * PG, PROT_READ | PROT_WRITE, MAP_FIXED);
    check(r == (long)(base + 4 * PG), "MAP_FIXED mmap into the hole lands there");
    check(pages_hold(4, 7, zero_value), "the refilled hole is zero");
    r = sys_mmap(base + 10 * PG, 2 * PG, PROT_READ | PROT_WRITE, MAP_FIXED);
    check(r == (long)(base + 10 * PG), "MAP_FIXED mmap over live pages 10-11");
    check(pages_hold(10, 11, zero_value) && pages_hold(8, 9, rewritten_value),
          "pages 10-11 are fresh zero pages, 8-9 untouched");

    check(sys_mprotect(base, PAGES * PG, PROT_READ) == 0,
          "mprotect all 16 pages read-only (one range over three mappings)");
    check(pages_hold(0, 3, index_value) && pages_hold(12, 15, index_value),
          "everything still readable");
    check(sys_munmap(base, PAGES * PG) == 0, "munmap all 16 pages");
    r = sys_mmap(NULL, PG, PROT_READ, 0);
    check(!mmap_failed(r) && ((unsigned char *)r)[0] == 0 && sys_munmap((void *)r, PG) == 0,
          "a new read-only page reads as zero");
    say("reprotect: all %d checks passed, exiting with status 0", step);
    return 0;
}
