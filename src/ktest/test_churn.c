/* SPDX-License-Identifier: 0BSD */
/*
 * ktest of runs after churn on this machine's real memory (docs/frame-allocator.md, "Runs after
 * churn"): every frame handed out, then those of the first GiB freed in random order but one
 * frame in 64 below 16 MiB and a tenth of those above 512 MiB, so all other free memory above
 * 16 MiB sits on the stack. A 1 MiB run below 4 GiB and a 64 KiB ISA run must still succeed (the
 * pool drains the stack into the region list), and once everything is freed every counter must
 * be back. Frames above 1 GiB stay out until the end, then go back in order: freeing gigabytes
 * in random order costs TCG a page-table walk per frame, and the first GiB already is the
 * issue's 1 GiB machine.
 */
#include <frame64/dma.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/ktest.h>
#include <frame64/phys.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void) /* xorshift64: a fixed sequence, boot after boot */
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* What the steps share: every frame handed out, in an array that is itself a DMA run. */
struct churn {
    phys_addr_t *frames;
    phys_addr_t array_pa;
    uint64_t array_bytes, n, kept;
    struct frame_stats before;
    uint64_t meta_before;
};

/*
 * Takes every frame into c->frames, then frees those below 1 GiB in random order but the kept
 * ones; c->frames[0..kept) is what is still out.
 */
static void churn_all(struct ktest *t, struct churn *c)
{
    uint64_t room = c->array_bytes / sizeof(phys_addr_t);
    phys_addr_t pa;
    while ((pa = frame_alloc(&kernel_frames)) != PHYS_NONE) {
        KT_ASSERT(c->n < room, "more frames than the stats said were free (%llu)",
                  (unsigned long long)room);
        c->frames[c->n++] = pa;
    }
    /*
     * Frames above 1 GiB to the front. The order frames come in is not fixed: seeding goes
     * top-down, but what ran before this test (programs, the monitor) left frames stacked LIFO.
     */
    uint64_t high = 0;
    for (uint64_t i = 0; i < c->n; i++) {
        if (c->frames[i] >= 1 * GiB) {
            phys_addr_t tmp = c->frames[high];
            c->frames[high++] = c->frames[i];
            c->frames[i] = tmp;
        }
    }
    for (uint64_t i = c->n - high; i > 1; i--) {
        uint64_t j = high + rnd() % i;
        phys_addr_t tmp = c->frames[high + i - 1];
        c->frames[high + i - 1] = c->frames[j];
        c->frames[j] = tmp;
    }
    c->kept = high;
    /*
     * Every frame is out while the frees below 16 MiB split the list's free ranges one frame at a
     * time, so the list may fill with no free memory to grow into: it says so once, and the pool
     * stacks such frames instead (docs/frame-allocator.md). That is what this test wants.
     */
    ktest_expected_begin();
    for (uint64_t i = high; i < c->n; i++) {
        pa = c->frames[i];
        bool keep =
            pa < 16 * MiB ? (pa >> PAGE_SHIFT) % 64 == 0 : pa >= 512 * MiB && rnd() % 10 == 0;
        if (keep)
            c->frames[c->kept++] = pa;
        else
            frame_free(&kernel_frames, pa);
    }
    ktest_expected_end();
}

/* The run is where its zone says and is not one of the frames still held. */
static void check_run(struct ktest *t, const struct churn *c, phys_addr_t pa, uint64_t bytes,
                      phys_addr_t max, uint64_t boundary)
{
    KT_ASSERT(pa != PHYS_NONE, "no 0x%llx-byte run below 0x%llx after churn",
              (unsigned long long)bytes, (unsigned long long)max);
    KT_ASSERT(pa + bytes <= max, "run 0x%llx ends above 0x%llx", (unsigned long long)pa,
              (unsigned long long)max);
    KT_ASSERT(!boundary || pa / boundary == (pa + bytes - 1) / boundary,
              "run 0x%llx crosses a 0x%llx boundary", (unsigned long long)pa,
              (unsigned long long)boundary);
    for (uint64_t i = 0; i < c->kept; i++)
        KT_ASSERT(c->frames[i] < pa || c->frames[i] >= pa + bytes,
                  "run 0x%llx holds frame 0x%llx, which is still handed out",
                  (unsigned long long)pa, (unsigned long long)c->frames[i]);
}

