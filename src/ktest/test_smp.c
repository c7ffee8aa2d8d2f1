/* SPDX-License-Identifier: 0BSD */
/*
 * ktests with every CPU at once: each answers; all allocate and free frames in random patterns,
 * freeing frames that other CPUs allocated; then all exhaust memory together, and an atomic
 * test-and-set bitmap proves that no frame was handed out twice, none lies in reserved memory,
 * and every counter comes back; processes run on every CPU at once; and a TLB shootdown really
 * makes another CPU forget a translation before its frame is reused (ktest.noshootdown on the
 * command line turns shootdowns off, and then this test fails: that is how it is shown to work).
 * With one CPU they run on that one.
 */
#include "ktest_util.h"

#include <frame64/arch.h>
#include <frame64/dma.h>
#include <frame64/embedded.h>
#include <frame64/error.h>
#include <frame64/frame_bench.h>
#include <frame64/frame_whereis.h>
#include <frame64/kprintf.h>
#include <frame64/kstack.h>
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>
#include <frame64/process.h>
#include <frame64/smp.h>

static uint64_t counter;

static void count_me(void *arg)
{
    (void)arg;
    __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
}

/* smp_run_all() reaches every CPU, and each runs as itself. */
KTEST(smp_every_cpu_answers)
{
    counter = 0;
    smp_run_all(count_me, NULL);
    KT_ASSERT(counter == cpu_count(), "%llu of %u CPUs ran the work", (unsigned long long)counter,
              cpu_count());
}

/* ---- frames from every CPU ---- */

#define EXCHANGE 4096

struct stress {
    uint64_t *seen; /* one bit per frame: set by whoever holds it */
    uint64_t nbits;
    phys_addr_t exchange[EXCHANGE]; /* frames one CPU allocated, for another to free */
    uint64_t errors;
    phys_addr_t bad; /* the first frame that broke a rule */
    phys_addr_t chain[CPU_MAX];
    uint64_t held[CPU_MAX];
};

static struct stress st;

static bool test_and_set(phys_addr_t pa)
{
    uint64_t i = pa / PAGE_SIZE;
    uint64_t bit = (uint64_t)1 << (i & 63);
    return __atomic_fetch_or(&st.seen[i >> 6], bit, __ATOMIC_ACQ_REL) & bit;
}

static void clear(phys_addr_t pa)
{
    uint64_t i = pa / PAGE_SIZE;
    __atomic_fetch_and(&st.seen[i >> 6], ~((uint64_t)1 << (i & 63)), __ATOMIC_ACQ_REL);
}

static void fail(phys_addr_t pa)
{
    if (__atomic_fetch_add(&st.errors, 1, __ATOMIC_RELAXED) == 0)
        st.bad = pa;
}

/* A frame just handed out: aligned, inside the bitmap, and nobody else holds it. */
static bool take(phys_addr_t pa)
{
    if (!IS_ALIGNED(pa, PAGE_SIZE) || pa / PAGE_SIZE >= st.nbits || test_and_set(pa)) {
        fail(pa);
        return false;
    }
    return true;
}

/* Random alloc/free, a quarter of the frees being frames another CPU allocated. */
static void churn(void *arg)
{
    uint64_t ops = *(const uint64_t *)arg, rng = 0x9E3779B97F4A7C15ull * (cpu_index() + 1);
    phys_addr_t mine[64];
    unsigned n = 0;
    for (uint64_t i = 0; i < ops; i++) {
        rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
        unsigned r = (unsigned)(rng >> 32);
        if (n < ARRAY_SIZE(mine) && (r & 1)) {
            phys_addr_t pa = frame_alloc(&kernel_frames);
            if (pa != PHYS_NONE && take(pa))
                mine[n++] = pa;
        } else if (n && (r & 6)) {
            phys_addr_t pa = mine[--n];
            clear(pa);
            frame_free(&kernel_frames, pa);
        } else if (n) { /* trade: leave one for another CPU, take what was left */
            phys_addr_t pa =
                __atomic_exchange_n(&st.exchange[r % EXCHANGE], mine[n - 1], __ATOMIC_ACQ_REL);
            if (pa) {
                mine[n - 1] = pa; /* now ours: it stays marked as held */
            } else {
                n--;
            }
        }
    }
    while (n) {
        phys_addr_t pa = mine[--n];
        clear(pa);
        frame_free(&kernel_frames, pa);
    }
}

