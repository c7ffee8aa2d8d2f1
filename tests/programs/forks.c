/* SPDX-License-Identifier: 0BSD */
/*
 * Processes with a lifetime (issue "Processes with a lifetime"): one phase a run, named by the
 * first argument.
 *   cow [N]:  N forks (1000 by default) in batches of 8 running at once; each child writes its
 *             own number into every page of a 64 KiB buffer it shares copy-on-write with its
 *             parent (and into a page it first touched after the fork, and its stack), checks it
 *             reads its own copy, and exits with its number's low 7 bits. The parent checks each
 *             status, getppid() in the child, and that its own buffer never changed.
 *   wait:     wait4's answers: ECHILD without children, WNOHANG on a running child, a child's
 *             exit status, a killed child's signal, vfork's parked parent.
 *   preempt [MS]: 8 children that compute for ever and never make a system call; the parent
 *             still prints its 10 lines, MS ms apart (20 by default: the monitor's session asks
 *             for longer, so that its ps comes while they run), then kills them all and waits.
 *   kill [N]: N rounds (200 by default): a child in a loop of system calls and page faults is
 *             killed with SIGKILL while it runs, and must end by that signal.
 *   bomb:     forks until the kernel says no (frame64 only: on the build host a fork bomb is no
 *             test), then kills and waits for every child.
 *   oom:      3 workers map, fill and check 1 MiB at a time while a hog touches memory until it
 *             runs out (frame64 only: on the build host it would be the host's memory); the hog,
 *             the largest resident set, must end by SIGKILL, every worker with 0.
 * Exit status: 0, or the number of the check that failed.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

#define BUF_PAGES 16
#define BATCH     8

static uint8_t buf[BUF_PAGES * PG] __attribute__((aligned(4096)));

static void check(int n, bool ok, const char *what)
{
    if (ok)
        return;
    say("forks: check %d failed: %s (errno %d)", n, what, errno);
    exit(n);
}

static void nap_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

/* A child of phase cow: its own copy of buf, a fresh page and its stack. */
static __attribute__((noreturn)) void cow_child(unsigned i, pid_t parent)
{
    volatile uint8_t local[2 * PG];
    static uint8_t fresh[PG] __attribute__((aligned(4096)));
    if (getppid() != parent)
        _exit(126);
    for (unsigned pg = 0; pg < BUF_PAGES; pg++)
        buf[pg * PG + (i % 64)] = (uint8_t)i;
    fresh[7] = (uint8_t)(i + 1);
    local[0] = (uint8_t)(i + 2);
    local[PG] = (uint8_t)(i + 3);
    for (unsigned pg = 0; pg < BUF_PAGES; pg++)
        if (buf[pg * PG + (i % 64)] != (uint8_t)i || buf[pg * PG + 100] != (uint8_t)pg)
            _exit(127);
    if (fresh[7] != (uint8_t)(i + 1) || local[0] != (uint8_t)(i + 2) ||
        local[PG] != (uint8_t)(i + 3))
        _exit(125);
    _exit((int)(i & 0x7f));
}

static int phase_cow(unsigned n)
{
    say("forks: cow: %u forks in batches of %u, each writing its own copy of 64 KiB", n, BATCH);
    for (unsigned pg = 0; pg < BUF_PAGES; pg++)
        memset(buf + pg * PG, (int)pg, PG);
    pid_t self = getpid(), pids[BATCH];
    for (unsigned i = 0; i < n; i += BATCH) {
        unsigned k = n - i < BATCH ? n - i : BATCH;
        for (unsigned j = 0; j < k; j++) {
            pids[j] = fork();
            check(1, pids[j] >= 0, "fork");
            if (pids[j] == 0)
                cow_child(i + j, self);
        }
        for (unsigned j = 0; j < k; j++) {
            int st = 0;
            check(2, waitpid(pids[j], &st, 0) == pids[j], "waitpid of a child");
            check(3, WIFEXITED(st) && WEXITSTATUS(st) == (int)((i + j) & 0x7f),
                  "a child's exit status (125-127: its copy was wrong)");
        }
    }
    for (unsigned pg = 0; pg < BUF_PAGES; pg++)
        for (unsigned b = 0; b < PG; b++)
            check(4, buf[pg * PG + b] == (uint8_t)pg, "the parent's buffer changed");
    check(5, wait(NULL) == -1 && errno == ECHILD, "wait with no children left: ECHILD");
    say("forks: cow: every child saw its own copy; the parent's buffer is unchanged");
    return 0;
}

