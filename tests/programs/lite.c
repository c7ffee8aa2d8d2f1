/* SPDX-License-Identifier: 0BSD */
/*
 * lite: churn's life without a C library, for the kernel's 2,000-process ktest. Under emulation a
 * process's cost is mostly its code pages (each one loaded, run, then overwritten by the next
 * process), so this one is two pages: raw system calls, no stdio. From a seed (argv[1], decimal)
 * it maps 1-16 pages, touches some, then exits with status seed % 64 or, for one seed in three,
 * reads the page it has just unmapped. Its one line announces which:
 *   lite: seed 42: 5 pages, then exit 42      lite: seed 43: 3 pages, then read after munmap
 */
#include <stdint.h>

#include "raw_syscall.h"

#define SYS_write  1
#define SYS_mmap   9
#define SYS_munmap 11
#define SYS_exit   60

static char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

static char *put_num(char *p, unsigned long v)
{
    char d[24];
    int n = 0;
    do
        d[n++] = (char)('0' + v % 10);
    while (v /= 10);
    while (n)
        *p++ = d[--n];
    return p;
}

/* The start code: argc, argv... on the stack as the System V ABI lays them out. */
__attribute__((noreturn, used)) static void start_c(long *sp)
{
    long argc = sp[0];
    const char *arg = argc > 1 ? (const char *)sp[2] : "0";
    unsigned long seed = 0;
    while (*arg >= '0' && *arg <= '9')
        seed = seed * 10 + (unsigned long)(*arg++ - '0');
    unsigned long pages = 1 + (seed * 7) % 16;
    int dies = seed % 3 == 1;
    char line[96], *p = line;
    p = put_str(p, "lite: seed ");
    p = put_num(p, seed);
    p = put_str(p, ": ");
    p = put_num(p, pages);
    p = put_str(p, dies ? " pages, then read after munmap\n" : " pages, then exit ");
    if (!dies) {
        p = put_num(p, seed % 64);
        *p++ = '\n';
    }
    raw6(SYS_write, 1, (long)line, p - line, 0, 0, 0);
    long base = raw6(SYS_mmap, 0, (long)(pages * 4096), 3, 0x22, -1, 0);
    if (base < 0 && base > -4096)
        raw6(SYS_exit, 100, 0, 0, 0, 0, 0);
    for (unsigned long i = 0; i < pages; i += 2)
        ((volatile char *)base)[i * 4096] = (char)i;
    if (dies) {
        raw6(SYS_munmap, base, (long)(pages * 4096), 0, 0, 0, 0);
        (void)((volatile char *)base)[0];
    }
    raw6(SYS_exit, (long)(seed % 64), 0, 0, 0, 0, 0);
    for (;;)
        ;
}

__asm__(".globl _start\n"
        "_start:\n"
        "    mov %rsp, %rdi\n"
        "    and $-16, %rsp\n"
        "    call start_c\n");
