/* SPDX-License-Identifier: 0BSD */
/*
 * signals: handlers with Linux x86-64's semantics (issue 19 part 4), each answer checked against
 * what Linux does, so the run on frame64 prints exactly what the run on the host printed:
 *   faults: SIGSEGV (SEGV_ACCERR, SEGV_MAPERR, si_addr) resumed with siglongjmp, SIGFPE
 *           (FPE_INTDIV), SIGILL (ILL_ILLOPN) whose handler edits the ucontext (rip, rax, rcx,
 *           r11: only a full register restore gives rcx and r11 back) and returns;
 *   sending: kill to itself (SI_USER, si_pid), raise (SI_TKILL), a blocked signal pending and
 *           delivered once when unblocked, sa_mask, SA_RESETHAND, SA_NODEFER, the x87/SSE state
 *           clean in the handler and back after it; a process and a thread spinning in ring 3
 *           without system calls (kill, pthread_kill: delivered on an interrupt's return);
 *   stacks: sigaltstack with a handler for a real stack overflow; without one the frame cannot be
 *           written and the child ends by SIGSEGV;
 *   waits:  SIGCHLD's handler (CLD_EXITED, si_pid, si_status) from rt_sigsuspend, nanosleep cut
 *           short by a child's signal (EINTR and the time left), wait4 restarted under SA_RESTART;
 *   edges:  the calls' answers to bad arguments.
 * Forged rt_sigreturn frames are sigreturn.c.
 * Any check that fails prints what and exits with its number.
 * Built with musl (signals) and, where the host has its static C library, glibc (signals-glibc).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <fenv.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

#include "progs.h"

static void check(int n, bool ok, const char *what)
{
    if (ok)
        return;
    say("signals: check %d failed: %s (errno %d)", n, what, errno);
    exit(n);
}

static int child_status(pid_t c);

static void nap_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&t, NULL);
}

static void on(int sig, void (*fn)(int, siginfo_t *, void *), int flags, const sigset_t *mask)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | flags;
    if (mask)
        sa.sa_mask = *mask;
    check(1, sigaction(sig, &sa, NULL) == 0, "sigaction");
}

static void dfl(int sig)
{
    signal(sig, SIG_DFL);
}

static bool blocked(int sig)
{
    sigset_t cur;
    sigprocmask(SIG_BLOCK, NULL, &cur);
    return sigismember(&cur, sig);
}

/* What the last handler saw. */
static volatile struct {
    int sig, code, count, depth, max_depth, status;
    pid_t pid;
    void *addr;
    long rip;
    bool self_blocked, other_blocked;
    int round;
} got;
static sigjmp_buf jump;

static void to_jump(int sig, siginfo_t *si, void *ctx)
{
    got.sig = sig;
    got.code = si->si_code;
    got.addr = si->si_addr;
    got.rip = ((ucontext_t *)ctx)->uc_mcontext.gregs[REG_RIP];
    siglongjmp(jump, 1);
}

static void faults_segv(void)
{
    long page = sys_mmap(NULL, PG, PROT_NONE, 0), gone = sys_mmap(NULL, PG, PROT_READ, 0);
    check(2, !mmap_failed(page) && !mmap_failed(gone) && sys_munmap((void *)gone, PG) == 0, "mmap");
    on(SIGSEGV, to_jump, 0, NULL);
    if (!sigsetjmp(jump, 1))
        (void)*(volatile char *)(page + 8);
    check(3, got.sig == SIGSEGV && got.code == SEGV_ACCERR && got.addr == (void *)(page + 8),
          "SIGSEGV on a PROT_NONE page: SEGV_ACCERR at its address");
    check(4, !blocked(SIGSEGV), "siglongjmp gave the mask back");
    if (!sigsetjmp(jump, 1))
        *(volatile char *)(gone + 16) = 1;
    check(5, got.sig == SIGSEGV && got.code == SEGV_MAPERR && got.addr == (void *)(gone + 16),
          "SIGSEGV on an unmapped page: SEGV_MAPERR at its address");
    dfl(SIGSEGV);
    say("signals: SIGSEGV handled twice (SEGV_ACCERR, SEGV_MAPERR, si_addr) and resumed with "
        "siglongjmp");
}

