/* SPDX-License-Identifier: 0BSD */
/*
 * systime: clocks, sleeping, identity, limits, the machine and randomness, checked the way they
 * must hold on Linux and on frame64 alike (values differ between machines, so each line states a
 * property, not a value): monotonic time does not go back and a 20 ms sleep takes at least 20 ms;
 * the time of day is after 2020 and the three ways of reading it agree; bad clock ids, bad
 * timespecs and bad pointers get Linux's errors; uname, the ids, limits, sysinfo, the affinity
 * mask and getrandom answer as Linux does. Prints a line per check; exits 0 when all held, else
 * with the number of the first that did not.
 */
#include <sched.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>

#include "progs.h"

#define MS 1000000ll

static int fail;

static void check(int n, bool ok, const char *what)
{
    say("systime: %2d %s: %s", n, ok ? "ok" : "FAIL", what);
    if (!ok && !fail)
        fail = n;
}

static long long ns_of(clockid_t clk)
{
    struct timespec ts;
    if (raw6(SYS_clock_gettime, clk, (long)&ts, 0, 0, 0, 0) != 0)
        return -1;
    return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

int main(void)
{
    say("systime: clocks, sleep, identity, limits and randomness, answered as Linux answers");

    long long a = ns_of(CLOCK_MONOTONIC), b = ns_of(CLOCK_MONOTONIC);
    check(1, a >= 0 && b >= a, "clock_gettime(CLOCK_MONOTONIC) twice: not backwards");

    struct timespec req = {0, 20 * MS};
    a = ns_of(CLOCK_MONOTONIC);
    long r = raw6(SYS_nanosleep, (long)&req, 0, 0, 0, 0, 0);
    b = ns_of(CLOCK_MONOTONIC);
    check(2, r == 0 && b - a >= 20 * MS && b - a < 5000 * MS,
          "nanosleep(20 ms): CLOCK_MONOTONIC moved 20 ms or more (under 5 s)");

    long long real = ns_of(CLOCK_REALTIME);
    struct timeval tv;
    long t = raw6(SYS_time, 0, 0, 0, 0, 0, 0);
    r = raw6(SYS_gettimeofday, (long)&tv, 0, 0, 0, 0, 0);
    long long diff = real / 1000000000ll - tv.tv_sec;
    check(3,
          real > 1577836800ll * 1000000000ll && r == 0 && diff >= -2 && diff <= 2 &&
              t - tv.tv_sec >= -2 && t - tv.tv_sec <= 2,
          "CLOCK_REALTIME after 2020; gettimeofday and time agree with it within 2 s");

    struct timespec res;
    r = raw6(SYS_clock_getres, CLOCK_MONOTONIC, (long)&res, 0, 0, 0, 0);
    check(4,
          r == 0 && res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec <= 1000000 &&
              raw6(SYS_clock_getres, CLOCK_MONOTONIC, 0, 0, 0, 0, 0) == 0,
          "clock_getres(CLOCK_MONOTONIC) at most 1 ms; a NULL result is allowed");

    check(5,
          raw6(SYS_clock_gettime, 10, (long)&res, 0, 0, 0, 0) == -22 &&
              raw6(SYS_clock_gettime, CLOCK_MONOTONIC, 8, 0, 0, 0, 0) == -14,
          "clock_gettime(clock 10) -EINVAL, into address 8 -EFAULT");

    struct timespec bad = {0, 1000000000};
    struct timespec past = {1, 0};
    check(6,
          raw6(SYS_nanosleep, (long)&bad, 0, 0, 0, 0, 0) == -22 &&
              raw6(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, (long)&past, 0, 0, 0) ==
                  0 &&
              raw6(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, (long)&req, 0, 0, 0) == -95 &&
              raw6(SYS_clock_nanosleep, 10, 0, (long)&req, 0, 0, 0) == -22,
          "nanosleep(tv_nsec 1e9) -EINVAL; an absolute deadline past returns 0; sleeping on "
          "the thread CPU clock -EOPNOTSUPP, on clock 10 -EINVAL");

    long long c0 = ns_of(CLOCK_PROCESS_CPUTIME_ID), w0 = ns_of(CLOCK_MONOTONIC), c1 = c0;
    while (c1 - c0 < 5 * MS && ns_of(CLOCK_MONOTONIC) - w0 < 2000 * MS)
        c1 = ns_of(CLOCK_PROCESS_CPUTIME_ID);
    check(7, c0 >= 0 && c1 - c0 >= 5 * MS, "CLOCK_PROCESS_CPUTIME_ID advances while it computes");

    struct utsname u;
    r = raw6(SYS_uname, (long)&u, 0, 0, 0, 0, 0);
    check(8, r == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0,
          "uname: sysname Linux, machine x86_64");

    unsigned ru, eu, su;
    r = raw6(SYS_getresuid, (long)&ru, (long)&eu, (long)&su, 0, 0, 0);
    check(9,
          r == 0 && ru == (unsigned)getuid() && eu == (unsigned)geteuid() && getgid() == getegid(),
          "getresuid agrees with getuid and geteuid; getgid == getegid");
    check(10,
          raw6(SYS_setuid, -1, 0, 0, 0, 0, 0) == -22 &&
              raw6(SYS_setresuid, -1, -1, -1, 0, 0, 0) == 0,
          "setuid(-1) -EINVAL; setresuid(-1, -1, -1) changes nothing and succeeds");

    struct rlimit rl, back;
    bool ok =
        raw6(SYS_getrlimit, RLIMIT_STACK, (long)&rl, 0, 0, 0, 0) == 0 && rl.rlim_cur <= rl.rlim_max;
    ok = ok && raw6(SYS_prlimit64, 0, 99, 0, (long)&rl, 0, 0) == -22;
    ok = ok && raw6(SYS_prlimit64, 999999, RLIMIT_STACK, 0, (long)&rl, 0, 0) == -3;
    struct rlimit inverted = {2, 1};
    ok = ok && raw6(SYS_setrlimit, RLIMIT_CORE, (long)&inverted, 0, 0, 0, 0) == -22;
    check(11, ok,
          "getrlimit(STACK) cur <= max; resource 99 -EINVAL; pid 999999 -ESRCH; "
          "cur > max -EINVAL");
    ok = raw6(SYS_getrlimit, RLIMIT_CORE, (long)&rl, 0, 0, 0, 0) == 0;
    rl.rlim_cur = 0;
    ok = ok && raw6(SYS_setrlimit, RLIMIT_CORE, (long)&rl, 0, 0, 0, 0) == 0 &&
         raw6(SYS_prlimit64, 0, RLIMIT_CORE, 0, (long)&back, 0, 0) == 0 && back.rlim_cur == 0 &&
         back.rlim_max == rl.rlim_max;
    check(12, ok, "RLIMIT_CORE lowered to 0 reads back as set");

    struct sysinfo si;
    r = raw6(SYS_sysinfo, (long)&si, 0, 0, 0, 0, 0);
    check(13,
          r == 0 && si.totalram > 0 && si.freeram <= si.totalram && si.mem_unit >= 1 &&
              si.procs >= 1,
          "sysinfo: some RAM, free <= total, mem_unit >= 1, at least this process");

    unsigned long mask[16];
    memset(mask, 0, sizeof(mask));
    r = raw6(SYS_sched_getaffinity, 0, sizeof(mask), (long)mask, 0, 0, 0);
    bool any = false;
    for (long i = 0; r > 0 && i < r / 8; i++)
        any |= mask[i] != 0;
    check(14,
          r > 0 && r % 8 == 0 && any &&
              raw6(SYS_sched_getaffinity, 0, 9, (long)mask, 0, 0, 0) == -22,
          "sched_getaffinity: whole longs, at least one CPU; a length not a multiple of 8 "
          "-EINVAL");

    check(15, raw6(SYS_sched_yield, 0, 0, 0, 0, 0, 0) == 0, "sched_yield returns 0");

    unsigned char x[64], y[64];
    memset(x, 0, sizeof(x));
    memset(y, 0, sizeof(y));
    long rx = raw6(SYS_getrandom, (long)x, sizeof(x), 0, 0, 0, 0);
    long ry = raw6(SYS_getrandom, (long)y, sizeof(y), 0, 0, 0, 0);
    int zeros = 0;
    for (size_t i = 0; i < sizeof(x); i++)
        zeros += x[i] == 0;
    check(16,
          rx == 64 && ry == 64 && zeros < 16 && memcmp(x, y, sizeof(x)) != 0 &&
              raw6(SYS_getrandom, (long)x, 8, 0x8, 0, 0, 0) == -22 &&
              raw6(SYS_getrandom, (long)x, 8, 0x6, 0, 0, 0) == -22 &&
              raw6(SYS_getrandom, 8, 8, 0, 0, 0, 0) == -14,
          "getrandom: 64 bytes twice, not zero, not equal; flags 0x8 and RANDOM|INSECURE "
          "-EINVAL; address 8 -EFAULT");

    check(17, raw6(SYS_gettid, 0, 0, 0, 0, 0, 0) == getpid() && getppid() >= 0,
          "gettid == getpid (one thread); getppid answers");
    return fail;
}