static int phase_wait(void)
{
    say("forks: wait: wait4's answers and vfork");
    int st;
    check(10, waitpid(-1, &st, 0) == -1 && errno == ECHILD, "no children: ECHILD");
    pid_t c = fork();
    check(11, c >= 0, "fork");
    if (c == 0) {
        nap_ms(50);
        _exit(3);
    }
    check(12, waitpid(c, &st, WNOHANG) == 0, "WNOHANG on a running child: 0");
    check(13, waitpid(c + 100000, &st, 0) == -1 && errno == ECHILD, "another pid: ECHILD");
    check(14, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 3, "exit 3");
    c = fork();
    check(15, c >= 0, "fork");
    if (c == 0)
        for (;;)
            nap_ms(1000);
    check(16, kill(c, SIGKILL) == 0, "kill");
    check(17, waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "a child killed by SIGKILL");
    check(18, kill(c, 0) == -1 && errno == ESRCH, "kill of a reaped pid: ESRCH");
    check(19, kill(getpid(), 0) == 0 && kill(getpid(), 200) == -1 && errno == EINVAL,
          "kill 0 of itself; signal 200 EINVAL");
    c = fork();
    check(22, c >= 0, "fork");
    if (c == 0) {
        struct timespec t0, t;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        do /* 30 ms of CPU time, not of sleep */
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
        while ((t.tv_sec - t0.tv_sec) * 1000000000L + t.tv_nsec - t0.tv_nsec < 30000000L);
        _exit(0);
    }
    struct rusage ru;
    check(23, wait4(c, &st, 0, &ru) == c && WIFEXITED(st), "wait4 with rusage");
    long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
                  ru.ru_stime.tv_usec;
    check(24, cpu_us >= 30000 && cpu_us < 10000000, "the child's 30 ms of CPU time in rusage");
    check(25,
          getrusage(RUSAGE_CHILDREN, &ru) == 0 &&
              ru.ru_utime.tv_sec * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000L +
                      ru.ru_stime.tv_usec >=
                  30000,
          "getrusage(RUSAGE_CHILDREN) counts the waited-for child");
    c = vfork();
    check(20, c >= 0, "vfork");
    if (c == 0)
        _exit(9);
    check(21, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 9,
          "the vfork child exited 9 before the parent went on");
    say("forks: wait: ECHILD, WNOHANG, exit status, SIGKILL, ESRCH, rusage and vfork as on Linux");
    return 0;
}

static int phase_preempt(unsigned nap)
{
    say("forks: preempt: 8 children compute for ever, and the parent still prints");
    pid_t pids[8];
    for (int i = 0; i < 8; i++) {
        pids[i] = fork();
        check(30, pids[i] >= 0, "fork");
        if (pids[i] == 0)
            for (volatile uint64_t x = 0;; x++)
                ;
    }
    for (int i = 1; i <= 10; i++) {
        nap_ms(nap);
        say("forks: preempt: line %d of 10", i);
    }
    for (int i = 0; i < 8; i++) {
        int st;
        check(31, kill(pids[i], SIGKILL) == 0, "kill a spinner");
        check(32, waitpid(pids[i], &st, 0) == pids[i] && WIFSIGNALED(st) && WTERMSIG(st) == 9,
              "a spinner ended by SIGKILL");
    }
    say("forks: preempt: every spinner killed and waited for");
    return 0;
}

/* Busy with system calls and faults: mmap, touch, munmap, getppid, for ever. */
static __attribute__((noreturn)) void busy_child(void)
{
    for (;;) {
        long a = sys_mmap(NULL, 8 * PG, PROT_READ | PROT_WRITE, 0);
        if (!mmap_failed(a))
            for (int i = 0; i < 8; i++)
                ((volatile char *)a)[i * PG] = 1;
        (void)getppid();
        if (!mmap_failed(a))
            sys_munmap((void *)a, 8 * PG);
    }
}

static int phase_kill(unsigned n)
{
    say("forks: kill: %u children killed while in system calls and page faults", n);
    for (unsigned i = 0; i < n; i++) {
        pid_t c = fork();
        check(40, c >= 0, "fork");
        if (c == 0)
            busy_child();
        for (unsigned y = 0; y < i % 5; y++)
            sched_yield();
        int st;
        check(41, kill(c, SIGKILL) == 0, "kill");
        check(42, waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
              "ended by SIGKILL");
    }
    say("forks: kill: every child ended by SIGKILL");
    return 0;
}

