/* SPDX-License-Identifier: 0BSD */
/*
 * What a program asks about the system it runs on, answered as Linux answers (uname(2),
 * getuid(2), setresuid(2), prlimit(2), sysinfo(2), sched_getaffinity(2), getrandom(2)):
 * - uname: sysname "Linux", because frame64 answers the Linux x86-64 ABI and programs test for
 *   it (as gVisor and WSL do); release 6.1.0-frame64, the Debian 12 kernel whose system calls
 *   the tests compare with; nodename frame64; machine x86_64.
 * - identity: one user, root (every id 0, no supplementary groups). A set call that keeps every
 *   id 0 (or -1, "unchanged") succeeds; one that would become another user is refused with EPERM
 *   rather than pretended, since nothing would change what the process may do.
 * - limits: Linux's defaults, kept per process and settable as root may set them; RLIMIT_STACK
 *   says the 8 MiB the stack really has. None is enforced yet beyond what the kernel does anyway.
 * - the CPU set a process may run on is every CPU online (the scheduler moves it as it likes).
 * - random bytes come from RDSEED/RDRAND; without them (CPUs before 2012, QEMU's default CPU
 *   models) from a SplitMix64 stream over the TSC and the time of day: unpredictable enough for
 *   hash seeds and ASLR-like choices, not for keys, and docs/processes.md says so.
 */
#include <frame64/arch.h>
#include <frame64/cpu.h>
#include <frame64/frame.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>

#include "proc_internal.h"
#include "syscall_internal.h"

#define UTS_LEN       65
#define RLIM_INFINITY UINT64_MAX
#define RLIM_NLIMITS  16
#define NR_OPEN       1048576 /* fs.nr_open: RLIMIT_NOFILE's ceiling */

enum {
    RLIMIT_STACK = 3,
    RLIMIT_CORE = 4,
    RLIMIT_NPROC = 6,
    RLIMIT_NOFILE = 7,
    RLIMIT_MEMLOCK = 8,
    RLIMIT_SIGPENDING = 11,
    RLIMIT_MSGQUEUE = 12,
    RLIMIT_NICE = 13,
    RLIMIT_RTPRIO = 14,
};

long sys_uname(struct process *p, uint64_t buf)
{
    static const char fields[6][UTS_LEN] = {"Linux",  "frame64", "6.1.0-frame64",
                                            "#1 SMP", "x86_64",  "(none)"};
    return copy_to_user(p, buf, fields, sizeof(fields));
}

long sys_getresid(struct process *p, uint64_t r, uint64_t e, uint64_t s)
{
    const uint32_t root = 0;
    if (copy_to_user(p, r, &root, 4) || copy_to_user(p, e, &root, 4) ||
        copy_to_user(p, s, &root, 4))
        return -EFAULT;
    return 0;
}

/* setuid/setgid (r only), setre*id (r, e), setres*id: -1 keeps an id (32-bit ids, as Linux). */
long sys_setid(long r, long e, long s)
{
    const long ids[3] = {r, e, s};
    for (int i = 0; i < 3; i++)
        if ((uint32_t)ids[i] != 0 && (uint32_t)ids[i] != UINT32_MAX)
            return -EPERM;
    return 0;
}

long sys_getgroups(struct process *p, long size, uint64_t list)
{
    (void)p, (void)list;
    return (int)size < 0 ? -EINVAL : 0; /* no supplementary groups */
}

long sys_setgroups(struct process *p, long size, uint64_t list)
{
    if ((int)size < 0 || size > 65536)
        return -EINVAL;
    for (long i = 0; i < size; i++) { /* only root's group keeps the one user */
        uint32_t g;
        if (copy_from_user(p, &g, list + (uint64_t)i * 4, 4))
            return -EFAULT;
        if (g != 0)
            return -EPERM;
    }
    return 0;
}

