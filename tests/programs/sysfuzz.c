/* SPDX-License-Identifier: 0BSD */
/*
 * sysfuzz SEED [CALLS]: a seeded system-call fuzzer that runs on frame64 only (random system
 * calls are no thing to run on the host that builds it). Three kinds of step, drawn at random:
 *   - any system call number (and a few that are not: negative, huge, x32-flagged) with hostile
 *     arguments: kernel and non-canonical addresses, unmapped and boundary pointers, wrapping
 *     lengths, random words. The answer must be a result or -errno (-4095..-1), nothing else;
 *   - memory churn in a window it keeps a model of (mmap with every fixed flavour, munmap,
 *     mprotect, brk, madvise), with hostile addresses and lengths among the honest ones; what
 *     the contract fixes is checked (a hostile range is refused, an honest one succeeds,
 *     MAP_FIXED_NOREPLACE never replaces, an mprotect over a hole changes nothing -- frame64's
 *     all-or-nothing rule, where Linux changes the part before the hole), and after every step
 *     the window is as the model says: mapped pages hold their pattern, unmapped ones are free;
 *   - calls whose answer for a bad pointer is fixed: write, writev, arch_prctl(ARCH_GET_FS) from
 *     or into a kernel, non-canonical or unmapped address must be -EFAULT and write nothing.
 * Calls that end, block, replace or silence the process, or that change what later steps rely
 * on (signals, limits, the FS base, the memory calls outside the model), are not drawn at random.
 * Prints its first line, then one line at the end: exit 0 when the kernel kept the contract,
 * exit 1 after a line naming the first step that broke it. The kernel's side of the contract
 * (no crash, every frame back) is the boot test's to check.
 */
#include <stdlib.h>

#include "progs.h"

#define WINDOW       0x300000000ul /* the model's pages: never handed to a random call */
#define WINDOW_PAGES 48
#define TARGET       0x340000000ul /* pages random calls may scribble on */
#define TARGET_PAGES 16
#define NR_MAX       460

static uint64_t rng;
static unsigned long step;

/* Per window page: 0 unmapped, else its protection + 1; and the byte its page is filled with. */
static uint8_t model_prot[WINDOW_PAGES], model_fill[WINDOW_PAGES];