/* Allocates until nothing is left, chaining the frames through themselves. */
static void exhaust(void *arg)
{
    (void)arg;
    unsigned c = cpu_index();
    for (;;) {
        phys_addr_t pa = frame_alloc(&kernel_frames);
        if (pa == PHYS_NONE)
            break;
        if (!take(pa))
            continue;
        uint64_t *w = phys_to_virt(pa);
        w[0] = st.chain[c];
        st.chain[c] = pa;
        st.held[c]++;
    }
}

static void give_back(void *arg)
{
    (void)arg;
    unsigned c = cpu_index();
    while (st.chain[c]) {
        phys_addr_t pa = st.chain[c];
        st.chain[c] = *(uint64_t *)phys_to_virt(pa);
        clear(pa);
        frame_free(&kernel_frames, pa);
    }
}

/*
 * Every CPU churns (2^20 operations between them), then every CPU allocates until memory runs out,
 * at the same time. Expect: no frame held by two CPUs at once, every frame held at exhaustion in
 * a range the frame manager owns, all free RAM handed out, and the counters back afterwards.
 */
KTEST(smp_frames_from_every_cpu)
{
    struct frame_stats before, full, after;
    uint64_t nbits = physmap_limit() / PAGE_SIZE, bytes = ALIGN_UP(nbits / 8 + 8, PAGE_SIZE);
    phys_addr_t bitmap = dma_alloc(&kernel_frames, bytes, 0, DMA_ZONE_ANY);
    KT_ASSERT(bitmap != PHYS_NONE, "no room for a 0x%llx-byte bitmap", (unsigned long long)bytes);
    memset(&st, 0, sizeof(st));
    st.seen = phys_to_virt(bitmap);
    st.nbits = nbits;
    memset(st.seen, 0, bytes);
    frame_get_stats(&kernel_frames, &before);

    uint64_t ops = (1u << 20) / cpu_count();
    smp_run_all(churn, &ops);
    for (unsigned i = 0; i < EXCHANGE; i++) {
        if (st.exchange[i]) {
            clear(st.exchange[i]);
            frame_free(&kernel_frames, st.exchange[i]);
        }
    }
    KT_ASSERT(st.errors == 0, "%llu frames handed out twice or bad while churning, first 0x%llx",
              (unsigned long long)st.errors, (unsigned long long)st.bad);
    frame_get_stats(&kernel_frames, &after);
    KT_ASSERT(after.in_use == before.in_use, "churning left %llu bytes in use",
              (unsigned long long)(after.in_use - before.in_use));

    smp_run_all(exhaust, NULL);
    frame_get_stats(&kernel_frames, &full);
    uint64_t held = 0;
    for (unsigned c = 0; c < cpu_count(); c++)
        held += st.held[c];
    for (unsigned c = 0; c < cpu_count() && !t->failed; c++) {
        for (phys_addr_t pa = st.chain[c]; pa; pa = *(uint64_t *)phys_to_virt(pa)) {
            const struct region *r = region_lookup(&kernel_memory, pa);
            KT_ASSERT(r && r->tag == REGION_FRAMES, "frame 0x%llx lies in a %s range",
                      (unsigned long long)pa, r ? region_tag_name(r->tag) : "hole");
        }
    }
    KT_ASSERT(st.errors == 0, "%llu frames handed out twice or bad at exhaustion, first 0x%llx",
              (unsigned long long)st.errors, (unsigned long long)st.bad);
    KT_ASSERT(full.stacked + full.unseeded == 0, "%llu bytes still free after exhaustion",
              (unsigned long long)(full.stacked + full.unseeded));
    kprintf("ktest: %u CPUs exhausted memory together: %llu frames, no frame twice\n", cpu_count(),
            (unsigned long long)held);
    smp_run_all(give_back, NULL);
    frame_get_stats(&kernel_frames, &after);
    KT_ASSERT(after.in_use == before.in_use && after.total == before.total,
              "in use %llu bytes after, %llu before", (unsigned long long)after.in_use,
              (unsigned long long)before.in_use);
    dma_free(&kernel_frames, bitmap, bytes);
}

/* ---- frames parked in other CPUs' caches ---- */

/*
 * What each CPU parked, and the steps of the test run on every CPU at once: a CPU that went
 * idle would give its cache back by itself (src/kernel/frame_idle.c), so the others stay busy,
 * spinning, until the checking CPU has gathered their caches through NMIs.
 */
