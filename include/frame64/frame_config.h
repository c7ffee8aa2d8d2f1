/* SPDX-License-Identifier: 0BSD */
/*
 * The frame manager's build-time policies, in one place so that a kernel that copies it can
 * change them with -D on the compiler line (-DCPU_MAX=64) instead of editing code. Every file
 * that includes <frame64/frame.h> must see the same values: struct frame_pool's size depends on
 * CPU_MAX and FRAME_CACHE_BATCH, so a mismatch between the unit and its caller is an ABI break.
 * docs/reuse.md "Policies" says what each one trades; examples/ builds and runs with other values.
 */
#ifndef FRAME64_FRAME_CONFIG_H
#define FRAME64_FRAME_CONFIG_H

#include <frame64/types.h>

/* CPUs the kernel can run: one per-CPU cache each in struct frame_pool (about 8 KiB apiece). */
#ifndef CPU_MAX
#define CPU_MAX 16
#endif

/*
 * Frames freed below this go back to the region list, and runs without a ceiling at or below it
 * avoid it, so ISA DMA (which reaches only the first 16 MiB) can still find memory. 0 turns the
 * ISA zone off: no frame is kept back, and dma_alloc(DMA_ZONE_ISA) finds nothing.
 */
#ifndef FRAME_ISA_LIMIT
#define FRAME_ISA_LIMIT (16 * MiB)
#endif

/* Largest chunk the seed cursor carves from the region list at a time (one list entry each). */
#ifndef FRAME_SEED_CHUNK
#define FRAME_SEED_CHUNK (2 * MiB)
#endif

/*
 * Frames a per-CPU cache takes from, or gives back to, the shared stack at a time; a cache holds
 * up to twice this (why 255: include/frame64/frame.h, "Per-CPU caches").
 */
#ifndef FRAME_CACHE_BATCH
#define FRAME_CACHE_BATCH 255
#endif

/*
 * Spins a collector waits for a kicked CPU (frame_set_kick()) to hand over its cache before it
 * panics naming it: an unanswered NMI is a broken machine, not a slow one.
 */
#ifndef FRAME_CACHE_PATIENCE
#define FRAME_CACHE_PATIENCE (1u << 28)
#endif

/*
 * Entries of the static array a region list usually starts on (UEFI maps of several hundred
 * entries exist, before merging); the list grows into its own free memory when it has a grow
 * limit (region_set_grow_limit()).
 */
#ifndef REGION_STATIC_CAPACITY
#define REGION_STATIC_CAPACITY 256
#endif

_Static_assert(CPU_MAX >= 1 && CPU_MAX <= 4096, "CPU_MAX: 1 .. 4096");
_Static_assert(FRAME_ISA_LIMIT % PAGE_SIZE == 0, "FRAME_ISA_LIMIT: a multiple of 4 KiB");
_Static_assert(FRAME_SEED_CHUNK >= PAGE_SIZE && FRAME_SEED_CHUNK % PAGE_SIZE == 0,
               "FRAME_SEED_CHUNK: a positive multiple of 4 KiB");
_Static_assert(FRAME_CACHE_BATCH >= 1 && FRAME_CACHE_BATCH <= (1 << 20),
               "FRAME_CACHE_BATCH: 1 .. 2^20 frames");
_Static_assert(FRAME_CACHE_PATIENCE >= 1, "FRAME_CACHE_PATIENCE: at least one spin");
_Static_assert(REGION_STATIC_CAPACITY >= 4, "REGION_STATIC_CAPACITY: at least 4 entries");

#endif