__attribute__((noreturn, format(printf, 1, 2))) static void broken(const char *fmt, ...)
{
    char line[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    say("sysfuzz: step %lu broke the contract: %s", step, line);
    exit(1);
}

static uint64_t pick(uint64_t n)
{
    return rng_next(&rng) % n;
}

/* A hostile or honest argument word. */
static uint64_t hostile(void)
{
    static const uint64_t words[] = {
        0,
        1,
        2,
        3,
        4095,
        4096,
        ~0ul,
        ~0ul - 4095,
        0x7fffffff,
        0x80000000,
        1ul << 47,
        (1ul << 47) - 1,
        (1ul << 47) - 4096,
        0x8000000000000000ul,
        0xffff800000000000ul, /* the direct map */
        0xffffffff80000000ul, /* the kernel image */
        0xffffffffff600000ul, /* Linux's vsyscall page */
        0x0000800000000000ul, /* non-canonical */
        0x00007ffffffff000ul, /* the page above the user half */
        TARGET,
        TARGET + TARGET_PAGES * PG - 1,
        TARGET + TARGET_PAGES * PG, /* just past the target: unmapped */
        TARGET + PG - 8,
    };
    switch (pick(4)) {
    case 0:
        return rng_next(&rng);
    case 1:
        return pick(64);
    default:
        return words[pick(sizeof(words) / sizeof(words[0]))];
    }
}

/* Numbers not drawn: see the header. */
static bool excluded(long nr)
{
    static const short never[] = {
        9,   10,  11,  12,  25,  26,  28,                      /* memory: the model's own steps */
        13,  14,  15,  34,  127, 128, 129, 130, 131, 297,      /* signals, pause */
        56,  57,  58,  59,  60,  61,  62,  231, 247, 322, 435, /* processes and their end */
        200, 234, 101, 310, 311, 440,                          /* kill, ptrace, other processes */
        0,   7,   17,  19,  23,  35,  65,  70,  202, 208, 220, 230, 232, 233,
        243, 270, 271, 281, 291, 295, 327, 333, 441, 449, /* calls that may block */
        37,  38,  222, 223, 224, 225, 226,                /* alarms and timers that signal */
        157, 158, 160, 302, 317, 135, /* prctl, FS base, limits, seccomp, personality */
        169, 165, 166, 155, 161, 167, 168, 175, 176, 313, 246, 320, 272, 308, /* the machine's */
        334, 424, 434,          /* rseq, pidfd signals */
        3,   33,  32,  292, 72, /* descriptors 0-2 must stay */
    };
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        if (never[i] == nr)
            return true;
    return false;
}

static void random_call(void)
{
    long nr;
    do {
        switch (pick(8)) {
        case 0:
            nr = (long)hostile();
            break;
        case 1:
            nr = 0x40000000 | (long)pick(NR_MAX); /* the x32 flag */
            break;
        default:
            nr = (long)pick(NR_MAX);
        }
    } while (excluded(nr) || excluded(nr & ~0x40000000l));
    uint64_t a = hostile();
    if (a <= 2)
        a += 100; /* never stdin, stdout or stderr as the first argument */
    long r = raw6(nr, (long)a, (long)hostile(), (long)hostile(), (long)hostile(), (long)hostile(),
                  (long)hostile());
    (void)r; /* any value: a result or an error; the kernel's side is the boot test's */
}

static uint64_t window_page(unsigned i)
{
    return WINDOW + i * PG;
}

/* Pages [first, first + n) are mapped with prot and hold zeros (prot < 0: unmapped). */
static void model_set(unsigned first, unsigned n, int prot)
{
    for (unsigned i = first; i < first + n; i++) {
        model_prot[i] = (uint8_t)(prot + 1);
        model_fill[i] = 0;
    }
}

/* Fills the mapped, writable pages of [first, first + n) with a fresh byte, as the model says. */
static void refill(unsigned first, unsigned n)
{
    uint8_t fill = (uint8_t)(1 + pick(254));
    for (unsigned i = first; i < first + n; i++)
        if (model_prot[i] == (PROT_READ | PROT_WRITE) + 1) {
            memset((void *)window_page(i), fill, PG);
            model_fill[i] = fill;
        }
}

/* Page i is free: a one-page MAP_FIXED_NOREPLACE mapping there succeeds (and is taken back). */
static bool page_free(unsigned i)
{
    long r = raw6(SYS_mmap, (long)window_page(i), PG, PROT_NONE,
                  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (r == (long)window_page(i)) {
        sys_munmap((void *)r, PG);
        return true;
    }
    if (r != -17)
        broken("MAP_FIXED_NOREPLACE probe of 0x%lx answered %ld", window_page(i), r);
    return false;
}

/* The window is what the model says: readable pages hold their byte, unmapped ones are free. */
static void check_window(unsigned first, unsigned n)
{
    for (unsigned i = first; i < first + n; i++) {
        bool mapped = model_prot[i] != 0;
        if (mapped == page_free(i))
            broken("page 0x%lx is %s, the model says %s", window_page(i),
                   mapped ? "free" : "mapped", mapped ? "mapped" : "free");
        if (mapped && (model_prot[i] - 1) & PROT_READ) {
            const uint8_t *b = (const uint8_t *)window_page(i);
            for (unsigned k = 0; k < PG; k += 512)
                if (b[k] != model_fill[i])
                    broken("page 0x%lx byte %u is %u, the model says %u", window_page(i), k, b[k],
                           model_fill[i]);
        }
    }
}

static const int prots[] = {PROT_NONE, PROT_READ, PROT_READ | PROT_WRITE, PROT_READ | PROT_EXEC};

/* One memory step inside the window, or a hostile one that must change nothing. */
static void memory_step(void)
{
    unsigned first = (unsigned)pick(WINDOW_PAGES), n = 1 + (unsigned)pick(8);
    if (first + n > WINDOW_PAGES)
        n = WINDOW_PAGES - first;
    uint64_t va = window_page(first), len = n * PG;
    int prot = prots[pick(4)];
    long r;
    bool any_mapped = false;
    for (unsigned i = first; i < first + n; i++)
        any_mapped |= model_prot[i] != 0;
    switch (pick(7)) {
    case 0: /* MAP_FIXED replaces */
        r = raw6(SYS_mmap, (long)va, (long)len, prot, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                 0);
        if (r != (long)va)
            broken("mmap(MAP_FIXED) of 0x%lx+%lu answered %ld", va, len, r);
        model_set(first, n, prot);
        refill(first, n);
        break;
    case 1: /* MAP_FIXED_NOREPLACE, alone or with MAP_FIXED: never replaces */
        r = raw6(SYS_mmap, (long)va, (long)len, prot,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE | (pick(2) ? MAP_FIXED : 0), -1,
                 0);
        if (any_mapped ? r != -17 : r != (long)va)
            broken("mmap(MAP_FIXED_NOREPLACE) of 0x%lx+%lu answered %ld (%s below)", va, len, r,
                   any_mapped ? "a mapping" : "nothing");
        if (!any_mapped) {
            model_set(first, n, prot);
            refill(first, n);
        }
        break;
    case 2:
        r = sys_munmap((void *)va, len);
        if (r != 0)
            broken("munmap of 0x%lx+%lu answered %ld", va, len, r);
        model_set(first, n, -1);
        break;
    case 3: { /* mprotect of a fully mapped range succeeds; over a hole it fails */
        bool all_mapped = true;
        for (unsigned i = first; i < first + n; i++)
            all_mapped &= model_prot[i] != 0;
        r = sys_mprotect((void *)va, len, prot);
        if (all_mapped && r != 0)
            broken("mprotect of mapped 0x%lx+%lu answered %ld", va, len, r);
        if (!all_mapped && r != -12)
            broken("mprotect over a hole at 0x%lx+%lu answered %ld, not -ENOMEM", va, len, r);
        if (all_mapped)
            for (unsigned i = first; i < first + n; i++)
                model_prot[i] = (uint8_t)(prot + 1);
        break;
    }
    case 4: { /* a hostile range: refused, nothing changes */
        uint64_t bad = hostile(), blen = pick(2) ? hostile() : len;
        if (bad < (1ul << 47) - PG && bad + blen <= (1ul << 47) - PG && bad + blen >= bad)
            return; /* not hostile after all: it could touch the program itself */
        static const long calls[] = {SYS_munmap, SYS_mprotect, SYS_madvise};
        long nr = calls[pick(3)];
        r = raw6(nr, (long)bad, (long)blen, prot, 0, 0, 0);
        if (nr != SYS_madvise && r == 0 && blen != 0)
            broken("call %ld on the hostile range 0x%lx+0x%lx succeeded", nr, bad, blen);
        r = raw6(SYS_mmap, (long)bad, (long)blen, prot,
                 MAP_PRIVATE | MAP_ANONYMOUS | (pick(2) ? MAP_FIXED : MAP_FIXED_NOREPLACE), -1, 0);
        if (r >= 0 || r < -4095)
            broken("mmap(MAP_FIXED) at the hostile range 0x%lx+0x%lx answered 0x%lx", bad, blen, r);
        break;
    }
    case 5: { /* brk: any value, the answer is a break; put it back */
        long now = raw6(SYS_brk, 0, 0, 0, 0, 0, 0);
        r = raw6(SYS_brk, (long)(pick(2) ? hostile() : (uint64_t)now + pick(64) * PG), 0, 0, 0, 0,
                 0);
        if (r < 0 && r > -4096)
            broken("brk answered an error %ld (Linux answers the break)", r);
        raw6(SYS_brk, now, 0, 0, 0, 0, 0);
        return;
    }
    default: /* madvise is advice: the data stays (MADV_NORMAL, RANDOM, SEQUENTIAL, WILLNEED) */
        raw6(SYS_madvise, (long)va, (long)len, (long)pick(4), 0, 0, 0);
        break;
    }
    check_window(first, n);
}

/* Bad pointers where the answer is fixed: -EFAULT, and nothing written or read. */
static void pointer_step(void)
{
    static const uint64_t bad[] = {0xffff800000000000ul,
                                   0xffffffff80000000ul,
                                   0x0000800000000000ul,
                                   0x8000000000000000ul,
                                   TARGET + TARGET_PAGES * PG,
                                   0x00007ffffffff000ul,
                                   0};
    uint64_t p = bad[pick(sizeof(bad) / sizeof(bad[0]))], len = pick(3) ? 1 + pick(8192) : 0;
    long r;
    switch (pick(3)) {
    case 0:
        r = raw6(SYS_write, 1, (long)p, (long)len, 0, 0, 0);
        /* Empty writes in the user half succeed on Linux; elsewhere they are -EFAULT. */
        if (r != ((len == 0 && p <= (1ul << 47) - PG) ? 0 : -14))
            broken("write(1, 0x%lx, %lu) answered %ld", p, len, r);
        break;
    case 1: {
        uint64_t iov[4] = {TARGET, 0, p, len};
        r = raw6(SYS_writev, 2, (long)(pick(2) ? (uint64_t)iov : p), 2, 0, 0, 0);
        if (r != -14 && !(r == 0 && len == 0 && p <= (1ul << 47) - PG))
            broken("writev(2, 0x%lx, %lu) answered %ld", p, len, r);
        break;
    }
    default:
        r = raw6(SYS_arch_prctl, 0x1003, (long)p, 0, 0, 0, 0);
        if (r != -14)
            broken("arch_prctl(ARCH_GET_FS, 0x%lx) answered %ld", p, r);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        say("usage: sysfuzz SEED [CALLS]");
        return 2;
    }
    unsigned long seed = strtoul(argv[1], NULL, 0),
                  calls = argc > 2 ? strtoul(argv[2], 0, 0) : 4000;
    rng = seed * 0x9E3779B97F4A7C15ul + 1;
    say("sysfuzz: seed %lu: %lu steps of hostile system calls", seed, calls);
    if (raw6(SYS_mmap, TARGET, TARGET_PAGES * PG, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (long)TARGET)
        broken("the target pages at 0x%lx cannot be mapped", TARGET);
    for (step = 1; step <= calls; step++) {
        switch (pick(3)) {
        case 0:
            random_call();
            break;
        case 1:
            memory_step();
            break;
        default:
            pointer_step();
        }
    }
    check_window(0, WINDOW_PAGES);
    say("sysfuzz: every answer kept the contract");
    return 0;
}
