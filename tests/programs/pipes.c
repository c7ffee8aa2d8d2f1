/* SPDX-License-Identifier: 0BSD */
/*
 * pipes: pipe(2), pipe2(2), poll(2) and select(2) as a shell's pipelines use them, each answer
 * printed for the line-by-line comparison with the same program on Linux: bytes through a pipe
 * between two processes (more than the pipe holds, so both sides wait), end of file when the
 * last writer closes, EAGAIN with O_NONBLOCK, EPIPE and SIGPIPE with no reader, readiness, and
 * the signal masks ppoll and pselect wait with; a FIFO (mkfifo) between two processes.
 */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

#define TOTAL (1 << 20)

/* A child writes TOTAL bytes of a pattern; the parent reads and checks them all. */
static void stream(void)
{
    int fd[2];
    if (pipe(fd))
        return;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        static unsigned char buf[3000];
        for (long sent = 0; sent < TOTAL;) {
            long n = TOTAL - sent < (long)sizeof(buf) ? TOTAL - sent : (long)sizeof(buf);
            for (long i = 0; i < n; i++)
                buf[i] = (unsigned char)((sent + i) * 7);
            long w = write(fd[1], buf, (size_t)n);
            if (w <= 0)
                _exit(1);
            sent += w;
        }
        _exit(0);
    }
    close(fd[1]);
    static unsigned char in[5000];
    long got = 0, bad = 0, n;
    while ((n = read(fd[0], in, sizeof(in))) > 0) {
        for (long i = 0; i < n; i++)
            bad += in[i] != (unsigned char)((got + i) * 7);
        got += n;
    }
    int st;
    waitpid(pid, &st, 0);
    say("pipes: %ld bytes through a pipe, %ld wrong, last read %ld, writer exit %d", got, bad, n,
        WEXITSTATUS(st));
    close(fd[0]);
}

static void readiness(void)
{
    int fd[2];
    pipe2(fd, O_NONBLOCK | O_CLOEXEC);
    char c;
    errno = 0;
    long r = read(fd[0], &c, 1);
    say("pipes: empty O_NONBLOCK read %ld %s, cloexec %d", r, errno == EAGAIN ? "EAGAIN" : "?",
        fcntl(fd[0], F_GETFD));
    struct pollfd p[2] = {{fd[0], POLLIN, 0}, {fd[1], POLLOUT, 0}};
    int ready = poll(p, 2, 0);
    say("pipes: poll: %d ready, read end %#x, write end %#x", ready, p[0].revents, p[1].revents);
    write(fd[1], "x", 1);
    p[0].revents = 0;
    ready = poll(p, 1, 100);
    say("pipes: after a write poll says %d, read end %#x", ready, p[0].revents);
    fd_set rs;
    FD_ZERO(&rs);
    FD_SET(fd[0], &rs);
    struct timeval tv = {0, 0};
    ready = select(fd[0] + 1, &rs, NULL, NULL, &tv);
    say("pipes: select says %d, read end set %d", ready, FD_ISSET(fd[0], &rs));
    long fill = 0;
    while (write(fd[1], "yyyyyyyyyyyyyyyy", 16) == 16)
        fill += 16;
    say("pipes: a full pipe: write says %s, it held at least 4096: %d",
        errno == EAGAIN ? "EAGAIN" : "?", fill + 1 >= 4096);
    close(fd[1]);
    while (read(fd[0], &c, 1) == 1)
        ;
    p[0].revents = 0;
    poll(p, 1, 0);
    say("pipes: writer gone: read end POLLHUP %d, read %ld", !!(p[0].revents & POLLHUP),
        (long)read(fd[0], &c, 1));
    close(fd[0]);
    struct pollfd bad = {99, POLLIN, 0};
    ready = poll(&bad, 1, 0);
    say("pipes: poll of a closed fd: %d, POLLNVAL %d", ready, bad.revents == POLLNVAL);
}

