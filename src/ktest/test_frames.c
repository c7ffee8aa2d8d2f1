/* SPDX-License-Identifier: 0BSD */
/*
 * ktests of the page-frame manager on this machine's real memory: exhaust it, check every frame
 * handed out, check the GRUB modules survived, give everything back and check the counters; DMA
 * still works after heavy single-frame churn. Prints cycles per operation for information.
 */
#include "ktest_util.h"

#include <frame64/arch.h>
#include <frame64/cmdline.h>
#include <frame64/cpu.h>
#include <frame64/crc32.h>
#include <frame64/dma.h>
#include <frame64/frame_bench.h>
#include <frame64/interrupts.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>
#include <frame64/sched.h>

/*
 * Each frame the exhaustion test holds: word 0 = pa ^ PATTERN, word 1 = the frame held before it
 * (PHYS_NONE for the first), last word = ~pa.
 */
#define PATTERN 0x5A17F00DF4A3E000ull

/* Parses "crc32=XXXXXXXX" (8 hex digits) from a module's string. Return: whether it had one. */
static bool module_crc(const char *s, uint32_t *out)
{
    const char *p = cmdline_value(s, "crc32");
    uint32_t v = 0;
    for (int digits = 0; p && digits < 8; digits++, p++) {
        char c = *p;
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d == 16)
            return false;
        v = v << 4 | d;
    }
    *out = v;
    return p != NULL;
}

/* Every module with crc32= on its command line still has that CRC. Return: modules checked. */
static unsigned check_modules(struct ktest *t)
{
    unsigned checked = 0;
    uint32_t cursor;
    struct mb2_module m;
    mb2_for_each_module(&boot_info, cursor, &m)
    {
        uint32_t want;
        if (!module_crc(m.string, &want))
            continue;
        uint32_t got = crc32_update(0, phys_to_virt(m.start), m.end - m.start);
        if (got != want) {
            ktest_fail(t, __FILE__, __LINE__, "module \"%s\" at 0x%llx: CRC-32 %08x, expected %08x",
                       m.string, (unsigned long long)m.start, got, want);
            return checked;
        }
        checked++;
    }
    return checked;
}

static bool bit_test_and_set(uint64_t *bits, uint64_t i)
{
    bool was = (bits[i / 64] >> (i % 64)) & 1;
    bits[i / 64] |= 1ull << (i % 64);
    return was;
}

/* What the steps of frames_exhaustion_and_recovery share. */
struct exhaustion {
    struct ktest_range boot[KTEST_MAX_BOOT_RANGES];
    size_t nboot;
    uint64_t *seen;   /* one bit per frame below physmap_limit(): handed out during the test */
    phys_addr_t last; /* the newest frame held; word 1 of each links to the one before */
    uint64_t count;   /* frames held */
    struct frame_stats before; /* the counters before the first allocation */
};

/*
 * Allocates until exhaustion, checking each frame (aligned, in RAM, never handed out twice, not
 * boot data, owned by the frame manager) and writing into it a pattern with its own address.
 */
static void take_every_frame(struct ktest *t, struct exhaustion *x)
{
    for (;;) {
        phys_addr_t pa = frame_alloc(&kernel_frames);
        if (pa == PHYS_NONE)
            break;
        KT_ASSERT(IS_ALIGNED(pa, PAGE_SIZE) && pa < physmap_limit(), "bad frame 0x%llx",
                  (unsigned long long)pa);
        KT_ASSERT(!bit_test_and_set(x->seen, pa / PAGE_SIZE), "frame 0x%llx handed out twice",
                  (unsigned long long)pa);
        const struct ktest_range *hit = ktest_overlap(x->boot, x->nboot, pa, pa + PAGE_SIZE);
        KT_ASSERT(!hit, "frame 0x%llx overlaps %s", (unsigned long long)pa, hit ? hit->what : "");
        const struct region *r = region_lookup(&kernel_memory, pa);
        KT_ASSERT(r && r->tag == REGION_FRAMES, "frame 0x%llx lies in a %s range",
                  (unsigned long long)pa, r ? region_tag_name(r->tag) : "hole");
        uint64_t *w = phys_to_virt(pa);
        w[0] = pa ^ PATTERN;
        w[1] = x->last;
        w[511] = ~pa;
        x->last = pa;
        x->count++;
    }
}

