/* SPDX-License-Identifier: 0BSD */
/*
 * files: the file system calls as a program uses them, each answer printed so the run on frame64
 * can be compared line by line with the same program on Linux. Works in a directory of its own
 * under /tmp and removes everything it made, so the kernel's "frames leaked: 0" after it also
 * says every page of its files came back.
 *
 *   files                 the calls and their errors
 *   files big N R [shmem] writes an N MiB file and deletes it, R times; with "shmem", checks in
 *                         /proc/meminfo that the file's pages are counted while it lives and
 *                         come back after each delete (frame64's runs only: on a shared host
 *                         other programs move Shmem too)
 *   files fill            writes until the file system is full: one short write, then ENOSPC
 *                         (not a crash), the full file system's other answers, then the delete
 *                         gives every page back (a tmpfs answers the same; frame64's runs only,
 *                         since on the build host it would fill the host's /tmp)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "progs.h"

static char base[64];

/* "ok", or the errno's name: the two systems must agree on the words, not on numbers. */
static const char *err_name(long r)
{
    if (r >= 0)
        return "ok";
    switch (errno) {
    case ENOENT:
        return "ENOENT";
    case EEXIST:
        return "EEXIST";
    case ENOTDIR:
        return "ENOTDIR";
    case EISDIR:
        return "EISDIR";
    case ENOTEMPTY:
        return "ENOTEMPTY";
    case EINVAL:
        return "EINVAL";
    case EBADF:
        return "EBADF";
    case ELOOP:
        return "ELOOP";
    case ENAMETOOLONG:
        return "ENAMETOOLONG";
    case ESPIPE:
        return "ESPIPE";
    case ERANGE:
        return "ERANGE";
    case EXDEV:
        return "EXDEV";
    case EPERM:
        return "EPERM";
    case EBUSY:
        return "EBUSY";
    case EFAULT:
        return "EFAULT";
    case ENOSPC:
        return "ENOSPC";
    case ENOMEM:
        return "ENOMEM";
    default:
        return "another error";
    }
}

#define SHOW(what, expr)                                                                           \
    do {                                                                                           \
        errno = 0;                                                                                 \
        long r_ = (long)(expr);                                                                    \
        say("files: %-44s %s", what, err_name(r_));                                                \
    } while (0)

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted names of a directory but "." and "..", on one line. */
static void list(const char *dir)
{
    DIR *d = opendir(dir);
    char *names[32], line[200] = "";
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)) && n < 32)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            names[n++] = strdup(e->d_name);
    if (d)
        closedir(d);
    qsort(names, (size_t)n, sizeof(names[0]), cmp);
    for (int i = 0; i < n; i++) {
        strcat(line, " ");
        strcat(line, names[i]);
        free(names[i]);
    }
    say("files: listing %s:%s", dir + strlen(base), line);
}

