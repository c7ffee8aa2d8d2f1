/* SPDX-License-Identifier: 0BSD */
/*
 * Threads (issue "Processes with a lifetime"): musl's pthreads on clone, futex and
 * CLONE_CHILD_CLEARTID. One phase a run, named by the first argument.
 *   sum [N]: 8 threads each add 1 N times (100000 by default) to one counter under one mutex;
 *            the sum must be exact, every thread joined.
 *   kill:    a child process whose 8 threads contend for a mutex is killed with SIGKILL (its
 *            parent sends it to one of its threads with tgkill); the whole child ends by SIGKILL.
 *   ids:     gettid differs per thread and is the PID in the first; exit() of one thread leaves
 *            the others running; exit_group's status wins.
 * Exit status: 0, or the number of the check that failed.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

#define THREADS 8

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static volatile unsigned long counter;
static unsigned long rounds;

static void check(int n, bool ok, const char *what)
{
    if (ok)
        return;
    say("threads: check %d failed: %s (errno %d)", n, what, errno);
    exit(n);
}

static void *adder(void *arg)
{
    (void)arg;
    for (unsigned long i = 0; i < rounds; i++) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return (void *)raw6(SYS_gettid, 0, 0, 0, 0, 0, 0);
}

static int phase_sum(unsigned long n)
{
    say("threads: sum: %d threads add 1 %lu times each under one mutex", THREADS, n);
    rounds = n;
    pthread_t t[THREADS];
    for (int i = 0; i < THREADS; i++)
        check(1, pthread_create(&t[i], NULL, adder, NULL) == 0, "pthread_create");
    long tids[THREADS];
    for (int i = 0; i < THREADS; i++) {
        void *r;
        check(2, pthread_join(t[i], &r) == 0, "pthread_join");
        tids[i] = (long)r;
    }
    for (int i = 0; i < THREADS; i++)
        for (int j = 0; j < i; j++)
            check(3, tids[i] != tids[j] && tids[i] != getpid(), "thread IDs differ");
    check(4, counter == THREADS * n, "the sum is exact");
    say("threads: sum: %lu, exact; every thread joined", counter);
    return 0;
}

static void *spinner(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&lock);
        counter++;
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static int phase_kill(void)
{
    say("threads: kill: a process of 8 threads killed with SIGKILL through one thread");
    for (int round = 0; round < 20; round++) {
        int pipefd[2] = {-1, -1};
        (void)pipefd;
        pid_t c = fork();
        check(10, c >= 0, "fork");
        if (c == 0) {
            pthread_t t;
            for (int i = 0; i < THREADS; i++)
                if (pthread_create(&t, NULL, spinner, NULL) != 0)
                    _exit(90);
            for (;;)
                spinner(NULL);
        }
        struct timespec nap = {0, 2000000};
        nanosleep(&nap, NULL);
        check(11, raw6(SYS_tgkill, c, c, SIGKILL, 0, 0, 0) == 0, "tgkill");
        int st;
        check(12, waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
              "the child ended by SIGKILL");
    }
    say("threads: kill: 20 processes of 8 threads each ended by SIGKILL");
    return 0;
}

static void *quitter(void *arg)
{
    (void)arg;
    raw6(SYS_exit, 5, 0, 0, 0, 0, 0); /* this thread only */
    return NULL;
}

static int phase_ids(void)
{
    say("threads: ids: gettid, exit of one thread, exit_group");
    check(20, raw6(SYS_gettid, 0, 0, 0, 0, 0, 0) == getpid(), "the first thread's ID is the PID");
    pthread_t t;
    check(21, pthread_create(&t, NULL, quitter, NULL) == 0, "pthread_create");
    struct timespec nap = {0, 20000000};
    nanosleep(&nap, NULL);
    pid_t c = fork();
    check(22, c >= 0, "fork");
    if (c == 0) {
        pthread_t u;
        pthread_create(&u, NULL, spinner, NULL);
        exit(6); /* exit_group: the spinning thread goes too */
    }
    int st;
    check(23, waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 6,
          "exit_group's status with another thread still running");
    say("threads: ids: as on Linux");
    return 0;
}

int main(int argc, char **argv)
{
    const char *phase = argc > 1 ? argv[1] : "sum";
    unsigned long n = argc > 2 ? strtoul(argv[2], NULL, 0) : 0;
    if (!strcmp(phase, "sum"))
        return phase_sum(n ? n : 100000);
    if (!strcmp(phase, "kill"))
        return phase_kill();
    if (!strcmp(phase, "ids"))
        return phase_ids();
    say("threads: unknown phase %s", phase);
    return 99;
}
