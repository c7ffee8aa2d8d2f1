/* SPDX-License-Identifier: 0BSD */
/*
 * Clocks and sleeping, as Linux answers them (clock_gettime(2), nanosleep(2)): CLOCK_MONOTONIC,
 * _RAW, _COARSE and CLOCK_BOOTTIME count time_ns(), the TSC-based clock started at boot (nothing
 * suspends, so boot time and monotonic time are one); CLOCK_REALTIME and CLOCK_TAI (its offset
 * is 0 until something sets it, as on Linux) add the CMOS clock's date read at boot. The
 * CPU-time clocks count the time since the process entered ring 3: it runs to its end on its
 * CPU, preempted by nothing but interrupts, so that is its CPU time as near as matters until
 * there is a scheduler. Sleeping halts the CPU until the timer's interrupts bring the clock past
 * the deadline; no signal can interrupt it yet, so nothing is ever left in rem.
 */
#include <arch/cpu_local.h>
#include <frame64/arch.h>
#include <frame64/interrupts.h>
#include <frame64/sched.h>

#include "proc_internal.h"
#include "syscall_internal.h"

enum {
    CLOCK_REALTIME = 0,
    CLOCK_MONOTONIC = 1,
    CLOCK_PROCESS_CPUTIME_ID = 2,
    CLOCK_THREAD_CPUTIME_ID = 3,
    CLOCK_MONOTONIC_RAW = 4,
    CLOCK_REALTIME_COARSE = 5,
    CLOCK_MONOTONIC_COARSE = 6,
    CLOCK_BOOTTIME = 7,
    CLOCK_REALTIME_ALARM = 8,
    CLOCK_BOOTTIME_ALARM = 9,
    CLOCK_TAI = 11,
};

#define TIMER_ABSTIME 1
#define NSEC          1000000000ull

struct timespec64 {
    int64_t sec, nsec;
};

/* The clock's reading in ns. Return: false for an id Linux refuses (EINVAL) or does not have. */
static bool clock_now(struct process *p, long clk, uint64_t *ns)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_TAI:
        *ns = wallclock_ns();
        return true;
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_BOOTTIME_ALARM:
        *ns = time_ns();
        return true;
    case CLOCK_PROCESS_CPUTIME_ID:
        *ns = proc_cpu_ns(p);
        return true;
    case CLOCK_THREAD_CPUTIME_ID:
        *ns = thread_cpu_ns(thread_current());
        return true;
    default:
        return false; /* 10 (SGI_CYCLE), others' CPU clocks (negative ids), unknown ids */
    }
}

static long put_timespec(struct process *p, uint64_t dst, uint64_t ns)
{
    struct timespec64 ts = {(int64_t)(ns / NSEC), (int64_t)(ns % NSEC)};
    return copy_to_user(p, dst, &ts, sizeof(ts));
}

long sys_clock_gettime(struct process *p, long clk, uint64_t tp)
{
    uint64_t ns;
    if (!clock_now(p, clk, &ns))
        return -EINVAL;
    return put_timespec(p, tp, ns);
}

long sys_clock_getres(struct process *p, long clk, uint64_t res)
{
    uint64_t ns;
    if (!clock_now(p, clk, &ns))
        return -EINVAL;
    bool coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
    unsigned hz = irq_timer_hz();
    uint64_t r = coarse && hz ? NSEC / hz : 1; /* the coarse clocks' tick, as Linux reports it */
    return res ? put_timespec(p, res, r) : 0;
}

long sys_gettimeofday(struct process *p, uint64_t tv, uint64_t tz)
{
    uint64_t ns = wallclock_ns();
    struct {
        int64_t sec, usec;
    } t = {(int64_t)(ns / NSEC), (int64_t)(ns % NSEC / 1000)};
    if (tv && copy_to_user(p, tv, &t, sizeof(t)))
        return -EFAULT;
    const int32_t zone[2] = {0, 0}; /* minutes west of Greenwich, DST type: UTC */
    if (tz && copy_to_user(p, tz, zone, sizeof(zone)))
        return -EFAULT;
    return 0;
}

long sys_time(struct process *p, uint64_t tloc)
{
    int64_t sec = (int64_t)(wallclock_ns() / NSEC);
    if (tloc && copy_to_user(p, tloc, &sec, sizeof(sec)))
        return -EFAULT;
    return sec;
}

/*
 * Sleeps until clock clk (a valid one) reaches deadline: other threads run meanwhile. Each clock
 * runs at the monotonic clock's rate, so its distance to the deadline is one on that clock too.
 */
static void sleep_until(struct process *p, long clk, uint64_t deadline)
{
    uint64_t now;
    while (clock_now(p, clk, &now) && now < deadline && !thread_interrupted())
        sched_sleep_until(time_ns() + (deadline - now));
}

/* Reads and checks a timespec. Return: 0 with *ns set, -EFAULT or -EINVAL. */
static long get_timespec(struct process *p, uint64_t src, uint64_t *ns)
{
    struct timespec64 ts;
    if (copy_from_user(p, &ts, src, sizeof(ts)))
        return -EFAULT;
    if (ts.sec < 0 || ts.nsec < 0 || (uint64_t)ts.nsec >= NSEC)
        return -EINVAL;
    uint64_t max_sec = UINT64_MAX / NSEC - 1; /* saturate far past any real deadline */
    *ns = ((uint64_t)ts.sec > max_sec ? max_sec : (uint64_t)ts.sec) * NSEC + (uint64_t)ts.nsec;
    return 0;
}

/*
 * Sleeps ns on clock clk (until it reads ns if absolute). A signal with a handler cuts it short:
 * -EINTR, and a relative sleep writes what was left to rem (if not 0), as Linux does.
 */
static long sleep_for(struct process *p, long clk, uint64_t ns, bool absolute, uint64_t rem)
{
    if (!irq_timer_hz())
        return -EOPNOTSUPP; /* no timer interrupt to wake the CPU (no local APIC) */
    uint64_t now;
    clock_now(p, clk, &now);
    uint64_t deadline = absolute ? ns : (ns > UINT64_MAX - now ? UINT64_MAX : now + ns);
    sleep_until(p, clk, deadline);
    clock_now(p, clk, &now);
    if (now >= deadline)
        return 0;
    if (!absolute && rem) {
        uint64_t left = deadline - now;
        struct timespec64 ts = {(int64_t)(left / NSEC), (int64_t)(left % NSEC)};
        if (copy_to_user(p, rem, &ts, sizeof(ts)))
            return -EFAULT;
    }
    return -EINTR;
}

long sys_nanosleep(struct process *p, uint64_t req, uint64_t rem)
{
    uint64_t ns;
    long err = get_timespec(p, req, &ns);
    return err ? err : sleep_for(p, CLOCK_MONOTONIC, ns, false, rem);
}

long sys_clock_nanosleep(struct process *p, long clk, long flags, uint64_t req, uint64_t rem)
{
    switch (clk) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_BOOTTIME:
    case CLOCK_TAI:
    case CLOCK_PROCESS_CPUTIME_ID:
        break;
    default: { /* the thread CPU clock, RAW, COARSE, ALARM: no sleeping on them (Linux 6.1) */
        uint64_t ns;
        return clock_now(p, clk, &ns) ? -EOPNOTSUPP : -EINVAL;
    }
    }
    uint64_t ns;
    long err = get_timespec(p, req, &ns);
    return err ? err : sleep_for(p, clk, ns, flags & TIMER_ABSTIME, rem);
}
