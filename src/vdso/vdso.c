/* SPDX-License-Identifier: 0BSD */
/*
 * The vDSO: a small shared object the kernel maps into every process (src/exec/vdso.c) and names
 * in AT_SYSINFO_EHDR, so that musl and glibc read the clocks without a system call. It computes
 * CLOCK_MONOTONIC (and _RAW, _COARSE, CLOCK_BOOTTIME) and CLOCK_REALTIME (and _COARSE,
 * CLOCK_TAI) from the TSC and the numbers of the read-only page mapped just below it
 * (<frame64/vclock.h>), with the very arithmetic of the kernel's time_ns() and wallclock_ns();
 * any other clock, and every clock while the kernel has no TSC clock, is the real system call.
 * getcpu is always the system call. Built as user code (-fPIC, no libc), never into the kernel.
 */
#include <frame64/vclock.h>

#define NSEC 1000000000ull

enum { SYS_gettimeofday = 96, SYS_time = 201, SYS_clock_gettime = 228, SYS_getcpu = 309 };

struct timespec64 {
    int64_t sec, nsec;
};
struct timeval64 {
    int64_t sec, usec;
};

/* The page below the vDSO's first byte (vdso.lds): hidden, so reached PC-relative, no GOT. */
extern const union vclock_page vdso_vvar __attribute__((visibility("hidden")));

static long syscall3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

/* The TSC, not read before the numbers it is combined with (as the kernel's rdtsc). */
static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

enum kind { OTHER, MONOTONIC, REALTIME };

/* What the kernel's clock_now() reads for clk, where the vDSO can do the same. */
static enum kind kind_of(long clk)
{
    switch (clk) {
    case 0:  /* CLOCK_REALTIME */
    case 5:  /* CLOCK_REALTIME_COARSE */
    case 11: /* CLOCK_TAI (offset 0) */
        return REALTIME;
    case 1: /* CLOCK_MONOTONIC */
    case 4: /* CLOCK_MONOTONIC_RAW */
    case 6: /* CLOCK_MONOTONIC_COARSE */
    case 7: /* CLOCK_BOOTTIME (nothing suspends) */
        return MONOTONIC;
    default:
        return OTHER;
    }
}

/* The clock's reading in ns. Return: false if the kernel must answer. */
static bool now(enum kind k, uint64_t *ns)
{
    struct vclock c;
    vclock_read(&vdso_vvar.clock, &c);
    if (k == OTHER || c.mode != VCLOCK_TSC)
        return false;
    uint64_t t = tsc();
    *ns = k == MONOTONIC ? vclock_mono_ns(&c, t) : vclock_real_ns(&c, t);
    return true;
}

int __vdso_clock_gettime(long clk, struct timespec64 *ts)
{
    uint64_t ns;
    if (!now(kind_of(clk), &ns))
        return (int)syscall3(SYS_clock_gettime, clk, (long)ts, 0);
    ts->sec = (int64_t)(ns / NSEC);
    ts->nsec = (int64_t)(ns % NSEC);
    return 0;
}

int __vdso_gettimeofday(struct timeval64 *tv, int32_t *tz)
{
    uint64_t ns;
    if (!now(REALTIME, &ns))
        return (int)syscall3(SYS_gettimeofday, (long)tv, (long)tz, 0);
    if (tv) {
        tv->sec = (int64_t)(ns / NSEC);
        tv->usec = (int64_t)(ns % NSEC / 1000);
    }
    if (tz) {
        tz[0] = 0; /* minutes west of Greenwich, DST: UTC, as the system call says */
        tz[1] = 0;
    }
    return 0;
}

long __vdso_time(int64_t *tloc)
{
    uint64_t ns;
    if (!now(REALTIME, &ns))
        return syscall3(SYS_time, (long)tloc, 0, 0);
    int64_t sec = (int64_t)(ns / NSEC);
    if (tloc)
        *tloc = sec;
    return sec;
}

long __vdso_getcpu(unsigned *cpu, unsigned *node, void *cache)
{
    return syscall3(SYS_getcpu, (long)cpu, (long)node, (long)cache);
}
