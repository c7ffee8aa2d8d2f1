/* SPDX-License-Identifier: 0BSD */
/*
 * sigreturn: rt_sigreturn on frames a program forges (issue 19 part 4), which must end only that
 * program, never reach ring 0's selectors or flags, never stop the kernel.
 *   (no argument): four forged frames, each in a child that must end by SIGSEGV as on Linux: a
 *       kernel rip with the kernel's code selector, flags with everything but TF and an x87/SSE
 *       image of 0xff bytes (every MXCSR bit); a rip that runs cli with IOPL 3 and the kernel's
 *       code selector in the frame; a non-canonical rip; no frame at all.
 *   fuzz N: N children return through frames of random words (frame64 only: Linux keeps the
 *       frame's cs, and so dies where frame64 goes on).
 * Any check that fails prints what and exits with its number.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <ucontext.h>

#include "progs.h"

static void check(int n, bool ok, const char *what)
{
    if (ok)
        return;
    say("sigreturn: check %d failed: %s (errno %d)", n, what, errno);
    exit(n);
}

static int child_status(pid_t c)
{
    int st = -1;
    check(1, c > 0 && waitpid(c, &st, 0) == c, "waitpid");
    return st;
}

/* A child that calls rt_sigreturn on a frame of its own making. */
static void forge(uint64_t rip, uint64_t cs, uint64_t flags, bool no_frame)
{
    static uint64_t frame[64] __attribute__((aligned(16)));
    static uint8_t fx[512] __attribute__((aligned(16)));
    pid_t c = fork();
    if (c == 0) {
        /* struct rt_sigframe: the restorer, then ucontext: flags, link, stack (3 words), gregs */
        uint64_t *gregs = frame + 1 + 5;
        memset(fx, 0xff, sizeof(fx)); /* every MXCSR bit, reserved ones too */
        gregs[REG_RIP] = rip;
        gregs[REG_RSP] = (uint64_t)(frame + 32);
        gregs[REG_EFL] = flags;
        gregs[REG_CSGSFS] = cs | (0x08ull << 48); /* and a kernel selector for ss */
        gregs[23] = (uint64_t)fx;                 /* fpstate */
        uint64_t sp = no_frame ? 16 : (uint64_t)(frame + 1);
        __asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2"
                         :
                         : "r"(sp)
                         : "memory");
        _exit(46);
    }
    int st = child_status(c);
    check(30, WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a forged frame: SIGSEGV");
}

/* fuzz: where a forged frame's rip may lead: exit(0) with no stack and no x87/SSE use. */
extern char exit_now[];
__asm__(".globl exit_now\nexit_now:\n\tmov $60, %eax\n\txor %edi, %edi\n\tsyscall\n\tud2");

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/*
 * rounds children each call rt_sigreturn on a frame of random words (flags, selectors, mask,
 * alternate stack, the x87/SSE image with any MXCSR) whose rip, fpstate and place are chosen:
 * one that returns to exit_now with a readable (or no) fpstate must exit 0, or end by SIGTRAP
 * when its flags hold TF; any other (a wild rip, a wild fpstate, no frame) ends by SIGSEGV. The
 * kernel must take them all (frame64 only: Linux keeps the frame's cs, and dies differently).
 */
static int fuzz(unsigned rounds)
{
    static uint64_t frame[64] __attribute__((aligned(16)));
    static uint8_t fx[512] __attribute__((aligned(16)));
    say("sigreturn: fuzz: %u forged rt_sigreturn frames of random words", rounds);
    for (unsigned i = 0; i < rounds; i++) {
        for (unsigned w = 0; w < 64; w++)
            frame[w] = next();
        for (unsigned b = 0; b < sizeof(fx); b += 8) {
            uint64_t v = next();
            memcpy(fx + b, &v, 8);
        }
        uint64_t *gregs = frame + 1 + 5, rip_kind = next() % 4, fp_kind = next() % 3;
        bool no_frame = next() % 8 == 0;
        gregs[REG_RIP] = rip_kind == 0   ? (uint64_t)exit_now
                         : rip_kind == 1 ? next() | 0x8000000000000000ull /* kernel or wild */
                         : rip_kind == 2 ? next() & 0x7fffffffffffull
                                         : (uint64_t)exit_now;
        gregs[23] = fp_kind == 0 ? 0 : fp_kind == 1 ? (uint64_t)fx : next();
        bool fine = gregs[REG_RIP] == (uint64_t)exit_now && fp_kind != 2 && !no_frame;
        bool tf = gregs[REG_EFL] & 0x100;
        if (!fine && rip_kind == 2 && (gregs[REG_RIP] >> 26) == 0)
            gregs[REG_RIP] |= 1ull << 40; /* never into the program's own text */
        pid_t c = fork();
        if (c == 0) {
            uint64_t sp = no_frame ? next() : (uint64_t)(frame + 1);
            __asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2"
                             :
                             : "r"(sp)
                             : "memory");
            _exit(46);
        }
        int st = child_status(c);
        bool ok = fine ? (tf ? WIFSIGNALED(st) && WTERMSIG(st) == SIGTRAP
                             : WIFEXITED(st) && WEXITSTATUS(st) == 0)
                       : WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
        if (!ok) {
            say("sigreturn: fuzz: round %u: rip 0x%lx fpstate 0x%lx flags 0x%lx%s: status 0x%x", i,
                (unsigned long)gregs[REG_RIP], (unsigned long)gregs[23],
                (unsigned long)gregs[REG_EFL], no_frame ? " (no frame)" : "", st);
            return 50;
        }
    }
    say("sigreturn: fuzz: every child ended as its frame said");
    return 0;
}

static void privileged(void)
{
    __asm__ volatile("cli"); /* needs IOPL 3: #GP unless the forged flags got through */
    _exit(47);
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "fuzz"))
        return fuzz(argc > 2 ? (unsigned)atoi(argv[2]) : 200);
    say("sigreturn: forged rt_sigreturn frames, each in a child of its own");
    forge(0xffffffff80100000ull, 0x08, 0xfffffeffull, false);
    forge((uint64_t)privileged, 0x08, 0x3202, false);
    forge(0x8000000000000000ull, 0x33, 0x202, false);
    forge((uint64_t)privileged, 0x33, 0x202, true);
    say("sigreturn: a kernel rip and selectors, IOPL 3, a non-canonical rip, no frame: each "
        "ended only its child, by SIGSEGV");
    return 0;
}
