/* SPDX-License-Identifier: 0BSD */
/*
 * The benchmark's baseline: a conventional bitmap frame allocator, the design most hobby kernels
 * start with. One bit per 4 KiB frame over [0, top of RAM); a set bit means "in use or not RAM".
 * Single frames come first-fit from a hint (every word below the hint is full); runs come from
 * a first-fit bit search below a ceiling with alignment. It is only used by bench/bench_frames.c.
 *
 * The caller provides the bitmap storage (the benchmark takes it from malloc, a kernel would carve
 * it from the memory map); bitmap_init() writes every word of it, as a real init must.
 */
#ifndef BENCH_BITMAP_ALLOC_H
#define BENCH_BITMAP_ALLOC_H

#include <frame64/region.h>
#include <frame64/types.h>

struct bitmap_alloc {
    uint64_t *words;      /* bit f of the array set: frame f is in use, reserved or not RAM */
    uint64_t nwords;      /* words in use: ceil(nframes / 64) */
    uint64_t nframes;     /* frames covered: [0, nframes * PAGE_SIZE) */
    uint64_t hint;        /* every word below this index is full (all ones) */
    uint64_t free_frames; /* frames whose bit is clear */
};

/* Bytes of storage bitmap_init() needs for map. Return: that size (a multiple of 8). */
uint64_t bitmap_storage_bytes(const struct region_list *map);

/*
 * Covers [0, end of the highest REGION_FREE entry of map) and marks exactly the REGION_FREE
 * entries free, writing every word of the bitmap once.
 * Return: K_OK, or K_ENOMEM if storage_bytes is smaller than bitmap_storage_bytes(map).
 */
int bitmap_init(struct bitmap_alloc *b, const struct region_list *map, uint64_t *storage,
                uint64_t storage_bytes);

/* The lowest free frame. Return: its physical address, or PHYS_NONE when none is left. */
phys_addr_t bitmap_alloc(struct bitmap_alloc *b);

/* Gives back a frame from bitmap_alloc(); panics on a frame outside the map or already free. */
void bitmap_free(struct bitmap_alloc *b, phys_addr_t pa);

/*
 * The lowest run of nframes free frames aligned to align bytes (a power of two, 0 = 4 KiB) that
 * ends at or below max (0 = no ceiling).
 * Return: the run's base, or PHYS_NONE when no such run is free.
 */
phys_addr_t bitmap_alloc_run(struct bitmap_alloc *b, uint64_t nframes, uint64_t align,
                             phys_addr_t max);

/* Gives back a run from bitmap_alloc_run(); panics if some frame of it is not in use. */
void bitmap_free_run(struct bitmap_alloc *b, phys_addr_t base, uint64_t nframes);

/* Bytes of metadata: the bitmap words plus this structure. Return: that size. */
uint64_t bitmap_meta_bytes(const struct bitmap_alloc *b);

#endif
