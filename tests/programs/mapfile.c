/* SPDX-License-Identifier: 0BSD */
/*
 * mapfile: mmap of a file as a program uses it, each answer printed so the run on frame64 can be
 * compared line by line with the same program on Linux: private mappings (copy on the program's
 * write, the file's later writes showing through untouched pages, zeros after the end in the
 * last page), shared ones (writes both ways, across fork), offsets, the refusals (EACCES, EINVAL,
 * ENODEV, EBADF), SIGBUS past the end of a shared mapping, a file unlinked while mapped. Works in
 * a directory of its own under /tmp and removes everything, so the kernel's "frames leaked: 0"
 * after it says the file's frames came back whatever let go of them last.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "progs.h"

static char base[64];

static const char *err_name(long r)
{
    if (r >= 0)
        return "ok";
    switch (-r) {
    case EACCES:
        return "EACCES";
    case EINVAL:
        return "EINVAL";
    case ENODEV:
        return "ENODEV";
    case EBADF:
        return "EBADF";
    case ENOMEM:
        return "ENOMEM";
    default:
        return "another error";
    }
}

/* mmap as the kernel answers it: the address, or -errno. */
static long map(size_t len, int prot, int flags, int fd, long off)
{
    return raw6(SYS_mmap, 0, (long)len, prot, flags, fd, off);
}

/* The byte page p of the test file starts with: its pattern. */
static char pattern(long p, long i)
{
    return (char)('a' + (p * 7 + i) % 26);
}

/* A file of n pages and tail bytes, each page of its own pattern. Return: its descriptor. */
static int make_file(const char *name, long n, long tail, int flags)
{
    static char page[PG];
    int fd = open(name, O_CREAT | O_TRUNC | O_RDWR, 0600);
    for (long p = 0; p <= n; p++) {
        for (long i = 0; i < (long)PG; i++)
            page[i] = pattern(p, i);
        (void)!write(fd, page, p < n ? PG : (size_t)tail);
    }
    close(fd);
    return open(name, flags);
}

static bool same_as_pattern(const char *m, long p, long n)
{
    for (long i = 0; i < n; i++)
        if (m[i] != pattern(p, i))
            return false;
    return true;
}

