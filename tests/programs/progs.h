/* SPDX-License-Identifier: 0BSD */
/*
 * What the frame64 test programs share: say() writes a whole line at once with write(2), so a
 * line printed just before a program dies is never lost in a stdio buffer; sys_mmap() and
 * friends issue the system call itself, because musl's wrappers round or check arguments and
 * would hide what the kernel answers. Raw calls return -errno on failure, like the kernel.
 * Built with musl-gcc -static -no-pie (tests/programs/CMakeLists.txt).
 */
#ifndef FRAME64_PROGS_H
#define FRAME64_PROGS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "raw_syscall.h"

#define PG 4096ul

__attribute__((format(printf, 1, 2))) static inline void say(const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(line) - 2)
        n = sizeof(line) - 2;
    line[n++] = '\n';
    (void)!write(1, line, (size_t)n);
}

/* An anonymous private mapping: the address, or -errno (a small negative number). */
static inline long sys_mmap(void *addr, size_t len, int prot, int flags)
{
    return raw6(SYS_mmap, (long)addr, (long)len, prot, flags | MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

static inline bool mmap_failed(long r)
{
    return r < 0 && r > -4096;
}

static inline long sys_munmap(void *addr, size_t len)
{
    return raw6(SYS_munmap, (long)addr, (long)len, 0, 0, 0, 0);
}

static inline long sys_mprotect(void *addr, size_t len, int prot)
{
    return raw6(SYS_mprotect, (long)addr, (long)len, prot, 0, 0, 0);
}

/* xorshift64*: small, deterministic, good enough to pick sizes and addresses. */
static inline uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

#endif
