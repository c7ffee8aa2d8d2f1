/* SPDX-License-Identifier: 0BSD */
/*
 * The page-frame manager: single 4 KiB frames from a stack of free frames kept inside the free
 * frames themselves (no metadata array), seeded lazily from the region list; contiguous and
 * address-limited runs are delegated to the region list, which gets the stacked frames back
 * (merged) when a run needs them. docs/frame-allocator.md explains the policy: single frames come
 * from the top of memory down, frames freed below 16 MiB go back to the region list so ISA DMA
 * can still find them, runs with a ceiling search from the bottom.
 */
#ifndef FRAME64_FRAME_H
#define FRAME64_FRAME_H

#include <frame64/cpu.h>
#include <frame64/frame_config.h>
#include <frame64/irqlock.h>
#include <frame64/region.h>
#include <frame64/types.h>

/*
 * FRAME_ISA_LIMIT (frames freed below it go back to the region list: ISA DMA reaches only the
 * first 16 MiB), FRAME_SEED_CHUNK, FRAME_CACHE_BATCH and CPU_MAX are build-time policies:
 * include/frame64/frame_config.h.
 */

/*
 * Checks chosen at init: debug builds turn them on, release keeps the cheap ones. (The plain
 * linked list and the pool behind one lock that frame64 is compared with are allocators of their
 * own under bench/, not variants of this one.)
 */
enum frame_flags {
    FRAME_CHECK = 1u << 0,  /* validate frees: owner tag, reserved ranges, double free (bitmap) */
    FRAME_POISON = 1u << 1, /* fill freed frames with a pattern, verify it on allocation */
    /* Keep no 2 MiB-area counts: the stack alone, no whole areas (to measure what they give). */
    FRAME_NO_AREAS = 1u << 2,
};

/* Bytes freed frames are filled with under FRAME_POISON (Linux's use-after-free byte). */
#define FRAME_POISON_BYTE 0x6b

/* In bytes. RAM only: firmware-reserved and bad ranges (MMIO holes, ROMs) are not counted. */
struct frame_stats {
    uint64_t total;    /* RAM the region list describes: stacked + unseeded + reserved + in_use */
    uint64_t stacked;  /* free on the stack or in a per-CPU cache */
    uint64_t unseeded; /* free, not yet seeded (still in the region list or a carved chunk) */
    uint64_t reserved; /* kernel, boot info, modules, low 1 MiB, ACPI, metadata, page tables */
    uint64_t in_use;   /* handed out as single frames or runs */
};

/*
 * A node of the stack, itself a free frame: it holds up to FRAME_BATCH_MAX more free frame
 * numbers, so push and pop touch only the head node, and a per-CPU cache trades a whole node
 * with the stack in O(1) (src/mm/frame_stack.h is the only code that knows it).
 */
#define FRAME_BATCH_MAX 510
struct frame_batch {
    uint64_t count;                      /* entries used in frames[] */
    phys_addr_t next;                    /* the next batch (or link) down, PHYS_NONE: none */
    phys_addr_t frames[FRAME_BATCH_MAX]; /* free frames; the last one is popped first */
};

/*
 * Per-CPU caches (src/mm/frame_cache.c): each CPU allocates from and frees into its own cache
 * with interrupts off and no lock; an empty cache takes the stack's head node whole under the
 * pool's lock, a full one (FRAME_CACHE_HIGH) gives its oldest FRAME_CACHE_BATCH frames back as one
 * node (magazines: O(1) under the lock, the frame numbers copied outside it). A high mark
 * of two batches keeps a CPU that alternates around one boundary from refilling and spilling by
 * turns. Linux's per-CPU page lists move 63 pages a time; 255 measured better here with two
 * threads trading batches (bench_threads, docs/frame-allocator.md "Per-CPU caches") at the price
 * of up to 2 MiB parked per CPU. -DFRAME_CACHE_BATCH=N builds another size (frame_config.h).
 */
#define FRAME_CACHE_HIGH (2 * FRAME_CACHE_BATCH)

