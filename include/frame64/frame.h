/*
 * The page-frame manager: single 4 KiB frames from a stack of free frames kept inside the free
 * frames themselves (no metadata array), seeded lazily from the region list; contiguous and
 * address-limited runs are delegated to the region list.
 */
#ifndef FRAME64_FRAME_H
#define FRAME64_FRAME_H

#include <frame64/types.h>
#include <frame64/region.h>

/* What the allocation functions return when no frame is left. Callers must check. */
#define FRAME_NONE ((phys_addr_t)UINT64_MAX)

/* Checks chosen at init: debug builds turn them on, release builds keep only the cheap ones. */
enum frame_flags {
    FRAME_CHECK = 1u << 0,  /* validate frees: owner tag, reserved ranges, double free */
    FRAME_POISON = 1u << 1, /* fill freed frames with a pattern, verify it on allocation */
};

struct frame_stats {
    uint64_t total;    /* bytes of RAM the manager knows (free + in use + reserved) */
    uint64_t stacked;  /* bytes free on the stack */
    uint64_t unseeded; /* bytes free, not yet seeded (still in the region list or a carved chunk) */
    uint64_t reserved; /* bytes reserved (kernel, boot info, modules, firmware-owned RAM, metadata) */
    uint64_t in_use;   /* bytes handed out as single frames or runs */
};

/* One pool of frames. Its fields are private to src/mm/frame.c; they are here so it can be static. */
struct frame_pool {
    struct region_list *regions;
    unsigned flags;
    /* PROVISIONAL: src/mm/frame.c's author replaces the rest with the real state. */
    phys_addr_t head;
};

/* Takes over the free ranges of regions. Touches no free frame. Return: K_OK or an error. */
int frame_init(struct frame_pool *p, struct region_list *regions, unsigned flags);

/* One 4 KiB frame, or FRAME_NONE when memory is exhausted. High memory first. */
phys_addr_t frame_alloc(struct frame_pool *p);

/* As frame_alloc(), filled with zeroes. */
phys_addr_t frame_alloc_zeroed(struct frame_pool *p);

/* Gives back a frame from frame_alloc(). Invalid frees panic when FRAME_CHECK is on. */
void frame_free(struct frame_pool *p, phys_addr_t pa);

/*
 * nframes contiguous frames, aligned to align (a power of two, 0 = 4 KiB), lying below max
 * (0 = no ceiling) and not crossing boundary (0 = none). FRAME_NONE if no such run is free.
 */
phys_addr_t frame_alloc_run(struct frame_pool *p, uint64_t nframes, uint64_t align, phys_addr_t max,
                            uint64_t boundary);

/* Gives back a run from frame_alloc_run(). */
void frame_free_run(struct frame_pool *p, phys_addr_t base, uint64_t nframes);

void frame_get_stats(struct frame_pool *p, struct frame_stats *s);

#endif