/* Exhausted: nothing free is left, in use grew by exactly what was handed out, the sum holds. */
static void check_exhausted_stats(struct ktest *t, const struct exhaustion *x)
{
    const struct frame_stats *s0 = &x->before;
    struct frame_stats s1;
    frame_get_stats(&kernel_frames, &s1);
    KT_ASSERT(x->count > 0, "not a single frame");
    KT_ASSERT(s1.stacked == 0 && s1.unseeded == 0,
              "exhausted, yet %llu bytes stacked, %llu unseeded", (unsigned long long)s1.stacked,
              (unsigned long long)s1.unseeded);
    KT_ASSERT(s1.in_use == s0->in_use + x->count * PAGE_SIZE,
              "in use grew by 0x%llx for 0x%llx bytes handed out",
              (unsigned long long)(s1.in_use - s0->in_use),
              (unsigned long long)(x->count * PAGE_SIZE));
    KT_ASSERT(s1.total == s0->total &&
                  s1.total == s1.stacked + s1.unseeded + s1.reserved + s1.in_use,
              "counters do not add up when exhausted");
}

/*
 * Walks the chain checking every pattern (intact: no two holders shared a frame) and frees each
 * frame. Sets *cycles to the cycles per frame_free().
 */
static void free_every_frame(struct ktest *t, struct exhaustion *x, uint64_t *cycles)
{
    uint64_t freed = 0;
    uint64_t c0 = arch_cycles();
    while (x->last != PHYS_NONE) {
        uint64_t *w = phys_to_virt(x->last);
        KT_ASSERT(w[0] == (x->last ^ PATTERN) && w[511] == ~x->last,
                  "frame 0x%llx was overwritten while held", (unsigned long long)x->last);
        phys_addr_t prev = w[1];
        frame_free(&kernel_frames, x->last);
        x->last = prev;
        freed++;
    }
    *cycles = (arch_cycles() - c0) / (freed ? freed : 1);
    KT_ASSERT(freed == x->count, "freed %llu of %llu", (unsigned long long)freed,
              (unsigned long long)x->count);
}

/* Everything given back: the counters are what they were before the test. */
static void check_recovered_stats(struct ktest *t, const struct exhaustion *x)
{
    const struct frame_stats *s0 = &x->before;
    struct frame_stats s2;
    frame_get_stats(&kernel_frames, &s2);
    KT_ASSERT(s2.in_use == s0->in_use && s2.stacked + s2.unseeded == s0->stacked + s0->unseeded &&
                  s2.reserved == s0->reserved && s2.total == s0->total,
              "counters after freeing all differ: in use 0x%llx -> 0x%llx, free 0x%llx -> 0x%llx",
              (unsigned long long)s0->in_use, (unsigned long long)s2.in_use,
              (unsigned long long)(s0->stacked + s0->unseeded),
              (unsigned long long)(s2.stacked + s2.unseeded));
}

/* Allocates again: the same memory comes back, now from the stack, and zeroing works. */
static void allocate_again(struct ktest *t)
{
    phys_addr_t again[64];
    for (size_t i = 0; i < ARRAY_SIZE(again); i++) {
        again[i] = frame_alloc_zeroed(&kernel_frames);
        KT_ASSERT(again[i] != PHYS_NONE, "allocation %zu after recovery failed", i);
        const uint64_t *w = phys_to_virt(again[i]);
        for (size_t j = 0; j < 512; j++)
            KT_ASSERT(w[j] == 0, "zeroed frame 0x%llx has 0x%llx at word %zu",
                      (unsigned long long)again[i], (unsigned long long)w[j], j);
    }
    for (size_t i = 0; i < ARRAY_SIZE(again); i++)
        frame_free(&kernel_frames, again[i]);
}

/*
 * Allocate until exhaustion, writing into each frame a pattern with its own address; no frame is
 * handed out twice (a bitmap taken as a DMA run), none overlaps boot data or anything not owned
 * by the frame manager, the counters add up; modules keep their CRC; freeing everything brings
 * the counters back; allocating again works.
 */