struct frame_cache {
    _Alignas(64) uint32_t count; /* frames[0..count) are free and this CPU's; the last goes first */
    uint32_t busy;               /* this CPU's slow path is changing the cache: its NMI leaves it */
    uint32_t asked;              /* another CPU wants the frames (set by it, cleared here) */
    uint32_t handed;             /* frames in handoff[] for the CPU that asked */
    /* Written by this CPU only, read by anyone (frame_cache_get_stats()). */
    uint64_t allocs, frees;               /* frame_alloc() and frame_free() calls on this CPU */
    uint64_t allocs_locked, frees_locked; /* those that took the pool's lock */
    phys_addr_t frames[FRAME_CACHE_HIGH];
    phys_addr_t handoff[FRAME_CACHE_HIGH];
};

/* A run request that failed after every free frame was looked at (frame_run.c). */
struct frame_no_run {
    uint64_t size, align, boundary;
    phys_addr_t max;
    uint64_t
        freed; /* the pool's freed then: while it stays so, a request no easier fails at once */
    bool valid;
};

/*
 * Per 2 MiB area, two bytes (src/mm/frame_area.h): pages of counts, one per 4 GiB, found through
 * area_dir, so areas are known below FRAME_AREA_DIR * 4 GiB (1 TiB); above it, 2 MiB frames come
 * from the region list (a drain after churn). The first 4 GiB's page is part of the pool; the
 * others are carved from the region list as seeding first reaches them.
 */
#define FRAME_AREA_DIR 256

/*
 * One pool of frames. Its fields are private to src/mm/frame*.c; they are here so it can be
 * static. The first cache line holds the shared stack's fast-path state.
 */
struct frame_pool {
    _Alignas(64) struct irqlock lock;
    unsigned flags;          /* enum frame_flags given to frame_init() */
    struct frame_batch *top; /* phys_to_virt(head), cached; NULL when the stack is empty */
    phys_addr_t head;        /* the head free frame, PHYS_NONE when the stack is empty */
    uint64_t stacked;        /* frames on the stack, nodes included (changed on slow paths only) */
    uint64_t seeded;         /* frames taken from the seed cursor and not given back to the list */
    phys_addr_t end;         /* one past the highest byte that can hold a frame */
    phys_addr_t seed_base;   /* the seed cursor hands out [seed_base, seed_next) downward */
    phys_addr_t seed_next;
    /* Cold state. */
    struct region_list *regions;
    uint64_t *inuse;     /* FRAME_CHECK: one bit per frame below end, set while handed out (its
                            storage is a REGION_META range of the list) */
    uint64_t drains;     /* drain rounds that gave stacked frames back to the list (information) */
    uint64_t run_stalls; /* run requests refused only because the region list had no room */
    bool list_full;      /* the list had no room for a frame freed below FRAME_ISA_LIMIT: such
                            frames are stacked until a run request or a run free changes it */
    uint64_t freed;      /* frames that became free on the stack or in the list (slow paths only; a
                            frame freed into a cache counts when it reaches the stack) */
    struct frame_no_run no_run; /* the last run request that failed with every frame looked at */
    uint64_t fast_fails;        /* run requests refused by no_run without a drain (information) */
    uint16_t *area_dir[FRAME_AREA_DIR]; /* counts per 2 MiB area, a page per 4 GiB: the first
                                           is area_low, the others carved as seeding reaches them */
    phys_addr_t whole;                  /* whole free areas off the stack, linked through their
                                           first frame (PHYS_NONE: none) */
    uint64_t whole_frames;              /* frames on that list */
    uint64_t areas_whole;               /* areas that left the stack whole (information) */
    uint64_t areas_waiting;      /* of those, areas still waiting for the stack's nodes in them */
    uint16_t area_low[2048];     /* the counts of the areas below 4 GiB */
    struct irqlock collect_lock; /* one CPU at a time gathers the caches (frame_cache.c) */
    void (*kick)(struct frame_pool *p, unsigned cpu); /* frame_set_kick() */
    uint32_t
        patience; /* spins a collector waits for a kicked CPU before it panics (tests shorten) */
    struct frame_cache caches[CPU_MAX];
};