static struct {
    phys_addr_t parked[CPU_MAX];
    unsigned checker;  /* the CPU that checks (the test's own) */
    unsigned ready;    /* CPUs that parked their frames (atomic) */
    bool done;         /* the checker has finished: the others may end (atomic) */
    char failure[160]; /* what the checker found wrong, empty if nothing */
} pk;

/* Allocates and frees 8 frames: they stay in this CPU's cache; remembers the last one freed. */
static void park_frames(void)
{
    phys_addr_t pa[8];
    for (int i = 0; i < 8; i++)
        pa[i] = frame_alloc(&kernel_frames);
    for (int i = 0; i < 8; i++)
        if (pa[i] != PHYS_NONE)
            frame_free(&kernel_frames, pa[i]);
    pk.parked[cpu_index()] = pa[7];
}

/* The checker's part, with every other CPU parked and busy: each frame cached, then gathered. */
static void check_gathered(void)
{
    for (unsigned c = 0; c < cpu_count(); c++) {
        enum frame_where w = frame_whereis(&kernel_frames, pk.parked[c]);
        if (pk.parked[c] == PHYS_NONE || pk.parked[c] == 0 || w != FRAME_WHERE_CACHED) {
            ksnprintf(pk.failure, sizeof(pk.failure), "CPU %u's frame 0x%llx is %s, not cached", c,
                      (unsigned long long)pk.parked[c], frame_where_name(w));
            return;
        }
    }
    frame_settle(&kernel_frames);
    for (unsigned c = 0; c < cpu_count(); c++) {
        enum frame_where w = frame_whereis(&kernel_frames, pk.parked[c]);
        if (w == FRAME_WHERE_CACHED || w == FRAME_WHERE_HANDED_OUT) {
            ksnprintf(pk.failure, sizeof(pk.failure),
                      "after gathering, CPU %u's frame 0x%llx is %s", c,
                      (unsigned long long)pk.parked[c], frame_where_name(w));
            return;
        }
    }
}

static void park_and_wait(void *arg)
{
    (void)arg;
    park_frames();
    __atomic_fetch_add(&pk.ready, 1, __ATOMIC_ACQ_REL);
    if (cpu_index() != pk.checker) {
        while (!__atomic_load_n(&pk.done, __ATOMIC_ACQUIRE))
            arch_relax();
        return;
    }
    while (__atomic_load_n(&pk.ready, __ATOMIC_ACQUIRE) < cpu_count())
        arch_relax();
    check_gathered();
    __atomic_store_n(&pk.done, true, __ATOMIC_RELEASE);
}

/*
 * Every CPU leaves frames in its cache and stays busy. Expect: frame_whereis() finds each CPU's
 * in a cache; after frame_settle() on this CPU (which gathers every cache through an NMI to the
 * others) none is cached or handed out any more, and the counters are where they were.
 */
KTEST(smp_caches_gathered_from_every_cpu)
{
    struct frame_stats before, after;
    frame_get_stats(&kernel_frames, &before);
    memset(&pk, 0, sizeof(pk));
    pk.checker = cpu_index(); /* the kernel is not preemptible: this thread stays here */
    smp_run_all(park_and_wait, NULL);
    KT_ASSERT(pk.failure[0] == 0, "%s", pk.failure);
    frame_get_stats(&kernel_frames, &after);
    KT_ASSERT(after.in_use == before.in_use && after.total == before.total,
              "in use %llu bytes after, %llu before", (unsigned long long)after.in_use,
              (unsigned long long)before.in_use);
    kprintf("ktest: frames parked in %u CPUs' caches gathered\n", cpu_count());
}

/* ---- processes on every CPU ---- */

static uint64_t proc_errors;

static void run_lives(void *arg)
{
    const struct embedded_program *prog = embedded_find("lite");
    static const struct proc_options quiet = {.quiet = true};
    unsigned runs = *(const unsigned *)arg;
    for (unsigned i = 0; prog && i < runs; i++) {
        char seed[16];
        struct proc_result res;
        ksnprintf(seed, sizeof(seed), "%u", cpu_index() * 1000 + i);
        const char *argv[] = {"lite", seed};
        if (proc_run("lite", prog->image, prog->size, 2, argv, &quiet, &res) != K_OK ||
            res.end == PROC_REFUSED)
            __atomic_fetch_add(&proc_errors, 1, __ATOMIC_RELAXED);
    }
}