KTEST(frames_exhaustion_and_recovery)
{
    struct exhaustion x = {.last = PHYS_NONE};
    x.nboot = ktest_boot_ranges(x.boot, ARRAY_SIZE(x.boot));
    uint64_t nbits = physmap_limit() / PAGE_SIZE;
    uint64_t bitmap_bytes = ALIGN_UP(nbits / 8 + 8, PAGE_SIZE);
    phys_addr_t bitmap_pa = dma_alloc(&kernel_frames, bitmap_bytes, 0, DMA_ZONE_ANY);
    KT_ASSERT(bitmap_pa != PHYS_NONE, "no room for a 0x%llx-byte bitmap",
              (unsigned long long)bitmap_bytes);
    x.seen = phys_to_virt(bitmap_pa);
    memset(x.seen, 0, bitmap_bytes);

    struct frame_stats *s0 = &x.before;
    frame_get_stats(&kernel_frames, s0);
    KT_ASSERT(s0->total == s0->stacked + s0->unseeded + s0->reserved + s0->in_use,
              "counters do not add up at the start");
    KT_STEP(take_every_frame(t, &x));
    KT_STEP(check_exhausted_stats(t, &x));
    kprintf("ktest: exhausted after %llu frames (%llu MiB)\n", (unsigned long long)x.count,
            (unsigned long long)(x.count * PAGE_SIZE / MiB));

    unsigned mods = check_modules(t);
    if (t->failed)
        return;
    kprintf("ktest: %u module(s) with crc32= intact\n", mods);

    uint64_t free_cycles;
    KT_STEP(free_every_frame(t, &x, &free_cycles));
    KT_STEP(check_recovered_stats(t, &x));
    dma_free(&kernel_frames, bitmap_pa, bitmap_bytes);

    KT_STEP(allocate_again(t));
    kprintf("ktest: free %llu cycles/frame (after exhaustion)\n", (unsigned long long)free_cycles);
}

/* After 100000 single-frame allocate/free rounds in shifting patterns, a 64 KiB ISA run still
 * exists. */
KTEST(frames_dma_after_churn)
{
    static phys_addr_t held[512];
    uint64_t seed = 12345;
    for (int round = 0; round < 200; round++) {
        size_t n = 0;
        for (; n < ARRAY_SIZE(held); n++) {
            held[n] = frame_alloc(&kernel_frames);
            if (held[n] == PHYS_NONE)
                break;
        }
        for (size_t i = n; i > 1; i--) { /* free in a shuffled order */
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            size_t j = (seed >> 33) % i;
            phys_addr_t tmp = held[i - 1];
            held[i - 1] = held[j];
            held[j] = tmp;
        }
        for (size_t i = 0; i < n; i++)
            frame_free(&kernel_frames, held[i]);
    }
    phys_addr_t pa = dma_alloc(&kernel_frames, 64 * KiB, 64 * KiB, DMA_ZONE_ISA);
    KT_ASSERT(pa != PHYS_NONE && pa + 64 * KiB <= 16 * MiB && IS_ALIGNED(pa, 64 * KiB),
              "no 64 KiB ISA run after churn (got 0x%llx)", (unsigned long long)pa);
    dma_free(&kernel_frames, pa, 64 * KiB);
}

/* Cycles per allocate+free pair (LIFO) and per allocation from a warm stack, for information. */
KTEST(frames_cycles)
{
    enum { N = 20000 };
    static phys_addr_t held[N];
    struct frame_bench b;
    frame_bench_run(&kernel_frames, N, held, N, &b);
    KT_ASSERT(b.pairs == N, "allocation failed after %llu pairs", (unsigned long long)b.pairs);
    frame_bench_print(&kernel_frames, &b, "ktest: ");
}

/*
 * A CPU that goes idle gives its cached frames back to the shared stack (src/kernel/frame_idle.c),
 * where they can complete 2 MiB areas: frees fill this CPU's cache, the test sleeps three timer
 * ticks, and the cache it left must be empty by then (its CPU halted, woke with nothing to run,
 * and ran its idle work). Fails if the idle work is not registered or not run.
 */
KTEST(frames_cache_given_back_when_idle)
{
    enum { N = 64 };
    phys_addr_t held[N];
    unsigned hz = irq_timer_hz();
    KT_ASSERT(hz != 0, "no timer: an idle CPU would never wake to run its idle work");
    uint64_t irq = arch_irq_save(); /* one CPU's cache from here to the sleep */
    unsigned c = cpu_index();
    unsigned n = 0;
    while (n < N && (held[n] = frame_alloc(&kernel_frames)) != PHYS_NONE)
        n++;
    while (n > 0)
        frame_free(&kernel_frames, held[--n]);
    struct frame_cache_stats st;
    frame_cache_get_stats(&kernel_frames, c, &st);
    arch_irq_restore(irq);
    KT_ASSERT(st.cached > 0, "CPU %u: %d frames freed and its cache holds none", c, N);
    sched_sleep_until(time_ns() + 3 * (1000000000ull / hz));
    frame_cache_get_stats(&kernel_frames, c, &st);
    KT_ASSERT(st.cached == 0, "CPU %u idled for three ticks and still caches %u frames", c,
              st.cached);
}
