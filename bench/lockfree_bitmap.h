/* SPDX-License-Identifier: 0BSD */
/*
 * The threads benchmark's opponent: a lock-free bitmap frame allocator, the design the forum
 * thread behind frame64 argues for ("you can implement a lock-free physical memory manager" with
 * bitmaps). One bit per 4 KiB frame over [0, top of RAM), a set bit meaning "in use or not RAM",
 * as in the single-threaded baseline (bitmap_alloc.h, whose init it reuses). Allocation claims a
 * bit with a compare-and-swap on its 64-bit word, free clears it with an atomic and; each CPU
 * searches from its own hint, and the hints start spread over the bitmap so CPUs work in
 * different cache lines. No lock and no shared counter anywhere. Only bench/ uses it.
 *
 * The CPU comes from arch_cpu_index() (<arch/cpu_local.h>), as frame64's per-CPU caches do: in
 * host builds each thread names its CPU with host_cpu_set().
 */
#ifndef BENCH_LOCKFREE_BITMAP_H
#define BENCH_LOCKFREE_BITMAP_H

#include <frame64/cpu.h>
#include <frame64/region.h>
#include <frame64/types.h>

/* A CPU's search hint, alone in its cache line: only that CPU reads and writes it. */
struct lfb_hint {
    _Alignas(64) uint64_t word;
};

struct lf_bitmap {
    uint64_t *words; /* shared by every CPU; only changed by atomic read-modify-writes */
    uint64_t nwords;
    uint64_t nframes;
    struct lfb_hint hint[CPU_MAX]; /* where each CPU's next search starts (a word index) */
};

/* Bytes of storage lfb_init() needs for map. Return: that size (a multiple of 8). */
uint64_t lfb_storage_bytes(const struct region_list *map);

/*
 * Covers [0, end of the highest REGION_FREE entry of map) with exactly the REGION_FREE entries
 * free, and spreads the CPUs' hints evenly over the bitmap (on cache-line boundaries).
 * Return: K_OK, or K_ENOMEM if storage_bytes is smaller than lfb_storage_bytes(map).
 */
int lfb_init(struct lf_bitmap *b, const struct region_list *map, uint64_t *storage,
             uint64_t storage_bytes);

/*
 * A free frame, searching from this CPU's hint upwards and wrapping around once. Concurrent
 * frees behind the search may be missed, so "none" is only exact while nothing is being freed.
 * Return: its physical address, or PHYS_NONE when the search found no clear bit.
 */
phys_addr_t lfb_alloc(struct lf_bitmap *b);

/* Gives back a frame from lfb_alloc(), from any CPU; panics if it is outside the map or free. */
void lfb_free(struct lf_bitmap *b, phys_addr_t pa);

/* Frames whose bit is clear, by counting (O(words); exact only while no CPU is using b). */
uint64_t lfb_free_frames(const struct lf_bitmap *b);

#endif
