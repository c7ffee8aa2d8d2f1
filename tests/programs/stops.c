/* SPDX-License-Identifier: 0BSD */
/*
 * stops: job control's signals as a shell uses them, each answer printed so the run on frame64
 * can be compared line by line with the same program on Linux: SIGSTOP and SIGTSTP stop a child
 * (wait4's WUNTRACED reports it once), SIGCONT continues it (WCONTINUED), SIGCHLD says
 * CLD_STOPPED and CLD_CONTINUED unless SA_NOCLDSTOP, a handled SIGTSTP does not stop, a fatal
 * signal ends a stopped child, every thread of a stopped process is still, and a read the stop
 * cut short goes on after SIGCONT.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

static volatile sig_atomic_t chld_code, chld_count;

static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_code = si->si_code;
    chld_count++;
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&ts, &ts) && errno == EINTR)
        ;
}

static const char *how(int st)
{
    static char buf[64];
    if (WIFSTOPPED(st))
        snprintf(buf, sizeof(buf), "stopped by %s",
                 WSTOPSIG(st) == SIGSTOP   ? "SIGSTOP"
                 : WSTOPSIG(st) == SIGTSTP ? "SIGTSTP"
                                           : "another");
    else if (WIFCONTINUED(st))
        snprintf(buf, sizeof(buf), "continued");
    else if (WIFSIGNALED(st))
        snprintf(buf, sizeof(buf), "killed by signal %d", WTERMSIG(st));
    else if (WIFEXITED(st))
        snprintf(buf, sizeof(buf), "exited %d", WEXITSTATUS(st));
    else
        snprintf(buf, sizeof(buf), "status %#x", st);
    return buf;
}

/*
 * A child that waits for signals for ever, in a process group of its own: a group whose members'
 * parents are all outside it in the same session is not orphaned, so SIGTSTP may stop it however
 * the test itself was started (Linux drops SIGTSTP's stop in an orphaned group).
 */
static pid_t idle_child(void)
{
    pid_t c = fork();
    if (c == 0) {
        setpgid(0, 0);
        for (;;)
            pause();
    }
    setpgid(c, c); /* before any signal: either side may run first */
    return c;
}

/* A child in a session of its own (so an orphaned group) sends itself SIGTSTP: dropped. */
static void orphaned_tstp(void)
{
    pid_t c = fork();
    if (c == 0) {
        setsid();
        raise(SIGTSTP);
        _exit(5);
    }
    int st = 0;
    waitpid(c, &st, WUNTRACED);
    say("SIGTSTP in an orphaned process group: the child %s", how(st));
    if (WIFSTOPPED(st)) {
        kill(c, SIGKILL);
        waitpid(c, &st, 0);
    }
}

static void stop_and_continue(void)
{
    int st = 0;
    pid_t c = idle_child();
    kill(c, SIGSTOP);
    pid_t r = waitpid(c, &st, WUNTRACED);
    say("SIGSTOP: waitpid WUNTRACED: %s, %s", r == c ? "the child" : "not the child", how(st));
    r = waitpid(c, &st, WUNTRACED | WNOHANG);
    say("SIGSTOP: asked again: %s", r == 0 ? "nothing new" : how(st));
    kill(c, SIGCONT);
    r = waitpid(c, &st, WCONTINUED);
    say("SIGCONT: waitpid WCONTINUED: %s, %s", r == c ? "the child" : "not the child", how(st));
    kill(c, SIGTSTP);
    r = waitpid(c, &st, WUNTRACED);
    say("SIGTSTP: %s", how(st));
    kill(c, SIGTERM);
    nap(50);
    r = waitpid(c, &st, WNOHANG);
    say("SIGTERM to the stopped child: %s", r == 0 ? "it stays stopped" : how(st));
    kill(c, SIGCONT);
    r = waitpid(c, &st, 0);
    say("SIGCONT after it: %s", how(st));
}