/* Everything freed: in use and total as before; free memory only moved into list storage. */
static void check_counters(struct ktest *t, const struct churn *c)
{
    struct frame_stats s;
    frame_get_stats(&kernel_frames, &s);
    uint64_t grown = region_total(&kernel_memory, REGION_META) - c->meta_before;
    const struct frame_stats *b = &c->before;
    KT_ASSERT(s.total == b->total && s.in_use == b->in_use && s.reserved == b->reserved + grown &&
                  s.stacked + s.unseeded + grown == b->stacked + b->unseeded,
              "counters after freeing all: in use 0x%llx -> 0x%llx, free 0x%llx -> 0x%llx, "
              "reserved 0x%llx -> 0x%llx (list grew by 0x%llx)",
              (unsigned long long)b->in_use, (unsigned long long)s.in_use,
              (unsigned long long)(b->stacked + b->unseeded),
              (unsigned long long)(s.stacked + s.unseeded), (unsigned long long)b->reserved,
              (unsigned long long)s.reserved, (unsigned long long)grown);
}

/*
 * All frames out, those below 1 GiB freed in random order but one in 64 below 16 MiB and a tenth
 * above 512 MiB; then a 1 MiB run below 4 GiB and a 64 KiB ISA run succeed and hold no frame
 * still out; after freeing everything, in use, total, reserved and free are as before (the region
 * list may have moved into free memory while the low frees fragmented it: that much moves from free
 * to reserved, and is counted).
 */
KTEST(frames_runs_after_churn)
{
    struct churn c = {0};
    frame_get_stats(&kernel_frames, &c.before);
    c.meta_before = region_total(&kernel_memory, REGION_META);
    c.array_bytes = ALIGN_UP((c.before.stacked + c.before.unseeded) / PAGE_SIZE * 8, PAGE_SIZE);
    c.array_pa = dma_alloc(&kernel_frames, c.array_bytes, 0, DMA_ZONE_ANY);
    KT_ASSERT(c.array_pa != PHYS_NONE, "no room for a 0x%llx-byte array",
              (unsigned long long)c.array_bytes);
    c.frames = phys_to_virt(c.array_pa);
    uint64_t drains = kernel_frames.drains;

    KT_STEP(churn_all(t, &c));
    phys_addr_t r32 = dma_alloc(&kernel_frames, 1 * MiB, 0, DMA_ZONE_32);
    KT_STEP(check_run(t, &c, r32, 1 * MiB, 4 * GiB, 0));
    phys_addr_t isa = dma_alloc(&kernel_frames, 64 * KiB, 0, DMA_ZONE_ISA);
    KT_STEP(check_run(t, &c, isa, 64 * KiB, 16 * MiB, 64 * KiB));
    kprintf("ktest: churn: %llu frames, %llu kept; 1 MiB run at 0x%llx, ISA run at 0x%llx, %llu "
            "drain round(s)\n",
            (unsigned long long)c.n, (unsigned long long)c.kept, (unsigned long long)r32,
            (unsigned long long)isa, (unsigned long long)(kernel_frames.drains - drains));

    dma_free(&kernel_frames, r32, 1 * MiB);
    dma_free(&kernel_frames, isa, 64 * KiB);
    for (uint64_t i = c.kept; i-- > 0;)
        frame_free(&kernel_frames, c.frames[i]);
    dma_free(&kernel_frames, c.array_pa, c.array_bytes);
    KT_STEP(check_counters(t, &c));
}