static void faults_fpe(void)
{
    volatile int zero = 0, x = 7;
    on(SIGFPE, to_jump, 0, NULL);
    if (!sigsetjmp(jump, 1))
        x = x / zero;
    check(6, got.sig == SIGFPE && got.code == FPE_INTDIV && got.addr == (void *)got.rip,
          "SIGFPE: FPE_INTDIV, si_addr the divide's rip");
    dfl(SIGFPE);
    say("signals: SIGFPE handled (FPE_INTDIV, si_addr is the ucontext's REG_RIP)");
}

extern char ud2_at[];
static void ill(int sig, siginfo_t *si, void *ctx)
{
    ucontext_t *uc = ctx;
    got.sig = sig;
    got.code = si->si_code;
    got.addr = si->si_addr;
    got.rip = uc->uc_mcontext.gregs[REG_RIP];
    got.status = uc->uc_mcontext.gregs[REG_R12] == 0x5eed;
    uc->uc_mcontext.gregs[REG_RIP] += 2; /* past the ud2 */
    uc->uc_mcontext.gregs[REG_RAX] = 0x1234;
    uc->uc_mcontext.gregs[REG_RCX] = 0x5678;
    uc->uc_mcontext.gregs[REG_R11] = 0x9abc;
}

static __attribute__((noinline)) void faults_ill(void)
{
    long rax, rcx;
    register long r11 __asm__("r11");
    register long r12 __asm__("r12") = 0x5eed;
    on(SIGILL, ill, 0, NULL);
    __asm__ volatile("xor %%eax, %%eax\n\txor %%ecx, %%ecx\n\txor %%r11d, %%r11d\n\t"
                     ".globl ud2_at\nud2_at:\n\tud2"
                     : "=a"(rax), "=c"(rcx), "=r"(r11), "+r"(r12)
                     :
                     : "memory");
    check(7, got.sig == SIGILL && got.code == ILL_ILLOPN && got.addr == ud2_at,
          "SIGILL: ILL_ILLOPN at the ud2");
    check(8, got.rip == (long)ud2_at && got.status, "ucontext: REG_RIP the ud2, REG_R12 kept");
    check(9, rax == 0x1234 && rcx == 0x5678 && r11 == 0x9abc,
          "rt_sigreturn restored rax, rcx and r11 as the handler left them");
    dfl(SIGILL);
    say("signals: SIGILL handled (ILL_ILLOPN at the ud2); the handler's ucontext edits came back");
}

static void count(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    got.sig = sig;
    got.code = si->si_code;
    got.pid = si->si_pid;
    got.count++;
    got.self_blocked = blocked(sig);
    got.other_blocked = blocked(SIGUSR2);
    if (++got.depth > got.max_depth)
        got.max_depth = got.depth;
    if (got.round == 1 && got.count == 1)
        raise(sig); /* a second one from inside: nested only under SA_NODEFER */
    got.depth--;
}

static void fp_handler(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)si, (void)ctx;
    got.status = fegetround() == FE_TONEAREST;
    fesetround(FE_DOWNWARD);
}