void sys_limits_init(struct process *p)
{
    for (int i = 0; i < RLIM_NLIMITS; i++)
        p->rlimit[i][0] = p->rlimit[i][1] = RLIM_INFINITY;
    p->rlimit[RLIMIT_STACK][0] = PROC_STACK_MAX;
    p->rlimit[RLIMIT_CORE][0] = 0;
    p->rlimit[RLIMIT_NOFILE][0] = 1024;
    p->rlimit[RLIMIT_NOFILE][1] = 4096;
    p->rlimit[RLIMIT_MEMLOCK][0] = p->rlimit[RLIMIT_MEMLOCK][1] = 8 << 20;
    p->rlimit[RLIMIT_MSGQUEUE][0] = p->rlimit[RLIMIT_MSGQUEUE][1] = 819200;
    p->rlimit[RLIMIT_NICE][0] = p->rlimit[RLIMIT_NICE][1] = 0;
    p->rlimit[RLIMIT_RTPRIO][0] = p->rlimit[RLIMIT_RTPRIO][1] = 0;
    p->rlimit[RLIMIT_NPROC][0] = p->rlimit[RLIMIT_NPROC][1] = 4096;
    p->rlimit[RLIMIT_SIGPENDING][0] = p->rlimit[RLIMIT_SIGPENDING][1] = 4096;
}

long sys_prlimit64(struct process *p, long pid, long resource, uint64_t new_limit,
                   uint64_t old_limit)
{
    if (pid != 0 && pid != (long)p->pid)
        return -ESRCH;
    if ((unsigned long)resource >= RLIM_NLIMITS)
        return -EINVAL;
    uint64_t lim[2];
    if (new_limit) {
        if (copy_from_user(p, lim, new_limit, sizeof(lim)))
            return -EFAULT;
        if (lim[0] > lim[1])
            return -EINVAL;
        if (resource == RLIMIT_NOFILE && lim[1] > NR_OPEN)
            return -EPERM;
    }
    if (old_limit && copy_to_user(p, old_limit, p->rlimit[resource], sizeof(lim)))
        return -EFAULT;
    if (new_limit)
        memcpy(p->rlimit[resource], lim, sizeof(lim));
    return 0;
}

long sys_sysinfo(struct process *p, uint64_t info)
{
    struct {
        int64_t uptime;
        uint64_t loads[3];
        uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
        uint16_t procs, pad;
        uint64_t totalhigh, freehigh;
        uint32_t mem_unit;
        char reserved[4];
    } si;
    memset(&si, 0, sizeof(si));
    struct frame_stats fs;
    frame_get_stats(&kernel_frames, &fs);
    si.uptime = (int64_t)((time_ns() + 999999999ull) / 1000000000ull); /* Linux rounds up */
    si.totalram = fs.total;
    si.freeram = fs.stacked + fs.unseeded;
    si.procs = 1; /* processes run one at a time on each CPU */
    for (unsigned c = 0; c < cpu_count(); c++)
        si.procs += c != cpu_index() && proc_running_on(c);
    si.mem_unit = 1;
    return copy_to_user(p, info, &si, sizeof(si));
}

long put_rusage(struct process *p, uint64_t usage, uint64_t cpu_ns, uint64_t minflt)
{
    struct {
        int64_t utime[2], stime[2]; /* struct timeval: seconds, microseconds */
        int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd,
            msgrcv, nsignals, nvcsw, nivcsw;
    } ru;
    _Static_assert(sizeof(ru) == 144, "struct rusage is 144 bytes on x86-64");
    memset(&ru, 0, sizeof(ru));
    ru.utime[0] = (int64_t)(cpu_ns / 1000000000);
    ru.utime[1] = (int64_t)(cpu_ns % 1000000000 / 1000);
    ru.minflt = (int64_t)minflt;
    return copy_to_user(p, usage, &ru, sizeof(ru)) ? -EFAULT : 0;
}

/*
 * getrusage: RUSAGE_SELF gives the process's CPU time (all of it as user time) and its page
 * faults (ru_minflt: every fault from ring 3 the kernel resolved; none is major, nothing is read
 * from a disk); RUSAGE_THREAD the same for the process; RUSAGE_CHILDREN the CPU time of the
 * children it waited for (theirs included, as Linux; their faults are not kept). The rest is 0.
 */