static void private_maps(void)
{
    int fd = make_file("p", 3, 100, O_RDWR);
    long r = map(4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    say("private: mmap of 3 pages and 100 bytes: %s", err_name(r));
    if (mmap_failed(r))
        return;
    char *m = (char *)r;
    bool same = true, zeros = true;
    for (long p = 0; p < 3; p++)
        same &= same_as_pattern(m + p * PG, p, PG);
    same &= same_as_pattern(m + 3 * PG, 3, 100);
    for (long i = 100; i < (long)PG; i++)
        zeros &= m[3 * PG + i] == 0;
    say("private: the bytes are the file's: %s; the last page is zeros after the end: %s",
        same ? "yes" : "no", zeros ? "yes" : "no");
    m[0] = 'X';
    char c = 0;
    (void)!pread(fd, &c, 1, 0);
    say("private: a write to the mapping reaches the file: %s", c == 'X' ? "yes" : "no");
    (void)!pwrite(fd, "YZ", 2, PG + 10);
    say("private: the file's later write shows in an untouched page: %s; in the written page: %s",
        m[PG + 10] == 'Y' ? "yes" : "no", m[0] == 'X' ? "the program's byte" : "the file's byte");
    (void)!pwrite(fd, "W", 1, 1);
    say("private: the file's write to a page the program wrote shows: %s",
        m[1] == 'W' ? "yes" : "no");
    say("private: munmap: %s", err_name(sys_munmap(m, 4 * PG)));

    r = map(PG, PROT_READ, MAP_PRIVATE, fd, 2 * PG);
    say("private: one page at offset 8192: %s, its first byte is page 2's: %s", err_name(r),
        !mmap_failed(r) && *(char *)r == pattern(2, 0) ? "yes" : "no");
    if (!mmap_failed(r))
        sys_munmap((void *)r, PG);
    close(fd);
    fd = open("p", O_RDONLY);
    r = map(PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    say("private: writable of a file opened read-only: %s", err_name(r));
    if (!mmap_failed(r)) {
        ((char *)r)[0] = 'Q';
        c = 0;
        (void)!pread(fd, &c, 1, 0);
        say("private: written, the file keeps its byte: %s", c == pattern(0, 0) ? "yes" : "no");
        sys_munmap((void *)r, PG);
    }
    close(fd);
    unlink("p");
}

static void shared_maps(void)
{
    int fd = make_file("s", 2, 0, O_RDWR);
    long r = map(2 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    say("shared: mmap of 2 pages: %s", err_name(r));
    if (mmap_failed(r))
        return;
    char *m = (char *)r;
    memcpy(m + 5, "hello", 5);
    char buf[6] = {0};
    (void)!pread(fd, buf, 5, 5);
    say("shared: a write to the mapping reaches the file: %s", buf);
    (void)!pwrite(fd, "world", 5, PG + 1);
    say("shared: the file's write shows in the mapping: %.5s", m + PG + 1);
    pid_t child = fork();
    if (child == 0) {
        memcpy(m + 100, "child", 5);
        _exit(0);
    }
    int st;
    waitpid(child, &st, 0);
    memset(buf, 0, sizeof(buf));
    (void)!pread(fd, buf, 5, 100);
    say("shared: the child's write through the inherited mapping: %s", buf);
    say("shared: munmap: %s", err_name(sys_munmap(m, 2 * PG)));
    close(fd);

    fd = open("s", O_RDONLY);
    r = map(PG, PROT_READ, MAP_SHARED, fd, 0);
    say("shared: read-only of a file opened read-only: %s", err_name(r));
    if (!mmap_failed(r)) {
        say("shared: mprotect to writable: %s",
            err_name(sys_mprotect((void *)r, PG, PROT_READ | PROT_WRITE)));
        say("shared: it reads %.5s", (char *)r + 5);
        sys_munmap((void *)r, PG);
    }
    say("shared: writable of a file opened read-only: %s",
        err_name(map(PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
    close(fd);
    fd = open("s", O_RDWR | O_APPEND);
    say("shared: writable of a file opened for appending: %s",
        err_name(map(PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)));
    close(fd);

    /* Past the end: page 1 of a one-page file. */
    fd = make_file("e", 1, 0, O_RDWR);
    r = map(2 * PG, PROT_READ, MAP_SHARED, fd, 0);
    child = fork();
    if (child == 0) {
        volatile char x = ((char *)r)[PG];
        (void)x;
        _exit(0);
    }
    waitpid(child, &st, 0);
    say("shared: a read past the end of the file: %s",
        WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS ? "SIGBUS" : "something else");
    unlink("e");
    say("shared: after unlink the mapping still reads the file: %s",
        same_as_pattern((char *)r, 0, PG) ? "yes" : "no");
    sys_munmap((void *)r, 2 * PG);
    close(fd);
    unlink("s");
}

static void refusals(void)
{
    int fd = make_file("r", 1, 0, O_WRONLY);
    say("refused: a file opened write-only: %s", err_name(map(PG, PROT_READ, MAP_PRIVATE, fd, 0)));
    close(fd);
    fd = open("r", O_RDONLY);
    say("refused: an offset not page aligned: %s",
        err_name(map(PG, PROT_READ, MAP_PRIVATE, fd, 100)));
    say("refused: no sharing type: %s", err_name(map(PG, PROT_READ, 0, fd, 0)));
    close(fd);
    say("refused: a closed descriptor: %s", err_name(map(PG, PROT_READ, MAP_PRIVATE, fd, 0)));
    int p[2];
    (void)!pipe(p);
    say("refused: a pipe: %s", err_name(map(PG, PROT_READ, MAP_PRIVATE, p[0], 0)));
    close(p[0]);
    close(p[1]);
    fd = open(".", O_RDONLY);
    say("refused: a directory: %s", err_name(map(PG, PROT_READ, MAP_PRIVATE, fd, 0)));
    close(fd);
    fd = open("/dev/zero", O_RDWR);
    long r = map(2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    say("/dev/zero: private: %s, reads zeros: %s", err_name(r),
        !mmap_failed(r) && ((char *)r)[PG + 5] == 0 ? "yes" : "no");
    if (!mmap_failed(r))
        sys_munmap((void *)r, 2 * PG);
    close(fd);
    unlink("r");
}

/* A 4 MiB file read through a shared mapping, its sum against read()'s. */
static void large(void)
{
    int fd = make_file("l", 1024, 0, O_RDONLY);
    long r = map(1024 * PG, PROT_READ, MAP_SHARED, fd, 0);
    unsigned long sum = 0, want = 0;
    static char page[PG];
    for (long p = 0; !mmap_failed(r) && p < 1024; p++)
        for (long i = 0; i < (long)PG; i += 64)
            sum += (unsigned char)((char *)r)[p * PG + i];
    for (long p = 0; p < 1024; p++) {
        (void)!read(fd, page, PG);
        for (long i = 0; i < (long)PG; i += 64)
            want += (unsigned char)page[i];
    }
    say("large: 4 MiB mapped shared: %s, sums agree: %s", err_name(r), sum == want ? "yes" : "no");
    if (!mmap_failed(r))
        sys_munmap((void *)r, 1024 * PG);
    close(fd);
    unlink("l");
}

int main(void)
{
    snprintf(base, sizeof(base), "/tmp/frame64-mapfile.%d", getpid());
    if (mkdir(base, 0700) || chdir(base)) {
        say("mapfile: cannot make %s", base);
        return 1;
    }
    say("mapfile: mmap of files, private and shared");
    private_maps();
    shared_maps();
    refusals();
    large();
    (void)!chdir("/");
    say("mapfile: rmdir the work directory: %s", rmdir(base) ? "failed" : "ok");
    return 0;
}