/*
 * Takes over the free ranges of regions (which must outlive the pool); only the FRAME_CHECK
 * bitmap is carved and zeroed here, no free frame is touched.
 * Return: K_OK; K_EINVAL for unknown flags; K_ENOMEM if the FRAME_CHECK bitmap does not fit.
 */
int frame_init(struct frame_pool *p, struct region_list *regions, unsigned flags);

/*
 * One 4 KiB frame, contents undefined. Safe in interrupt handlers, as frame_free() is: both run
 * with interrupts off and take only irqlocks (docs/interrupts.md). Return: its address, or
 * PHYS_NONE when exhausted.
 */
phys_addr_t frame_alloc(struct frame_pool *p);

/* As frame_alloc(), filled with zeroes. Return: its address, or PHYS_NONE. */
phys_addr_t frame_alloc_zeroed(struct frame_pool *p);

/*
 * Gives back a frame from frame_alloc(). Misaligned or out-of-RAM addresses always panic; with
 * FRAME_CHECK so do reserved frames, runs, double frees and frames never handed out.
 */
void frame_free(struct frame_pool *p, phys_addr_t pa);

/*
 * nframes contiguous frames, aligned to align (a power of two, 0 = 4 KiB), lying below max
 * (0 = no ceiling) and not crossing boundary (0 = none). A ceiling searches bottom-up, no ceiling
 * top-down. Unless the ceiling is at or below FRAME_ISA_LIMIT, the run comes from at or above
 * FRAME_ISA_LIMIT whenever memory there can serve it (draining the stack if it must); ISA memory
 * is the last resort.
 *
 * The guarantee: a valid request fails only when the free frames, wherever the pool keeps them
 * (the region list, the seed cursor, the stack, the per-CPU caches), contain no run that
 * satisfies it. When the region list alone cannot serve it, the pool gathers every CPU's cached
 * frames onto the stack and gives the stack's frames below the ceiling back to the list, merged
 * into ranges, and searches again (a drain: O(stacked frames + ranges), memory taken only from free
 * frames; docs/frame-allocator.md). The one exception: a region list that cannot grow to record the
 * result (no room and no free memory to move to) makes the drain stop with every frame still
 * stacked; the request then fails and run_stalls counts it. Return: the base of the run, or
 * PHYS_NONE if no such run is free or the request is invalid.
 */
phys_addr_t frame_alloc_run(struct frame_pool *p, uint64_t nframes, uint64_t align, phys_addr_t max,
                            uint64_t boundary);

/*
 * When no single frame is handed out, everything the pool holds is free, so this gives the stack
 * and the seed cursor back to the region list in one retag, O(ranges), where they merge into
 * runs; frame_alloc_run() tries it before draining. Return: bytes given back (0 while any single
 * frame is out).
 */
uint64_t frame_reclaim(struct frame_pool *p);

/*
 * Gives every frame the pool keeps free (the stack, the seed cursor) back to the region list,
 * merged (frame_reclaim() when idle, else the seed cursor and a drain of the whole stack, crumbs
 * too). Afterwards a run request changes the list only by the run it takes: what tests that
 * compare the list before and after want. Return: bytes given back.
 */
uint64_t frame_settle(struct frame_pool *p);

/* Gives back a run from frame_alloc_run(). A bad free panics with FRAME_CHECK, else is reported. */
void frame_free_run(struct frame_pool *p, phys_addr_t base, uint64_t nframes);

/* A 2 MiB frame: FRAME_HUGE_SIZE bytes, aligned to it. */
#define FRAME_HUGE_SIZE (2 * MiB)

