/* SPDX-License-Identifier: 0BSD */
/*
 * A system call with six arguments, issued directly (Linux x86-64: number in rax, arguments in
 * rdi, rsi, rdx, r10, r8, r9): for test programs that must see exactly what the kernel answers,
 * and for those built without a C library.
 */
#ifndef FRAME64_RAW_SYSCALL_H
#define FRAME64_RAW_SYSCALL_H

static inline long raw6(long nr, long a, long b, long c, long d, long e, long f)
{
    long ret;
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    register long r9 __asm__("r9") = f;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
                     : "rcx", "r11", "memory");
    return ret;
}

#endif
