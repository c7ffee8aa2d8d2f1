/* SPDX-License-Identifier: 0BSD */
/*
 * vdso: the vDSO the kernel names in AT_SYSINFO_EHDR, checked the way it must hold on Linux and
 * on frame64 alike: its four functions are found under version LINUX_2.6 (read from its dynamic
 * symbol table as musl's __vdsosym does), and each answers as its system call does: every clock
 * it computes lies between two system-call readings of the same clock, 20,000 alternating vDSO
 * and system-call readings of CLOCK_MONOTONIC never go back, a clock it does not compute and a
 * bad clock id fall back to the kernel. Prints a line per check; exits 0 when all held, else
 * with the number of the first that did not. "vdso fast" (frame64's own run: how fast the host's
 * vDSO is depends on its clock source) checks that the vDSO does not make the system call: a
 * reading takes less than half the time of the system call's, the best of 5 runs of 2,000 each.
 */
#include <elf.h>
#include <errno.h>
#include <sys/auxv.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "progs.h"

static int fail;

static void check(int n, bool ok, const char *what)
{
    say("vdso: %2d %s: %s", n, ok ? "ok" : "FAIL", what);
    if (!ok && !fail)
        fail = n;
}

/* The address of the vDSO's symbol name at version LINUX_2.6, or NULL. */
static void *vdso_sym(const char *name)
{
    const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
    if (!eh)
        return NULL;
    const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
    uintptr_t base = (uintptr_t)-1;
    const Elf64_Dyn *dyn = NULL;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && base == (uintptr_t)-1)
            base = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
        if (ph[i].p_type == PT_DYNAMIC)
            dyn = (const void *)((const char *)eh + ph[i].p_offset);
    }
    if (!dyn || base == (uintptr_t)-1)
        return NULL;
    const char *str = NULL;
    const Elf64_Sym *syms = NULL;
    const Elf32_Word *hash = NULL;
    const Elf64_Half *versym = NULL;
    const Elf64_Verdef *verdef = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        void *at = (void *)(base + dyn->d_un.d_ptr);
        switch (dyn->d_tag) {
        case DT_STRTAB:
            str = at;
            break;
        case DT_SYMTAB:
            syms = at;
            break;
        case DT_HASH:
            hash = at;
            break;
        case DT_VERSYM:
            versym = at;
            break;
        case DT_VERDEF:
            verdef = at;
            break;
        }
    }
    if (!str || !syms || !hash || !versym || !verdef)
        return NULL;
    for (Elf32_Word i = 0; i < hash[1]; i++) {
        const Elf64_Sym *s = &syms[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
            strcmp(str + s->st_name, name) != 0)
            continue;
        for (const Elf64_Verdef *d = verdef;; d = (const void *)((const char *)d + d->vd_next)) {
            const Elf64_Verdaux *aux = (const void *)((const char *)d + d->vd_aux);
            if (d->vd_ndx == (versym[i] & 0x7fff) && !(d->vd_flags & VER_FLG_BASE))
                return strcmp(str + aux->vda_name, "LINUX_2.6") == 0 ? (void *)(base + s->st_value)
                                                                     : NULL;
            if (!d->vd_next)
                break;
        }
    }
    return NULL;
}

static int (*v_clock_gettime)(clockid_t, struct timespec *);
static int (*v_gettimeofday)(struct timeval *, void *);
static time_t (*v_time)(time_t *);
static long (*v_getcpu)(unsigned *, unsigned *, void *);

static long long ns(const struct timespec *t)
{
    return t->tv_sec * 1000000000ll + t->tv_nsec;
}

/* System call, vDSO, system call on clock clk: the vDSO's reading between the two. */
static bool between(clockid_t clk)
{
    struct timespec a, b, c;
    if (raw6(SYS_clock_gettime, clk, (long)&a, 0, 0, 0, 0) || v_clock_gettime(clk, &b) ||
        raw6(SYS_clock_gettime, clk, (long)&c, 0, 0, 0, 0))
        return false;
    return ns(&a) <= ns(&b) && ns(&b) <= ns(&c) && b.tv_nsec < 1000000000;
}

static uint64_t now_ns(void)
{
    struct timespec t;
    raw6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0, 0, 0, 0);
    return (uint64_t)ns(&t);
}

/* The best of 5 runs: ns for 2,000 readings of CLOCK_MONOTONIC, by the vDSO or the system call. */
static uint64_t best_of_5(bool syscall)
{
    uint64_t best = UINT64_MAX;
    for (int r = 0; r < 5; r++) {
        struct timespec t;
        uint64_t t0 = now_ns();
        for (int i = 0; i < 2000; i++)
            if (syscall)
                raw6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0, 0, 0, 0);
            else
                v_clock_gettime(CLOCK_MONOTONIC, &t);
        uint64_t d = now_ns() - t0;
        best = d < best ? d : best;
    }
    return best;
}

