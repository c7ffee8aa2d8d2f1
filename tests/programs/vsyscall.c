/* SPDX-License-Identifier: 0BSD */
/*
 * vsyscall: the legacy vsyscall page at 0xffffffffff600000 as Linux's default (vsyscall=xonly)
 * answers it. "call": its three entries called through function pointers (gettimeofday at +0,
 * time at +0x400, getcpu at +0x800), each answer compared with its system call; exits 0 when all
 * held, else with the number of the first that did not. "read": a load from the page, which
 * must end the program with SIGSEGV.
 */
#include <sys/time.h>
#include <time.h>

#include "progs.h"

#define VSYSCALL 0xffffffffff600000ul

static int fail;

static void check(int n, bool ok, const char *what)
{
    say("vsyscall call: %d %s: %s", n, ok ? "ok" : "FAIL", what);
    if (!ok && !fail)
        fail = n;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "read") == 0) {
        say("vsyscall read: a load from 0xffffffffff600000");
        long v = *(volatile long *)VSYSCALL;
        say("vsyscall read: read 0x%lx, still running", v);
        return 0;
    }
    say("vsyscall call: gettimeofday, time and getcpu through the vsyscall page");
    long (*v_gettimeofday)(struct timeval *, void *) = (void *)VSYSCALL;
    long (*v_time)(long *) = (void *)(VSYSCALL + 0x400);
    long (*v_getcpu)(unsigned *, unsigned *, void *) = (void *)(VSYSCALL + 0x800);

    struct timeval a, b, c;
    int zone[2] = {-1, -1};
    bool ok = raw6(SYS_gettimeofday, (long)&a, 0, 0, 0, 0, 0) == 0 &&
              v_gettimeofday(&b, zone) == 0 && raw6(SYS_gettimeofday, (long)&c, 0, 0, 0, 0, 0) == 0;
    long long ua = a.tv_sec * 1000000ll + a.tv_usec, ub = b.tv_sec * 1000000ll + b.tv_usec,
              uc = c.tv_sec * 1000000ll + c.tv_usec;
    check(1, ok && ua <= ub && ub <= uc && zone[0] == 0 && zone[1] == 0,
          "gettimeofday: system call <= vsyscall <= system call, time zone UTC");

    long stored = 0;
    long t0 = raw6(SYS_time, 0, 0, 0, 0, 0, 0), t1 = v_time(&stored),
         t2 = raw6(SYS_time, 0, 0, 0, 0, 0, 0);
    check(2, t0 <= t1 && t1 <= t2 && stored == t1, "time: system call <= vsyscall <= system call");
    check(3, v_time(NULL) >= t2, "time(NULL): the seconds, nothing stored");

    unsigned cpu = ~0u, node = ~0u;
    long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    check(4, v_getcpu(&cpu, &node, NULL) == 0 && cpu < (unsigned long)ncpu && node == 0,
          "getcpu: a CPU of the machine, node 0");
    say("vsyscall call: %s", fail ? "a check failed" : "every check held");
    return fail;
}