/*
 * One 2 MiB frame, aligned, contents undefined (for a 2 MiB page). The guarantee is a run's: it
 * fails only when no free, aligned 2 MiB area exists anywhere (region list, seed cursor, stack,
 * per-CPU caches). In this order: a 2 MiB frame given back earlier (the whole list, O(1)); an
 * area whose 512 frames are all on the stack (the per-area counts find it, O(1), no drain:
 * docs/frame-allocator.md "Whole 2 MiB areas"); the region list, top-down and above
 * FRAME_ISA_LIMIT first, as the run frame_alloc_run(512 frames, 2 MiB aligned, no ceiling); after
 * the caches are gathered, the stack's areas again; then a drain. Counted in_use; frame_whereis()
 * says "2 MiB frame" for one from the stack, "run" for one from the list. Give it back with
 * frame_free_huge(), never frame_free_run(). Return: its base, or PHYS_NONE.
 */
phys_addr_t frame_alloc_huge(struct frame_pool *p);

/*
 * Gives back a frame from frame_alloc_huge(): one taken off the stack waits whole for the next
 * 2 MiB request, one from the list goes back there. A bad free panics with FRAME_CHECK, else is
 * reported.
 */
void frame_free_huge(struct frame_pool *p, phys_addr_t pa);

/*
 * Gives this CPU's cached frames back to the shared stack (a CPU going offline or idle, where
 * cached frames would keep their 2 MiB areas from going whole; a host thread that stands for a
 * CPU and ends; a test that wants the stack to hold every free frame).
 */
void frame_cache_drain(struct frame_pool *p);

/*
 * How the pool gets another CPU's attention when it needs that CPU's cached frames (a run, a
 * reclaim, exhaustion): kick(p, cpu) must make CPU cpu call frame_cache_nmi() soon, whatever it
 * is doing -- the kernel sends an NMI. With a kick, the run guarantee covers every cache: a CPU
 * that does not answer within 2^16 kicks is a broken invariant, and the collector panics naming
 * it. Without a kick (NULL, the default) a CPU hands its frames over the next time it allocates
 * or frees, which is enough for host threads that keep working; a collector that waited in vain
 * says so and goes on without those frames.
 */
void frame_set_kick(struct frame_pool *p, void (*kick)(struct frame_pool *p, unsigned cpu));

/*
 * The kick's other half, on the CPU kicked (in its NMI handler): hands this CPU's cached frames
 * to the CPU that asked, unless this CPU is in the middle of changing its cache -- in a slow
 * path (marked busy), or interrupted at rip inside frame_alloc() or frame_free() (which lie in
 * their own section, frame_fast: a linker script that places it must define __start_frame_fast
 * and __stop_frame_fast around it) -- in which case the CPU does so as soon as it is done, or a
 * later kick finds it elsewhere. Touches no lock. Return: whether a CPU had asked.
 */
bool frame_cache_nmi(struct frame_pool *p, uint64_t rip);

/*
 * How well one CPU's cache served it since the pool began: calls, and those that went to the
 * shared stack under the pool's lock (a refill, a spill, a frame below the ISA limit). The hit rate
 * is 1 - locked / calls.
 */
struct frame_cache_stats {
    uint64_t allocs, frees;
    uint64_t allocs_locked, frees_locked;
    uint32_t cached; /* frames in the cache now */
};
void frame_cache_get_stats(const struct frame_pool *p, unsigned cpu, struct frame_cache_stats *s);

/*
 * Fills s; total == stacked + unseeded + reserved + in_use always holds. Frames in per-CPU caches
 * count as stacked (free); while other CPUs allocate, their caches are read as they are.
 */
void frame_get_stats(struct frame_pool *p, struct frame_stats *s);

/*
 * The pool's region list as it is now (taken under the pool's lock): up to max ranges into out.
 * Return: how many the list holds (more than max: the rest were not copied).
 */
struct region;
size_t frame_regions_copy(struct frame_pool *p, struct region *out, size_t max);

/* Prints a one-line summary ("frames: 8 GiB total, 7.9 GiB free (...), ...") with kprintf. */
void frame_print_stats(struct frame_pool *p);

#endif