static void basics(void)
{
    char buf[64];
    struct stat st;
    SHOW("open of a missing file", open("nope", O_RDONLY));
    int fd = open("a", O_CREAT | O_RDWR | O_TRUNC, 0644);
    SHOW("create a", fd);
    SHOW("write 10 bytes", write(fd, "0123456789", 10));
    long cur = (long)lseek(fd, 0, SEEK_CUR), end = (long)lseek(fd, -3, SEEK_END);
    say("files: lseek(0, SEEK_CUR) = %ld, SEEK_END-3 = %ld", cur, end);
    long n = read(fd, buf, sizeof(buf));
    say("files: read after SEEK_END-3: %ld \"%.*s\"", n, (int)(n > 0 ? n : 0), buf);
    SHOW("lseek to -1", lseek(fd, -1, SEEK_SET));
    long pw = (long)pwrite(fd, "xy", 2, 20);
    fstat(fd, &st);
    say("files: pwrite at 20: %ld, size %ld", pw, (long)st.st_size);
    n = pread(fd, buf, 22, 0);
    say("files: pread 22 from 0: %ld, byte 15 is %d, byte 21 '%c'", n, buf[15], buf[21]);
    SHOW("ftruncate to 4", ftruncate(fd, 4));
    fstat(fd, &st);
    say("files: size %ld, regular %d, nlink %ld", (long)st.st_size, S_ISREG(st.st_mode),
        (long)st.st_nlink);
    struct iovec v[2] = {{"ab", 2}, {"cd", 2}};
    lseek(fd, 0, SEEK_END);
    say("files: writev 2+2: %ld", (long)writev(fd, v, 2));
    char x[3] = {0}, y[6] = {0};
    struct iovec r[2] = {{x, 2}, {y, 5}};
    lseek(fd, 0, SEEK_SET);
    say("files: readv: %ld \"%s\" \"%s\"", (long)readv(fd, r, 2), x, y);
    int d = dup(fd);
    lseek(fd, 2, SEEK_SET);
    say("files: dup shares the offset: %ld", (long)lseek(d, 0, SEEK_CUR));
    SHOW("dup2 to 40", dup2(fd, 40));
    int ce = open("a", O_RDONLY | O_CLOEXEC);
    say("files: F_GETFD of dup2 %d, of O_CLOEXEC open %d", fcntl(40, F_GETFD), fcntl(ce, F_GETFD));
    close(ce);
    SHOW("dup3 with the same fd", dup3(40, 40, 0));
    say("files: F_GETFL access mode %d, append %d", fcntl(fd, F_GETFL) & O_ACCMODE,
        !!(fcntl(fd, F_GETFL) & O_APPEND));
    fcntl(fd, F_SETFL, O_APPEND);
    lseek(fd, 0, SEEK_SET);
    write(fd, "Z", 1);
    say("files: after O_APPEND write the offset is %ld", (long)lseek(fd, 0, SEEK_CUR));
    SHOW("close 40", close(40));
    SHOW("close 40 again", close(40));
    SHOW("read from a closed fd", read(40, buf, 1));
    int ro = open("a", O_RDONLY);
    SHOW("write to a read-only fd", write(ro, "q", 1));
    SHOW("lseek on a bad fd", lseek(99, 0, SEEK_SET));
    close(ro);
    close(d);
    close(fd);
}