static void sending(void)
{
    sigset_t set;
    on(SIGUSR1, count, 0, NULL);
    got.count = 0;
    check(10, kill(getpid(), SIGUSR1) == 0, "kill");
    check(11, got.count == 1 && got.code == SI_USER && got.pid == getpid(),
          "kill to itself: the handler ran before kill returned, SI_USER, si_pid");
    got.count = 0;
    raise(SIGUSR1);
    check(12, got.count == 1 && got.code == SI_TKILL && got.pid == getpid(),
          "raise: SI_TKILL, si_pid");
    say("signals: kill to itself (SI_USER) and raise (SI_TKILL) ran the handler with si_pid");

    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    got.count = 0;
    kill(getpid(), SIGUSR1);
    kill(getpid(), SIGUSR1);
    sigset_t pend;
    sigpending(&pend);
    check(13, got.count == 0 && sigismember(&pend, SIGUSR1), "blocked: pending, not run");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    check(14, got.count == 1 && !blocked(SIGUSR1), "unblocked: delivered exactly once");
    say("signals: a blocked signal sent twice is pending, and runs exactly once when unblocked");

    sigemptyset(&set);
    sigaddset(&set, SIGUSR2);
    on(SIGUSR1, count, 0, &set);
    got.count = 0;
    raise(SIGUSR1);
    check(15, got.count == 1 && got.self_blocked && got.other_blocked && !blocked(SIGUSR2),
          "in the handler: the signal and sa_mask blocked; after it, not");
    got.count = got.max_depth = 0;
    got.round = 1;
    raise(SIGUSR1);
    check(16, got.count == 2 && got.max_depth == 1, "without SA_NODEFER: one after the other");
    on(SIGUSR1, count, SA_NODEFER, NULL);
    got.count = got.max_depth = 0;
    raise(SIGUSR1);
    check(17, got.count == 2 && got.max_depth == 2 && !got.self_blocked, "SA_NODEFER: nested");
    got.round = 0;
    on(SIGUSR1, count, SA_RESETHAND, NULL);
    got.count = 0;
    raise(SIGUSR1);
    struct sigaction old;
    sigaction(SIGUSR1, NULL, &old);
    check(18, got.count == 1 && old.sa_handler == SIG_DFL, "SA_RESETHAND: back to SIG_DFL");
    say("signals: sa_mask, SA_NODEFER (nested) and SA_RESETHAND as on Linux");

    on(SIGUSR2, fp_handler, 0, NULL);
    fesetround(FE_UPWARD);
    got.status = 0;
    raise(SIGUSR2);
    check(19, got.status && fegetround() == FE_UPWARD,
          "x87/SSE: clean in the handler, the program's again after it");
    fesetround(FE_TONEAREST);
    dfl(SIGUSR2);
    say("signals: the handler starts with a clean MXCSR and the program's comes back");
}

/* Code in ring 3 that makes no system call: the signal comes through an interrupt's return. */
static volatile int spin_flag;
static volatile pid_t spin_tid;
static void stop_spinning(int sig, siginfo_t *si, void *ctx)
{
    (void)sig, (void)ctx;
    spin_tid = (pid_t)syscall(SYS_gettid);
    got.code = si->si_code;
    spin_flag = 1;
}

static void *spin_thread(void *arg)
{
    *(volatile pid_t *)arg = (pid_t)syscall(SYS_gettid);
    while (!spin_flag)
        ;
    return NULL;
}

static void spinners(void)
{
    on(SIGUSR1, stop_spinning, 0, NULL);
    spin_flag = 0;
    pid_t c = fork();
    if (c == 0) {
        while (!spin_flag)
            ;
        _exit(9);
    }
    nap_ms(50);
    check(31, kill(c, SIGUSR1) == 0, "kill the spinner");
    int st = child_status(c);
    check(32, WIFEXITED(st) && WEXITSTATUS(st) == 9,
          "a process spinning in ring 3 ran its handler");

    pthread_t th;
    volatile pid_t tid = 0;
    spin_flag = 0;
    spin_tid = 0;
    check(33, pthread_create(&th, NULL, spin_thread, (void *)&tid) == 0, "pthread_create");
    while (!tid)
        nap_ms(1);
    check(34, pthread_kill(th, SIGUSR1) == 0, "pthread_kill");
    pthread_join(th, NULL);
    check(35, spin_tid == tid && got.code == SI_TKILL,
          "pthread_kill: the handler ran in that thread, SI_TKILL");
    dfl(SIGUSR1);
    say("signals: a process and a thread spinning in ring 3 ran their handlers (kill, "
        "pthread_kill)");
}

static char alt[64 * 1024] __attribute__((aligned(16)));

static void on_alt(int sig, siginfo_t *si, void *ctx)
{
    char here;
    (void)sig, (void)si, (void)ctx;
    _exit(&here > alt && &here < alt + sizeof(alt) ? 42 : 43);
}

static unsigned long deeper(unsigned long depth)
{
    volatile unsigned char frame[1024];
    if (depth == ~0ul)
        return 0;
    frame[0] = (unsigned char)depth;
    frame[sizeof(frame) - 1] = (unsigned char)depth;
    return deeper(depth + 1) + frame[0] + frame[sizeof(frame) - 1];
}

static int child_status(pid_t c)
{
    int st = -1;
    check(20, c > 0 && waitpid(c, &st, 0) == c, "waitpid");
    return st;
}