static int fast(void)
{
    say("vdso fast: the vDSO reads CLOCK_MONOTONIC without a system call");
    v_clock_gettime = vdso_sym("__vdso_clock_gettime");
    if (!v_clock_gettime)
        return 1;
    uint64_t v = best_of_5(false), s = best_of_5(true);
    check(1, v < s / 2, "a reading takes under half the system call's time");
    /* frame64's rule (Linux lets the vDSO be made writable, copying it): the frames are the
     * kernel's, shared by every process. */
    uintptr_t vdso = getauxval(AT_SYSINFO_EHDR);
    check(2,
          sys_mprotect((void *)vdso, PG, PROT_READ | PROT_WRITE) == -EACCES &&
              sys_mprotect((void *)(vdso - PG), PG, PROT_READ | PROT_WRITE) == -EACCES,
          "mprotect may not make the vDSO or its clock page writable (EACCES)");
    check(3, sys_munmap((void *)(vdso - PG), 2 * PG) == 0, "munmap of them works");
    return fail;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "fast") == 0)
        return fast();
    say("vdso: the vDSO in AT_SYSINFO_EHDR answers as the system calls do");
    check(1, getauxval(AT_SYSINFO_EHDR) != 0, "AT_SYSINFO_EHDR names a vDSO");
    v_clock_gettime = vdso_sym("__vdso_clock_gettime");
    v_gettimeofday = vdso_sym("__vdso_gettimeofday");
    v_time = vdso_sym("__vdso_time");
    v_getcpu = vdso_sym("__vdso_getcpu");
    check(2, v_clock_gettime && v_gettimeofday && v_time && v_getcpu,
          "__vdso_clock_gettime, _gettimeofday, _time, _getcpu found at version LINUX_2.6");
    if (fail)
        return fail;

    static const struct {
        clockid_t clk;
        const char *name;
    } clocks[] = {
        {CLOCK_REALTIME, "CLOCK_REALTIME"},
        {CLOCK_MONOTONIC, "CLOCK_MONOTONIC"},
        {CLOCK_MONOTONIC_RAW, "CLOCK_MONOTONIC_RAW"},
        {CLOCK_REALTIME_COARSE, "CLOCK_REALTIME_COARSE"},
        {CLOCK_MONOTONIC_COARSE, "CLOCK_MONOTONIC_COARSE"},
        {CLOCK_BOOTTIME, "CLOCK_BOOTTIME"},
        {CLOCK_TAI, "CLOCK_TAI"},
    };
    for (unsigned i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
        char what[96];
        snprintf(what, sizeof(what), "%s: system call <= vDSO <= system call", clocks[i].name);
        check(3 + (int)i, between(clocks[i].clk), what);
    }

    bool ok = true;
    long long last = 0;
    for (int i = 0; i < 20000 && ok; i++) {
        struct timespec t;
        if (i % 2)
            ok = v_clock_gettime(CLOCK_MONOTONIC, &t) == 0;
        else
            ok = raw6(SYS_clock_gettime, CLOCK_MONOTONIC, (long)&t, 0, 0, 0, 0) == 0;
        ok = ok && ns(&t) >= last;
        last = ns(&t);
    }
    check(10, ok, "20000 alternating vDSO and system-call readings of CLOCK_MONOTONIC: never back");

    struct timeval a, b, c;
    bool tv_ok = raw6(SYS_gettimeofday, (long)&a, 0, 0, 0, 0, 0) == 0 &&
                 v_gettimeofday(&b, NULL) == 0 &&
                 raw6(SYS_gettimeofday, (long)&c, 0, 0, 0, 0, 0) == 0;
    long long ua = a.tv_sec * 1000000ll + a.tv_usec, ub = b.tv_sec * 1000000ll + b.tv_usec,
              uc = c.tv_sec * 1000000ll + c.tv_usec;
    check(11, tv_ok && ua <= ub && ub <= uc && b.tv_usec < 1000000,
          "gettimeofday: system call <= vDSO <= system call");
    int zone[2] = {-1, -1};
    check(12, v_gettimeofday(NULL, zone) == 0 && zone[0] == 0 && zone[1] == 0,
          "gettimeofday(NULL, tz): UTC");

    long t0 = raw6(SYS_time, 0, 0, 0, 0, 0, 0);
    time_t stored = 0, t1 = v_time(&stored);
    long t2 = raw6(SYS_time, 0, 0, 0, 0, 0, 0);
    check(13, t0 <= t1 && t1 <= t2 && stored == t1, "time: system call <= vDSO <= system call");

    unsigned cpu = ~0u, node = ~0u;
    long ncpu = sysconf(_SC_NPROCESSORS_CONF);
    check(14, v_getcpu(&cpu, &node, NULL) == 0 && cpu < (unsigned long)ncpu && node == 0,
          "getcpu: a CPU of the machine, node 0");

    struct timespec p;
    check(15, v_clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p) == 0 && p.tv_nsec < 1000000000,
          "CLOCK_PROCESS_CPUTIME_ID: answered (by the kernel)");
    check(16, v_clock_gettime(10, &p) == -22, "clock 10: -EINVAL (from the kernel)");

    struct timespec l1, l2, l3;
    check(17,
          raw6(SYS_clock_gettime, CLOCK_REALTIME, (long)&l1, 0, 0, 0, 0) == 0 &&
              clock_gettime(CLOCK_REALTIME, &l2) == 0 &&
              raw6(SYS_clock_gettime, CLOCK_REALTIME, (long)&l3, 0, 0, 0, 0) == 0 &&
              ns(&l1) <= ns(&l2) && ns(&l2) <= ns(&l3),
          "the C library's clock_gettime agrees");
    pid_t child = fork();
    if (child == 0) {
        struct timespec t;
        _exit(v_clock_gettime(CLOCK_REALTIME, &t) == 0 && ns(&t) >= ns(&l3) ? 0 : 1);
    }
    int st = -1;
    check(18, child > 0 && waitpid(child, &st, 0) == child && WIFEXITED(st) && !WEXITSTATUS(st),
          "a forked child reads the clock through the same vDSO");
    say("vdso: %s", fail ? "a check failed" : "every check held");
    return fail;
}