long sys_getrusage(struct process *p, long who, uint64_t usage)
{
    enum { RUSAGE_CHILDREN = -1, RUSAGE_SELF = 0, RUSAGE_THREAD = 1 };
    if (who != RUSAGE_SELF && who != RUSAGE_THREAD && who != RUSAGE_CHILDREN)
        return -EINVAL;
    if (who == RUSAGE_CHILDREN)
        return put_rusage(p, usage, __atomic_load_n(&p->reaped_cpu_ns, __ATOMIC_RELAXED), 0);
    /* its threads count faults under mm_lock; a word read alone needs no lock to be whole */
    return put_rusage(p, usage, proc_cpu_ns(p), __atomic_load_n(&p->page_faults, __ATOMIC_RELAXED));
}

long sys_sched_getaffinity(struct process *p, long pid, uint64_t len, uint64_t mask)
{
    const uint64_t size = (CPU_MAX + 63) / 64 * 8; /* Linux's cpumask: whole longs */
    if (pid != 0 && pid != (long)p->pid)
        return -ESRCH;
    if (len * 8 < CPU_MAX || (len & 7))
        return -EINVAL;
    uint64_t bits[(CPU_MAX + 63) / 64] = {0};
    for (unsigned c = 0; c < cpu_count(); c++)
        bits[c / 64] |= 1ull << (c % 64);
    return copy_to_user(p, mask, bits, size) ? -EFAULT : (long)size;
}

#define GRND_NONBLOCK 0x1
#define GRND_RANDOM   0x2
#define GRND_INSECURE 0x4
#define GETRANDOM_MAX 33554431u /* Linux hands out at most this much per call */

/* SplitMix64 (Steele, Lea and Flood): the fallback's mixer, over a state seeded below. */
static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t random_u64(void)
{
    uint64_t v;
    if (arch_random_u64(&boot_cpu, &v))
        return v;
    static uint64_t state; /* shared by the CPUs: a lost update only repeats a mix */
    uint64_t s = __atomic_load_n(&state, __ATOMIC_RELAXED) ^ arch_cycles() ^ wallclock_ns();
    v = splitmix(&s);
    __atomic_store_n(&state, s, __ATOMIC_RELAXED);
    return v;
}

long sys_getrandom(struct process *p, uint64_t buf, uint64_t len, long flags)
{
    if (flags & ~(long)(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
        return -EINVAL;
    if ((flags & GRND_INSECURE) && (flags & GRND_RANDOM))
        return -EINVAL;
    if (len > GETRANDOM_MAX)
        len = GETRANDOM_MAX;
    uint64_t chunk[32];
    for (uint64_t done = 0; done < len;) {
        uint64_t n = len - done < sizeof(chunk) ? len - done : sizeof(chunk);
        for (unsigned i = 0; i < 32; i++)
            chunk[i] = random_u64();
        if (copy_to_user(p, buf + done, chunk, n))
            return done ? (long)done : -EFAULT;
        done += n;
    }
    return (long)len;
}

/* getcpu: the CPU the thread runs on now (it may be moved the next moment), NUMA node 0. */
long sys_getcpu(struct process *p, uint64_t cpu, uint64_t node)
{
    uint32_t c = cpu_index(), n = 0;
    if (cpu && copy_to_user(p, cpu, &c, sizeof(c)))
        return -EFAULT;
    if (node && copy_to_user(p, node, &n, sizeof(n)))
        return -EFAULT;
    return 0;
}

long sys_prctl(struct process *p, long option, uint64_t arg)
{
    enum { PR_SET_NAME = 15, PR_GET_NAME = 16, TASK_COMM_LEN = 16 };
    char name[TASK_COMM_LEN] = {0};
    switch ((int)option) {
    case PR_SET_NAME: {
        long n = copy_string_from_user(p, name, arg, sizeof(name) - 1);
        if (n == -EFAULT)
            return n;
        n = n < 0 ? (long)sizeof(name) - 1 : n; /* longer: cut to 15 bytes, as Linux */
        uint64_t irq = irqlock_acquire(&p->lock);
        memcpy(p->name, name, (size_t)n);
        p->name[n] = '\0';
        irqlock_release(&p->lock, irq);
        return 0;
    }
    case PR_GET_NAME: {
        uint64_t irq = irqlock_acquire(&p->lock);
        memcpy(name, p->name, sizeof(name) - 1);
        irqlock_release(&p->lock, irq);
        return copy_to_user(p, arg, name, sizeof(name));
    }
    default:
        return -EINVAL; /* an option frame64 does not know (Linux's answer to one it does not) */
    }
}