static int phase_bomb(void)
{
    say("forks: bomb: forking until the kernel says no");
    struct utsname u;
    if (uname(&u) != 0 || !strstr(u.release, "frame64")) {
        say("forks: bomb: not on frame64: a fork bomb on the build host is no test");
        return 0;
    }
    static pid_t pids[65536];
    unsigned n = 0;
    int err = 0;
    for (;;) {
        pid_t c = fork();
        if (c == 0)
            for (;;)
                nap_ms(1000);
        if (c < 0) {
            err = errno;
            break;
        }
        check(50, n < 65536, "the kernel never said no");
        pids[n++] = c;
    }
    check(51, err == EAGAIN || err == ENOMEM, "fork failed with EAGAIN or ENOMEM");
    check(52, n >= 10, "at least 10 children");
    for (unsigned i = 0; i < n; i++)
        check(53, kill(pids[i], SIGKILL) == 0, "kill a child");
    for (unsigned i = 0; i < n; i++) {
        int st;
        check(54, waitpid(pids[i], &st, 0) == pids[i] && WIFSIGNALED(st), "wait for a child");
    }
    pid_t c = fork();
    check(55, c >= 0, "fork after the bomb");
    if (c == 0)
        _exit(0);
    check(56, waitpid(c, NULL, 0) == c, "wait after the bomb");
    /* Which answer came depends on the memory: the limit (EAGAIN) or the frames (ENOMEM). */
    say("forks: bomb: the kernel said no, every child was killed and waited for, and fork works "
        "again");
    return 0;
}

/* The memory still free, in bytes (sysinfo). */
static uint64_t free_bytes(void)
{
    struct sysinfo si;
    return sysinfo(&si) == 0 ? (uint64_t)si.freeram * si.mem_unit : 0;
}

static __attribute__((noreturn)) void worker(unsigned seed)
{
    /* Wait until the hog has taken nearly everything: the workers' pages then run out. */
    for (unsigned i = 0; i < 3000 && free_bytes() > 2 * 1024 * 1024; i++)
        nap_ms(10);
    for (unsigned round = 0; round < 30; round++) {
        long a = sys_mmap(NULL, 256 * PG, PROT_READ | PROT_WRITE, 0);
        if (mmap_failed(a))
            _exit(20);
        for (unsigned i = 0; i < 256; i++)
            ((volatile uint8_t *)a)[i * PG] = (uint8_t)(seed + round + i);
        for (unsigned i = 0; i < 256; i++)
            if (((volatile uint8_t *)a)[i * PG] != (uint8_t)(seed + round + i))
                _exit(21);
        sys_munmap((void *)a, 256 * PG);
        nap_ms(10);
    }
    _exit(0);
}

static int phase_oom(void)
{
    say("forks: oom: 3 workers and a hog that touches memory until it runs out");
    struct utsname u;
    if (uname(&u) != 0 || !strstr(u.release, "frame64")) {
        say("forks: oom: not on frame64: the build host's memory is no test");
        return 0;
    }
    /*
     * The hog takes memory until less than 1 MiB is free and then waits: the workers' next pages
     * find none, and the kernel must choose the hog (the largest) to free theirs.
     */
    pid_t w[3], hog = fork();
    check(60, hog >= 0, "fork the hog");
    if (hog == 0) {
        for (;;) {
            long a = sys_mmap(NULL, 64 * PG, PROT_READ | PROT_WRITE, 0);
            if (mmap_failed(a))
                _exit(61);
            for (unsigned i = 0; i < 64 && free_bytes() > 1024 * 1024; i++)
                ((volatile uint8_t *)a)[i * PG] = 1;
            if (free_bytes() <= 1024 * 1024)
                for (;;)
                    nap_ms(1000);
        }
    }
    for (unsigned i = 0; i < 3; i++) {
        w[i] = fork();
        check(62, w[i] >= 0, "fork a worker");
        if (w[i] == 0)
            worker(i * 77);
    }
    int st;
    for (unsigned i = 0; i < 3; i++)
        check(63, waitpid(w[i], &st, 0) == w[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "a worker finished its rounds");
    check(64, waitpid(hog, &st, 0) == hog && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
          "the hog ended by SIGKILL");
    say("forks: oom: the hog was killed, every worker finished");
    return 0;
}

int main(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : "cow";
    unsigned n = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 0;
    if (!strcmp(phase, "cow"))
        return phase_cow(n ? n : 1000);
    if (!strcmp(phase, "wait"))
        return phase_wait();
    if (!strcmp(phase, "preempt"))
        return phase_preempt(n ? n : 20);
    if (!strcmp(phase, "kill"))
        return phase_kill(n ? n : 200);
    if (!strcmp(phase, "bomb"))
        return phase_bomb();
    if (!strcmp(phase, "oom"))
        return phase_oom();
    say("forks: unknown phase %s", phase);
    return 99;
}