/* 200 processes on every CPU at once: all run, and every frame comes back. */
KTEST(smp_processes_on_every_cpu)
{
    struct frame_stats before, after;
    unsigned runs = 200;
    proc_errors = 0;
    frame_get_stats(&kernel_frames, &before);
    uint64_t tables = kernel_table_bytes(); /* kept once made: not a leak (kernel.h) */
    smp_run_all(run_lives, &runs);
    frame_get_stats(&kernel_frames, &after);
    after.in_use -= kernel_table_bytes() - tables;
    KT_ASSERT(proc_errors == 0, "%llu processes could not run", (unsigned long long)proc_errors);
    KT_ASSERT(after.in_use == before.in_use, "%lld frames leaked after %u processes",
              (long long)(after.in_use - before.in_use) / (long long)PAGE_SIZE, runs * cpu_count());
}

/* ---- TLB shootdown ---- */

struct shoot {
    uint64_t va;
    int result;
    uint64_t value;
};

static struct shoot sh;

/* CPU 1's part: read the page (caching its translation), later read it again. */
static void reader(void *arg)
{
    (void)arg;
    if (cpu_index() != 1)
        return;
    sh.result = arch_probe_read(sh.va, &sh.value);
}

/*
 * CPU 1 reads a fresh kernel stack's top page; CPU 0 destroys the stack (unmap, flush here and
 * everywhere, free), takes the same frame back and fills it with a pattern; CPU 1 reads the old
 * address again. Expect a fault: CPU 1 must have forgotten the translation. Reading the pattern
 * means it used a stale TLB entry into a frame that has a new owner.
 */
KTEST(smp_shootdown_drops_stale_translations)
{
    if (cpu_count() < 2) {
        kprintf("ktest: one CPU: no other TLB to shoot down\n");
        return;
    }
    struct kstack s;
    KT_ASSERT(kstack_create(&s, "shootdown", PAGE_SIZE) == K_OK, "no stack");
    sh.va = s.top - 8;
    phys_addr_t pa = ALIGN_DOWN(pt_translate(kernel_pml4, sh.va, NULL, NULL), PAGE_SIZE);
    smp_run_all(reader, NULL);
    KT_ASSERT(sh.result == K_OK, "CPU 1 could not read the live stack");
    kstack_destroy(&s);
    phys_addr_t got[8];
    unsigned n = 0;
    bool found = false;
    while (n < ARRAY_SIZE(got) && !found) {
        got[n] = frame_alloc(&kernel_frames);
        found = got[n] == pa;
        if (got[n++] == PHYS_NONE)
            break;
    }
    if (found)
        *(volatile uint64_t *)((uint8_t *)phys_to_virt(pa) + PAGE_SIZE - 8) = 0x5EC0DE5EC0DEull;
    smp_run_all(reader, NULL);
    int result = sh.result;
    uint64_t value = sh.value;
    while (n--)
        if (got[n] != PHYS_NONE)
            frame_free(&kernel_frames, got[n]);
    KT_ASSERT(found, "the freed frame 0x%llx did not come back", (unsigned long long)pa);
    KT_ASSERT(result == K_EFAULT,
              "CPU 1 still reached the freed frame through a stale translation (read 0x%llx%s)",
              (unsigned long long)value,
              value == 0x5EC0DE5EC0DEull ? ", its new owner's data" : "");
}

/* ---- cycles per pair on 1..N CPUs at once ---- */

static uint64_t pair_cycles[CPU_MAX];
static unsigned active;

static void bench_some(void *arg)
{
    (void)arg;
    unsigned c = cpu_index();
    static phys_addr_t held[CPU_MAX][256];
    struct frame_bench b;
    if (c >= active)
        return;
    frame_bench_run(&kernel_frames, 20000, held[c], ARRAY_SIZE(held[c]), &b);
    pair_cycles[c] = b.pair_cycles;
}

/* For information only (emulated CPUs): cycles per frame_alloc+frame_free pair, per CPU. */
KTEST(smp_cycles_per_pair)
{
    (void)t; /* nothing to assert: emulated cycles */
    for (active = 1; active <= cpu_count(); active++) {
        smp_run_all(bench_some, NULL);
        uint64_t sum = 0;
        for (unsigned c = 0; c < active; c++)
            sum += pair_cycles[c];
        kprintf("ktest: %u CPU%s at once: %llu cycles per alloc+free pair on each\n", active,
                active > 1 ? "s" : "", (unsigned long long)(sum / active));
    }
}