static void chld_codes(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_RESTART;
    sigaction(SIGCHLD, &sa, NULL);
    int st = 0;
    pid_t c = idle_child();
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    nap(20);
    say("SIGCHLD on a stop: %s", chld_code == CLD_STOPPED ? "CLD_STOPPED" : "something else");
    kill(c, SIGCONT);
    waitpid(c, &st, WCONTINUED);
    nap(20);
    say("SIGCHLD on a continue: %s",
        chld_code == CLD_CONTINUED ? "CLD_CONTINUED" : "something else");
    sa.sa_flags |= SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    int before = chld_count;
    kill(c, SIGSTOP);
    waitpid(c, &st, WUNTRACED);
    kill(c, SIGCONT);
    waitpid(c, &st, WCONTINUED);
    nap(20);
    say("SA_NOCLDSTOP: SIGCHLDs on a stop and a continue: %d", chld_count - before);
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    say("SIGKILL: %s", how(st));
    signal(SIGCHLD, SIG_DFL);
}

static void on_tstp(int sig)
{
    (void)sig;
    (void)!write(1, "", 0);
}

static void handled_tstp(void)
{
    int p[2];
    (void)!pipe(p);
    pid_t c = fork();
    if (c == 0) {
        sigset_t block, none;
        sigemptyset(&block);
        sigaddset(&block, SIGTSTP);
        sigemptyset(&none);
        sigprocmask(SIG_BLOCK, &block, NULL); /* until the wait: the signal cannot come early */
        signal(SIGTSTP, on_tstp);
        (void)!write(p[1], "r", 1);
        sigsuspend(&none); /* SIGTSTP's handler ends it */
        (void)!write(p[1], "h", 1);
        _exit(0);
    }
    char b[2] = {0};
    (void)!read(p[0], b, 1);
    kill(c, SIGTSTP);
    (void)!read(p[0], b, 1);
    int st = 0;
    waitpid(c, &st, WUNTRACED);
    say("a handled SIGTSTP: the handler ran (%s), the child %s", b[0] == 'h' ? "yes" : "no",
        how(st));
    close(p[0]);
    close(p[1]);
}

static int tick_fd;

static void *ticker(void *arg)
{
    (void)arg;
    for (;;) {
        (void)!write(tick_fd, "t", 1);
        nap(5);
    }
    return NULL;
}

/* Two threads write ticks; stopped, none may come; continued, they come again. */
static void threads_stop(void)
{
    int p[2];
    (void)!pipe(p);
    pid_t c = fork();
    if (c == 0) {
        close(p[0]);
        tick_fd = p[1];
        pthread_t t;
        pthread_create(&t, NULL, ticker, NULL);
        ticker(NULL);
    }
    close(p[1]);
    char buf[4096];
    (void)!read(p[0], buf, 1); /* running */
    kill(c, SIGSTOP);
    int st = 0;
    waitpid(c, &st, WUNTRACED);
    fcntl(p[0], F_SETFL, O_NONBLOCK);
    while (read(p[0], buf, sizeof(buf)) > 0)
        ;
    nap(100);
    long n = read(p[0], buf, sizeof(buf));
    say("threads: stopped, %s", n < 0 && errno == EAGAIN ? "no tick came in 100 ms" : "ticks came");
    kill(c, SIGCONT);
    fcntl(p[0], F_SETFL, 0);
    n = read(p[0], buf, 1);
    say("threads: continued, ticks come again: %s", n == 1 ? "yes" : "no");
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
    close(p[0]);
}

/* A read cut short by the stop is restarted after SIGCONT: its data still arrives. */
static void read_goes_on(void)
{
    int p[2], q[2];
    (void)!pipe(p);
    (void)!pipe(q);
    pid_t c = fork();
    if (c == 0) {
        char b = 0;
        (void)!write(q[1], "r", 1);
        long n = read(p[0], &b, 1);
        _exit(n == 1 && b == 'x' ? 7 : 1);
    }
    char b;
    (void)!read(q[0], &b, 1);
    nap(20); /* in its read */
    kill(c, SIGSTOP);
    int st = 0;
    waitpid(c, &st, WUNTRACED);
    kill(c, SIGCONT);
    (void)!write(p[1], "x", 1);
    waitpid(c, &st, 0);
    say("a read the stop cut short: the child %s", how(st));
}

int main(void)
{
    say("stops: job control signals: stop, continue, and what the parent hears");
    stop_and_continue();
    chld_codes();
    handled_tstp();
    threads_stop();
    read_goes_on();
    orphaned_tstp();
    return 0;
}