/* A writer with no reader: SIGPIPE ends it (the default action); ignored, it sees EPIPE. */
static void broken(void)
{
    int fd[2];
    pipe(fd);
    close(fd[0]);
    pid_t pid = fork();
    if (pid == 0) {
        write(fd[1], "z", 1);
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    say("pipes: writing to a pipe with no reader: killed by signal %d",
        WIFSIGNALED(st) ? WTERMSIG(st) : 0);
    close(fd[1]);
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

/*
 * ppoll's mask: SIGUSR1 blocked, then sent during a ppoll whose mask keeps it blocked (the wait
 * goes on until the pipe is readable), then a ppoll whose mask lets it in (its handler runs,
 * EINTR), and afterwards the old mask is back. pselect6 the same way.
 */
static void wait_masks(void)
{
    int p[2];
    (void)!pipe(p);
    sigset_t usr1, none, now;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigemptyset(&none);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    signal(SIGUSR1, on_usr1);
    pid_t parent = getpid(), c = fork();
    if (c == 0) {
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
        kill(parent, SIGUSR1);
        nanosleep(&d, NULL);
        (void)!write(p[1], "x", 1);
        _exit(0);
    }
    struct pollfd fd = {.fd = p[0], .events = POLLIN};
    int r = ppoll(&fd, 1, NULL, &usr1);
    say("ppoll with SIGUSR1 masked: %d ready, the handler ran: %s", r, got_usr1 ? "yes" : "no");
    waitpid(c, NULL, 0);
    char b;
    (void)!read(p[0], &b, 1);
    r = ppoll(&fd, 1, NULL, &none);
    say("ppoll letting the pending SIGUSR1 in: %s, the handler ran: %s",
        r < 0 && errno == EINTR ? "EINTR" : "no EINTR", got_usr1 ? "yes" : "no");
    sigprocmask(SIG_BLOCK, NULL, &now);
    say("after it SIGUSR1 is blocked again: %s", sigismember(&now, SIGUSR1) ? "yes" : "no");
    got_usr1 = 0;
    kill(getpid(), SIGUSR1);
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(p[0], &rd);
    r = pselect(p[0] + 1, &rd, NULL, NULL, NULL, &none);
    sigprocmask(SIG_BLOCK, NULL, &now);
    say("pselect letting it in: %s, the handler ran: %s, blocked again: %s",
        r < 0 && errno == EINTR ? "EINTR" : "no EINTR", got_usr1 ? "yes" : "no",
        sigismember(&now, SIGUSR1) ? "yes" : "no");
    sigprocmask(SIG_UNBLOCK, &usr1, NULL);
    signal(SIGUSR1, SIG_DFL);
    close(p[0]);
    close(p[1]);
}

/*
 * A FIFO in the tree: a writer's open waits for a reader (the child opens after 50 ms), bytes go
 * through, the reader sees end of file after the writer closes; O_NONBLOCK writer without a reader
 * is ENXIO, O_NONBLOCK reader does not wait, O_RDWR does not wait; stat says FIFO.
 */
static void fifo(void)
{
    char path[64], buf[16] = {0};
    snprintf(path, sizeof(path), "/tmp/frame64-fifo.%d", getpid());
    say("fifo: mkfifo: %s", mkfifo(path, 0600) ? strerror(errno) : "ok");
    struct stat st;
    stat(path, &st);
    say("fifo: stat says a FIFO: %s", S_ISFIFO(st.st_mode) ? "yes" : "no");
    int w = open(path, O_WRONLY | O_NONBLOCK);
    say("fifo: O_NONBLOCK writer without a reader: %s",
        w < 0 && errno == ENXIO ? "ENXIO" : "opened");
    pid_t c = fork();
    if (c == 0) {
        struct timespec d = {0, 50000000};
        nanosleep(&d, NULL);
        int r = open(path, O_RDONLY);
        long n = read(r, buf, sizeof(buf) - 1);
        long end = read(r, buf + 8, 1);
        _exit(n == 5 && !memcmp(buf, "hello", 5) && end == 0 ? 0 : 1);
    }
    w = open(path, O_WRONLY); /* waits for the child's reader */
    say("fifo: a writer's open waited for the reader: %s", w >= 0 ? "opened" : strerror(errno));
    (void)!write(w, "hello", 5);
    close(w);
    int status = 0;
    waitpid(c, &status, 0);
    say("fifo: the reader got the bytes, then end of file: %s",
        WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "yes" : "no");
    int r = open(path, O_RDONLY | O_NONBLOCK);
    say("fifo: O_NONBLOCK reader without a writer: %s, read says %ld", r >= 0 ? "opened" : "failed",
        r >= 0 ? (long)read(r, buf, 1) : -1L);
    close(r);
    int rw = open(path, O_RDWR);
    (void)!write(rw, "xy", 2);
    say("fifo: O_RDWR opens at once and reads its own bytes: %ld", (long)read(rw, buf, 2));
    close(rw);
    say("fifo: unlink: %s", unlink(path) ? strerror(errno) : "ok");
}

int main(void)
{
    say("pipes: pipes, poll and select");
    stream();
    readiness();
    broken();
    wait_masks();
    fifo();
    return 0;
}
