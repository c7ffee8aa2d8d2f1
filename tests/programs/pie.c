/* SPDX-License-Identifier: 0BSD */
/*
 * pie: a static-PIE program (glibc's gcc -static-pie: ET_DYN without PT_INTERP), which the kernel
 * loads at a random base and which relocates itself. It checks what must hold on Linux and on
 * frame64 alike, wherever it was put: it runs above the first 64 KiB at a page-aligned base,
 * its pointers to its own data were relocated, AT_PHDR, AT_ENTRY and AT_BASE (0: no interpreter)
 * are right for that base, and its C library (time, malloc, stdio) works. Prints a line per
 * check; exits 0 when all held, else with the number of the first that did not.
 */
#include <elf.h>
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
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

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
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
