/* SPDX-License-Identifier: 0BSD */
/*
 * What processes cost (bench/procbench.sh runs it on frame64 and on Debian's Linux under the
 * same QEMU): a null system call, clock_gettime through the C library (the vDSO where the kernel
 * offers one) and as a system call, fork+exit+wait, a copy-on-write fault, a futex wake-up round
 * trip between two threads (two switches), and a switch between two processes that yield to each
 * other. Each figure is the median of several runs of many operations, in microseconds. As PID 1 of
 * a Linux initramfs it powers the machine off when done.
 */
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

#define RUNS               7
#define FUTEX_WAIT         0
#define FUTEX_WAKE         1
#define FUTEX_PRIVATE_FLAG 128

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v)
{
    qsort(v, RUNS, sizeof(v[0]), by_value);
    return v[RUNS / 2];
}

static double fork_exit_wait(void)
{
    enum { N = 100 };
    uint64_t t0 = now_ns();
    for (int i = 0; i < N; i++) {
        pid_t c = fork();
        if (c == 0)
            _exit(0);
        waitpid(c, NULL, 0);
    }
    return (double)(now_ns() - t0) / N / 1000;
}

static uint8_t area[256 * PG] __attribute__((aligned(4096)));

/* The child writes one byte in each of 256 pages it shares copy-on-write; it reports through its
 * exit status (microseconds per fault, at most 255: TCG makes a fault tens of them). */
static double cow_fault(void)
{
    memset(area, 1, sizeof(area));
    pid_t c = fork();
    if (c == 0) {
        uint64_t t0 = now_ns();
        for (unsigned i = 0; i < 256; i++)
            area[i * PG] = 2;
        uint64_t us = (now_ns() - t0) / 256 / 1000;
        _exit(us > 255 ? 255 : (int)us);
    }
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static volatile uint32_t word;

static long futex(volatile uint32_t *w, int op, uint32_t val)
{
    return raw6(SYS_futex, (long)w, op | FUTEX_PRIVATE_FLAG, val, 0, 0, 0);
}

static void *echo(void *arg)
{
    long n = (long)arg;
    for (long i = 0; i < n; i++) {
        while (word == 0)
            futex(&word, FUTEX_WAIT, 0);
        word = 0;
        futex(&word, FUTEX_WAKE, 1);
    }
    return NULL;
}

static double futex_round_trip(void)
{
    enum { N = 500 };
    pthread_t t;
    word = 0;
    pthread_create(&t, NULL, echo, (void *)(long)N);
    uint64_t t0 = now_ns();
    for (int i = 0; i < N; i++) {
        word = 1;
        futex(&word, FUTEX_WAKE, 1);
        while (word == 1)
            futex(&word, FUTEX_WAIT, 1);
    }
    double us = (double)(now_ns() - t0) / N / 1000;
    pthread_join(t, NULL);
    return us;
}

static double null_call(void)
{
    enum { N = 2000 };
    uint64_t t0 = now_ns();
    for (int i = 0; i < N; i++)
        raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
    return (double)(now_ns() - t0) / N / 1000;
}

/* CLOCK_MONOTONIC through musl's clock_gettime (the vDSO), or as the system call itself. */
static double clock_read(bool syscall)
{
    enum { N = 2000 };
    struct timespec t;
    uint64_t t0 = now_ns();
    for (int i = 0; i < N; i++)
        if (syscall)
            raw6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0, 0, 0, 0);
        else
            clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(now_ns() - t0) / N / 1000;
}

static double yield_switch(void)
{
    enum { N = 1000 };
    pid_t c = fork();
    if (c == 0) {
        for (int i = 0; i < N; i++)
            sched_yield();
        _exit(0);
    }
    uint64_t t0 = now_ns();
    for (int i = 0; i < N; i++)
        sched_yield();
    waitpid(c, NULL, 0);
    return (double)(now_ns() - t0) / (2 * N) / 1000;
}

int main(void)
{
    double v[RUNS];
    say("procbench: medians of %d runs, microseconds", RUNS);
    for (int r = 0; r < RUNS; r++)
        v[r] = null_call();
    say("procbench: getpid system call    %10.2f", median(v));
    for (int r = 0; r < RUNS; r++)
        v[r] = clock_read(false);
    say("procbench: clock_gettime, vDSO  %10.3f", median(v));
    for (int r = 0; r < RUNS; r++)
        v[r] = clock_read(true);
    say("procbench: clock_gettime, syscall %9.2f", median(v));
    for (int r = 0; r < RUNS; r++)
        v[r] = fork_exit_wait();
    say("procbench: fork+exit+wait        %10.1f", median(v));
    for (int r = 0; r < RUNS; r++)
        v[r] = cow_fault();
    say("procbench: copy-on-write fault   %10.1f", median(v));
    for (int r = 0; r < RUNS; r++)
        v[r] = futex_round_trip();
    say("procbench: futex round trip      %10.1f", median(v));
    for (int r = 0; r < RUNS; r++)
        v[r] = yield_switch();
    say("procbench: yield to a process    %10.1f", median(v));
    if (getpid() == 1)
        reboot(RB_POWER_OFF);
    return 0;
}
