/* SPDX-License-Identifier: 0BSD */
/*
 * thp: 2 MiB pages for a program's anonymous memory (issue 20 part 3), seen from ring 3 through
 * the kernel's own fault counter (getrusage's ru_minflt).
 *   thp              the checks: a 4 MiB range advised MADV_HUGEPAGE faults twice, one advised
 *                    MADV_NOHUGEPAGE once per page; a munmap and an mprotect inside a 2 MiB page,
 *                    and a fork whose child writes into one, keep every other byte; exit 0.
 *   thp bench N huge|small   touches N MiB advised one way or the other and prints the faults
 *                    and the time (bench/thpbench.sh makes the table of docs/performance.md).
 * Its fault counts are frame64's contract, not Linux's (whose THP policy is the machine's).
 */
#include "progs.h"

#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MIB (1ul << 20)
#define HPG (2 * MIB)

static long faults(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* size bytes of fresh anonymous memory, 2 MiB aligned (the slack left mapped, untouched). */
static unsigned char *aligned_map(unsigned long size)
{
    long r = sys_mmap(NULL, size + HPG, PROT_READ | PROT_WRITE, 0);
    if (mmap_failed(r)) {
        say("thp: FAIL: mmap of %lu MiB: error %ld", size / MIB, -r);
        return NULL;
    }
    return (unsigned char *)(((unsigned long)r + HPG - 1) & ~(HPG - 1));
}

/* Writes the page number into each page of [p, p + size); returns the faults it took. */
static long touch(unsigned char *p, unsigned long size)
{
    long f0 = faults();
    for (unsigned long i = 0; i < size / PG; i++)
        *(volatile unsigned long *)(p + i * PG) = i;
    return faults() - f0;
}

/* Whether each page first..last - 1 of p, skip aside, holds its number. */
static bool intact(const unsigned char *p, unsigned long first, unsigned long last,
                   unsigned long skip)
{
    for (unsigned long i = first; i < last; i++)
        if (i != skip && *(const volatile unsigned long *)(p + i * PG) != i)
            return false;
    return true;
}

static int bench(unsigned long mib, bool huge)
{
    unsigned char *p = aligned_map(mib * MIB);
    if (!p)
        return 1;
    if (madvise(p, mib * MIB, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0) {
        say("thp: FAIL: madvise");
        return 1;
    }
    double t0 = now_ms();
    long f = touch(p, mib * MIB);
    double t1 = now_ms();
    long f2 = touch(p, mib * MIB); /* everything mapped: no fault, only the TLB's misses */
    double t2 = now_ms();
    say("thp: bench %s %lu MiB: %ld faults, %.1f ms; again: %ld faults, %.1f ms",
        huge ? "huge" : "small", mib, f, t1 - t0, f2, t2 - t1);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "bench") == 0)
        return bench(strtoul(argv[2], NULL, 10), strcmp(argv[3], "huge") == 0);

    unsigned char *h = aligned_map(2 * HPG), *s = aligned_map(HPG);
    if (!h || !s)
        return 1;
    if (madvise(h, 2 * HPG, MADV_HUGEPAGE) != 0 || madvise(s, HPG, MADV_NOHUGEPAGE) != 0) {
        say("thp: FAIL: madvise refused");
        return 1;
    }
    say("thp: 4 MiB advised MADV_HUGEPAGE: %ld faults", touch(h, 2 * HPG));
    say("thp: 2 MiB advised MADV_NOHUGEPAGE: %ld faults", touch(s, HPG));

    /* Cuts inside the 2 MiB pages split them; every other page keeps its bytes. */
    if (munmap(h + 3 * PG, PG) != 0 || mprotect(h + HPG + 7 * PG, PG, PROT_READ) != 0) {
        say("thp: FAIL: munmap or mprotect inside a 2 MiB page");
        return 1;
    }
    say("thp: after munmap and mprotect inside them: %s",
        intact(h, 0, 1024, 3) ? "every other page kept its bytes" : "FAIL: bytes lost");

    /* The child's write copies one 4 KiB piece; the parent still reads its own. */
    pid_t pid = fork();
    if (pid == 0) {
        *(volatile unsigned long *)(h + 5 * PG) = 0xc0ffee;
        _exit(*(volatile unsigned long *)(h + 5 * PG) == 0xc0ffee && intact(h, 4, 1024, 5) ? 0 : 1);
    }
    int status = -1;
    waitpid(pid, &status, 0);
    say("thp: fork: child %s, parent %s", WIFEXITED(status) && !WEXITSTATUS(status) ? "ok" : "FAIL",
        intact(h, 0, 1024, 3) ? "kept its bytes" : "FAIL: bytes changed");
    say("thp: madvise of an unmapped range: %s",
        madvise(h + 3 * PG, PG, MADV_HUGEPAGE) != 0 ? "refused" : "FAIL: accepted");
    return 0;
}