static void stacks(void)
{
    pid_t c = fork();
    if (c == 0) {
        stack_t ss = {.ss_sp = alt, .ss_size = sizeof(alt)}, old;
        if (sigaltstack(&ss, NULL) || sigaltstack(NULL, &old) || old.ss_flags != 0)
            _exit(44);
        on(SIGSEGV, on_alt, SA_ONSTACK, NULL);
        _exit((int)deeper(0));
    }
    int st = child_status(c);
    check(21, WIFEXITED(st) && WEXITSTATUS(st) == 42,
          "a stack overflow's handler ran on the alternate stack");
    say("signals: a stack overflow ran its SIGSEGV handler on the alternate stack");

    long bad = sys_mmap(NULL, PG, PROT_READ, 0);
    c = fork();
    if (c == 0) {
        on(SIGSEGV, on_alt, 0, NULL);
        __asm__ volatile("mov %0, %%rsp\n\tpushq $0" : : "r"(bad + PG) : "memory");
        _exit(45);
    }
    st = child_status(c);
    check(22, WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
          "no room for the handler's frame: killed by SIGSEGV");
    say("signals: with no stack to put the handler's frame on, the child ended by SIGSEGV");
}

static void chld(int sig, siginfo_t *si, void *ctx)
{
    (void)ctx;
    got.sig = sig;
    got.code = si->si_code;
    got.pid = si->si_pid;
    got.status = si->si_status;
    got.count++;
}

static void waits(void)
{
    sigset_t set, empty;
    sigemptyset(&set);
    sigemptyset(&empty);
    sigaddset(&set, SIGCHLD);
    on(SIGCHLD, chld, 0, NULL);
    sigprocmask(SIG_BLOCK, &set, NULL);
    got.count = 0;
    pid_t c = fork();
    if (c == 0)
        _exit(3);
    int r = sigsuspend(&empty);
    check(23, r == -1 && errno == EINTR, "sigsuspend: EINTR after the handler");
    check(24, got.count == 1 && got.code == CLD_EXITED && got.pid == c && got.status == 3,
          "SIGCHLD: CLD_EXITED, si_pid, si_status");
    check(25, blocked(SIGCHLD), "sigsuspend gave the mask back");
    int st = child_status(c);
    check(26, WIFEXITED(st) && WEXITSTATUS(st) == 3, "the child's status");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    dfl(SIGCHLD);
    say("signals: SIGCHLD's handler ran from rt_sigsuspend (CLD_EXITED, si_pid, si_status 3)");

    /* A child signals until the parent's sleep is cut short. */
    on(SIGUSR1, count, 0, NULL);
    pid_t parent = getpid();
    c = fork();
    if (c == 0) {
        for (int i = 0; i < 500 && getppid() == parent; i++) {
            kill(parent, SIGUSR1);
            nap_ms(20);
        }
        _exit(0);
    }
    struct timespec t = {30, 0}, rem = {0, 0};
    r = nanosleep(&t, &rem);
    check(27, r == -1 && errno == EINTR, "nanosleep: EINTR");
    check(28, rem.tv_sec < 30 && (rem.tv_sec > 0 || rem.tv_nsec > 0), "nanosleep: the time left");
    kill(c, SIGKILL);
    child_status(c);
    say("signals: a child's SIGUSR1 cut nanosleep short: EINTR, and the time left in rem");

    /* wait4 under SA_RESTART: restarted after each handler, until the child it waits for ends. */
    on(SIGUSR1, count, SA_RESTART, NULL);
    got.count = 0;
    pid_t slow = fork();
    if (slow == 0) {
        nap_ms(600);
        _exit(5);
    }
    c = fork();
    if (c == 0) {
        for (int i = 0; i < 20; i++) {
            kill(parent, SIGUSR1);
            nap_ms(20);
        }
        _exit(0);
    }
    st = child_status(slow);
    check(29, WIFEXITED(st) && WEXITSTATUS(st) == 5 && got.count > 0,
          "wait4 under SA_RESTART: restarted, the slow child's status");
    child_status(c);
    dfl(SIGUSR1);
    say("signals: wait4 under SA_RESTART went on after the handlers and returned the child");
}