static void names(void)
{
    char buf[128];
    SHOW("mkdir d", mkdir("d", 0755));
    SHOW("mkdir d again", mkdir("d", 0755));
    SHOW("mkdir under a file", mkdir("a/x", 0755));
    SHOW("create d/f", close(open("d/f", O_CREAT | O_WRONLY, 0600)));
    SHOW("rmdir d (not empty)", rmdir("d"));
    SHOW("unlink d", unlink("d"));
    SHOW("rmdir a", rmdir("a"));
    SHOW("open d for writing", open("d", O_WRONLY));
    SHOW("O_DIRECTORY of a file", open("a", O_RDONLY | O_DIRECTORY));
    SHOW("O_CREAT|O_EXCL of a", open("a", O_CREAT | O_EXCL | O_WRONLY, 0600));
    SHOW("link a b", link("a", "b"));
    struct stat st;
    stat("a", &st);
    say("files: nlink of a after link: %ld", (long)st.st_nlink);
    SHOW("rename b over d/f", rename("b", "d/f"));
    SHOW("rename d into itself", rename("d", "d/e"));
    SHOW("rename a file over a dir", rename("a", "d"));
    SHOW("symlink s -> a", symlink("a", "s"));
    SHOW("symlink loop l1 -> l2", symlink("l2", "l1"));
    SHOW("symlink loop l2 -> l1", symlink("l1", "l2"));
    SHOW("open through the loop", open("l1", O_RDONLY));
    long n = readlink("s", buf, sizeof(buf));
    say("files: readlink s: %ld \"%.*s\"", n, (int)(n > 0 ? n : 0), buf);
    SHOW("readlink of a file", readlink("a", buf, sizeof(buf)));
    lstat("s", &st);
    say("files: lstat s is a link %d, size %ld", S_ISLNK(st.st_mode), (long)st.st_size);
    stat("s", &st);
    say("files: stat s is a file %d", S_ISREG(st.st_mode));
    SHOW("O_NOFOLLOW of s", open("s", O_RDONLY | O_NOFOLLOW));
    SHOW("a/ (trailing slash on a file)", open("a/", O_RDONLY));
    char longname[300];
    memset(longname, 'n', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = 0;
    SHOW("a 299-byte name", open(longname, O_RDONLY));
    list(base);
    SHOW("chdir d", chdir("d"));
    getcwd(buf, sizeof(buf));
    say("files: getcwd in d ends with \"%s\"", buf + strlen(base));
    SHOW("getcwd into 2 bytes", getcwd(buf, 2) ? 0 : -1);
    SHOW("chdir ..", chdir(".."));
    SHOW("access a", access("a", F_OK));
    SHOW("access missing", access("nope", F_OK));
    int fd = open("a", O_RDONLY);
    SHOW("unlink a while open", unlink("a"));
    n = read(fd, buf, 4);
    say("files: the open file still reads %ld bytes", n);
    close(fd);
    int dfd = open("d", O_RDONLY | O_DIRECTORY);
    SHOW("openat(d, f)", close(openat(dfd, "f", O_RDONLY)));
    SHOW("unlinkat(d, f)", unlinkat(dfd, "f", 0));
    SHOW("mkdirat(d, sub)", mkdirat(dfd, "sub", 0700));
    SHOW("unlinkat(d, sub, AT_REMOVEDIR)", unlinkat(dfd, "sub", AT_REMOVEDIR));
    close(dfd);
    SHOW("rmdir d", rmdir("d"));
    unlink("s");
    unlink("l1");
    unlink("l2");
    list(base);
}

static void devices(void)
{
    char buf[16];
    int fd = open("/dev/null", O_RDWR);
    long w = (long)write(fd, "abc", 3);
    say("files: /dev/null write %ld read %ld", w, (long)read(fd, buf, 3));
    close(fd);
    fd = open("/dev/zero", O_RDONLY);
    memset(buf, 7, sizeof(buf));
    long n = read(fd, buf, sizeof(buf));
    say("files: /dev/zero read %ld, sum %d", n, buf[0] + buf[7] + buf[15]);
    close(fd);
    fd = open("/dev/urandom", O_RDONLY);
    say("files: /dev/urandom read %ld", (long)read(fd, buf, sizeof(buf)));
    close(fd);
    SHOW("lseek on /dev/null", lseek(open("/dev/null", O_RDONLY), 0, SEEK_CUR));
}

/* Shmem of /proc/meminfo in kB (tmpfs's pages on Linux, the file system's frames on frame64),
 * or -1. */
static long shmem_kb(void)
{
    char text[4096];
    int fd = open("/proc/meminfo", O_RDONLY);
    long n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return -1;
    text[n] = 0;
    char *at = strstr(text, "\nShmem:");
    return at ? atol(at + strlen("\nShmem:")) : -1;
}

/* An n MiB file written and deleted r times; with check, Shmem must grow by the file while it
 * lives and be back where it was after each delete. */
static int big(long mib, long rounds, bool check)
{
    static char chunk[65536];
    memset(chunk, 'B', sizeof(chunk));
    long before = shmem_kb();
    for (long i = 0; i < rounds; i++) {
        int fd = open("big", O_CREAT | O_WRONLY | O_TRUNC, 0600);
        for (long k = 0; k < mib * 16; k++)
            if (write(fd, chunk, sizeof(chunk)) != sizeof(chunk)) {
                say("files: big: write %ld of round %ld: %s", k, i, err_name(-1));
                return 1;
            }
        struct stat st;
        fstat(fd, &st);
        close(fd);
        long full = shmem_kb();
        if (st.st_size != mib << 20 || unlink("big"))
            return 2;
        long after = shmem_kb();
        if (check && (before < 0 || full < before + (mib << 10) || after != before)) {
            say("files: big: round %ld: Shmem %ld kB before, %ld kB with the file, %ld kB after", i,
                before, full, after);
            return 3;
        }
    }
    say("files: big: %ld MiB written and deleted %ld times", mib, rounds);
    if (check)
        say("files: big: Shmem grew by the file each time and came back after each delete");
    return 0;
}

/* "yes" or "no", for a check whose numbers depend on the machine. */
static const char *yes(bool ok)
{
    return ok ? "yes" : "no";
}

/* Writes 64 KiB at a time, from an offset inside a page, until the file system is full. */
static int fill(void)
{
    static char chunk[65536];
    memset(chunk, 'F', sizeof(chunk));
    long before = shmem_kb();
    int fd = open("fill", O_CREAT | O_RDWR | O_TRUNC, 0600);
    SHOW("create fill", fd);
    say("files: fill: write 1000 bytes: %ld", (long)write(fd, chunk, 1000));
    long total = 1000, shorts = 0, writes = 0, last = 0, r;
    errno = 0;
    while ((r = (long)write(fd, chunk, sizeof(chunk))) > 0) {
        writes++;
        total += r;
        last = r;
        if (r < (long)sizeof(chunk))
            shorts++;
    }
    say("files: fill: 64 KiB writes until one fails: %s", r == 0 ? "returned 0" : err_name(r));
    /* Only the write that reached the limit is short, and its end is a page's end (the pages
     * before it are whole, the file began 1000 bytes into one). */
    say("files: fill: one short write just before it, ending a page: %s",
        yes(writes > 0 && shorts == 1 && last > 0 && last < (long)sizeof(chunk) &&
            total % 4096 == 0));
    long full = shmem_kb();
    say("files: fill: Shmem grew by at least the file's size: %s",
        yes(before >= 0 && full >= before + total / 1024));
    struct stat st;
    fstat(fd, &st);
    say("files: fill: the size is what the writes returned: %s", yes(st.st_size == total));
    SHOW("write 1 byte more", write(fd, chunk, 1));
    SHOW("write 1 byte at the end with pwrite", pwrite(fd, chunk, 1, total));
    SHOW("overwrite its first byte", pwrite(fd, "x", 1, 0));
    char c[2] = {0, 0};
    long n = pread(fd, c, 2, total - 1);
    say("files: fill: the last byte reads back: %ld '%c'", n, c[0]);
    int other = open("other", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    SHOW("create another file (no pages)", other);
    SHOW("write to the other file", write(other, chunk, 1));
    SHOW("extend the other file with ftruncate", ftruncate(other, 1 << 20));
    SHOW("mkdir when full", mkdir("sub", 0700));
    close(other);
    close(fd);
    SHOW("unlink the other file", unlink("other"));
    SHOW("rmdir sub", rmdir("sub"));
    SHOW("unlink fill", unlink("fill"));
    say("files: fill: Shmem back where it was: %s", yes(shmem_kb() == before));
    fd = open("again", O_CREAT | O_WRONLY | O_TRUNC, 0600);
    long w = 0;
    for (int k = 0; k < 16; k++)
        w += (long)write(fd, chunk, sizeof(chunk));
    close(fd);
    say("files: fill: then a 1 MiB file: %ld bytes written", w);
    SHOW("unlink it", unlink("again"));
    say("files: fill: Shmem back where it was: %s", yes(shmem_kb() == before));
    return 0;
}

int main(int argc, char **argv)
{
    snprintf(base, sizeof(base), "/tmp/frame64-files.%d", getpid());
    if (mkdir(base, 0700) || chdir(base)) {
        say("files: cannot make %s: %s", base, err_name(-1));
        return 1;
    }
    int r = 0;
    if (argc > 3 && !strcmp(argv[1], "big")) {
        r = big(atol(argv[2]), atol(argv[3]), argc > 4 && !strcmp(argv[4], "shmem"));
    } else if (argc > 1 && !strcmp(argv[1], "fill")) {
        say("files: fill: writing until the file system is full");
        r = fill();
    } else {
        say("files: the file system calls and their errors");
        basics();
        names();
        devices();
    }
    chdir("/");
    SHOW("rmdir the work directory", rmdir(base));
    return r;
}
