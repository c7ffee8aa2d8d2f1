/* SPDX-License-Identifier: 0BSD */
/*
 * pie: a static-PIE program (glibc's gcc -static-pie: ET_DYN without PT_INTERP), which the kernel
 * loads at a random base and which relocates itself. It checks what must hold on Linux and on
 * frame64 alike, wherever it was put: it runs above the first 64 KiB at a page-aligned base,
 * its pointers to its own data were relocated, AT_PHDR, AT_ENTRY and AT_BASE (0: no interpreter)
 * are right for that base, and its C library (time, malloc, stdio) works. Prints a line per
 * check; exits 0 when all held, else with the number of the first that did not. "pie aslr" runs
 * itself 4 times (fork and execve of "pie base", which exits with bits 12..18 of its base) and
 * checks the bases were not all the same.
 */
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern const ElfW(Ehdr) __ehdr_start; /* the linker's: the image's first byte */
extern char _start[];

static int fail;

static void check(int n, bool ok, const char *what)
{
    printf("pie: %d %s: %s\n", n, ok ? "ok" : "FAIL", what);
    if (!ok && !fail)
        fail = n;
}

/* Pointers in data: each needs a relocation by the load base (R_X86_64_RELATIVE). */
static const char *const words[] = {"alpha", "beta", "gamma"};
static const char *const *const table = words;

/* Runs this program 4 times; true if they were not all loaded at the same base. */
static bool bases_differ(void)
{
    char path[4096]; /* next to this one on Linux; the module "pie" on frame64 */
    ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
    if (n > 0)
        path[n] = '\0';
    else
        strcpy(path, "pie");
    int seen[4];
    for (int i = 0; i < 4; i++) {
        pid_t c = fork();
        if (c == 0) {
            execl(path, "pie", "base", (char *)NULL);
            _exit(255);
        }
        int st;
        if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) > 127)
            return false;
        seen[i] = WEXITSTATUS(st);
    }
    return seen[1] != seen[0] || seen[2] != seen[0] || seen[3] != seen[0];
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "base") == 0)
        return (int)((uintptr_t)&__ehdr_start >> 12 & 0x7f);
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc > 1 && strcmp(argv[1], "aslr") == 0) {
        printf("pie aslr: the same static PIE run 4 times is not always loaded at one base\n");
        check(1, bases_differ(), "bits 12..18 of the 4 bases are not all equal");
        return fail;
    }
    uintptr_t base = (uintptr_t)&__ehdr_start;
    printf("pie: a static PIE, loaded where the kernel chose and relocated by itself\n");
    check(1, __ehdr_start.e_type == ET_DYN, "it is ET_DYN");
    check(2, base >= 0x10000 && base % 4096 == 0, "its base is page-aligned, above 64 KiB");
    check(3, strcmp(table[1], "beta") == 0 && (uintptr_t)table[0] > base,
          "its pointers to its own data were relocated");
    check(4, getauxval(AT_PHDR) == base + __ehdr_start.e_phoff, "AT_PHDR points at its headers");
    check(5, getauxval(AT_ENTRY) == (uintptr_t)_start, "AT_ENTRY is its _start");
    check(6, getauxval(AT_BASE) == 0, "AT_BASE is 0 (no interpreter)");
    char *m = malloc(100000);
    check(7, m && (memset(m, 1, 100000), m[99999] == 1), "malloc works");
    free(m);
    struct timespec ts;
    check(8, clock_gettime(CLOCK_REALTIME, &ts) == 0 && ts.tv_sec > 1577836800,
          "clock_gettime works (after 2020)");
    printf("pie: %s\n", fail ? "a check failed" : "every check held");
    return fail;
}