/* The calls' answers at their edges, raw (the C libraries check some arguments themselves). */
static void edges(void)
{
    /* struct k_sigaction for x86-64: handler, flags, restorer, mask */
    uint64_t ka[4] = {(uint64_t)SIG_IGN, 0x04000000, 0, 0}, old[4], set, kern = 0xffffffff80000000;
    check(36,
          raw6(SYS_rt_sigaction, SIGKILL, (long)ka, 0, 8, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigaction, SIGSTOP, (long)ka, 0, 8, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigaction, SIGKILL, 0, (long)old, 8, 0, 0) == 0,
          "rt_sigaction: SIGKILL and SIGSTOP cannot be caught, but can be asked about");
    check(37,
          raw6(SYS_rt_sigaction, 0, 0, (long)old, 8, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigaction, 65, 0, (long)old, 8, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigaction, SIGUSR1, 0, (long)old, 4, 0, 0) == -EINVAL,
          "rt_sigaction: signal 0, 65, a sigset of 4 bytes: EINVAL");
    check(38,
          raw6(SYS_rt_sigaction, SIGUSR1, 1, 0, 8, 0, 0) == -EFAULT &&
              raw6(SYS_rt_sigaction, SIGUSR1, (long)ka, (long)kern, 8, 0, 0) == -EFAULT &&
              raw6(SYS_rt_sigaction, SIGUSR1, 0, (long)old, 8, 0, 0) == 0 &&
              old[0] == (uint64_t)SIG_IGN,
          "rt_sigaction: bad pointers EFAULT; the new action is in even when oact is bad");
    dfl(SIGUSR1);
    check(39,
          raw6(SYS_rt_sigprocmask, 7, (long)&set, 0, 8, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigprocmask, 7, 0, (long)&set, 8, 0, 0) == 0 &&
              raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, 0, 16, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigprocmask, SIG_BLOCK, (long)kern, 0, 8, 0, 0) == -EFAULT,
          "rt_sigprocmask: a bad how (only with a set), size 16, a kernel pointer");
    set = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1)) | (1ull << (SIGUSR1 - 1));
    raw6(SYS_rt_sigprocmask, SIG_BLOCK, (long)&set, 0, 8, 0, 0);
    raw6(SYS_rt_sigprocmask, SIG_BLOCK, 0, (long)&set, 8, 0, 0);
    check(40, set == 1ull << (SIGUSR1 - 1), "SIGKILL and SIGSTOP are never blocked");
    raw6(SYS_rt_sigprocmask, SIG_UNBLOCK, (long)&set, 0, 8, 0, 0);
    check(41,
          raw6(SYS_rt_sigpending, (long)&set, 16, 0, 0, 0, 0) == -EINVAL &&
              raw6(SYS_rt_sigpending, (long)kern, 8, 0, 0, 0, 0) == -EFAULT &&
              raw6(SYS_rt_sigsuspend, (long)&set, 4, 0, 0, 0, 0) == -EINVAL,
          "rt_sigpending and rt_sigsuspend: sizes and pointers");
    stack_t ss = {.ss_sp = alt, .ss_flags = 5, .ss_size = sizeof(alt)}, got_ss;
    check(42, raw6(SYS_sigaltstack, (long)&ss, 0, 0, 0, 0, 0) == -EINVAL, "sigaltstack: flags 5");
    ss.ss_flags = 0;
    ss.ss_size = 100;
    check(43, raw6(SYS_sigaltstack, (long)&ss, 0, 0, 0, 0, 0) == -ENOMEM,
          "sigaltstack: below MINSIGSTKSZ");
    ss.ss_flags = SS_DISABLE;
    check(44,
          raw6(SYS_sigaltstack, (long)&ss, (long)&got_ss, 0, 0, 0, 0) == 0 &&
              raw6(SYS_sigaltstack, 0, (long)&got_ss, 0, 0, 0, 0) == 0 &&
              got_ss.ss_flags == SS_DISABLE &&
              raw6(SYS_sigaltstack, (long)kern, 0, 0, 0, 0, 0) == -EFAULT,
          "sigaltstack: SS_DISABLE, a kernel pointer");
    say("signals: rt_sigaction, rt_sigprocmask, rt_sigpending, rt_sigsuspend and sigaltstack "
        "answer bad arguments as Linux");
}

int main(void)
{
    say("signals: handlers, masks, stacks and waits, answered as Linux answers");
    faults_segv();
    faults_fpe();
    faults_ill();
    sending();
    spinners();
    stacks();
    waits();
    edges();
    return 0;
}
