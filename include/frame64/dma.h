/* SPDX-License-Identifier: 0BSD */
/*
 * Contiguous memory for devices. A zone says which addresses the device can reach; the runs come
 * from the region list through the page-frame manager (frame_alloc_run()).
 */
#ifndef FRAME64_DMA_H
#define FRAME64_DMA_H

#include <frame64/frame.h>

enum dma_zone {
    DMA_ZONE_ISA, /* below 16 MiB and never crossing a 64 KiB boundary (the 8237 controller) */
    DMA_ZONE_32,  /* below 4 GiB (32-bit bus masters) */
    DMA_ZONE_ANY, /* anywhere (64-bit capable devices) */
};

/* The largest ISA run: one may not cross a 64 KiB boundary (the 8237 counts within 64 KiB). */
#define DMA_ISA_MAX_BYTES (64 * KiB)

/*
 * bytes (rounded up to 4 KiB) of physically contiguous memory from pool p, aligned to align (a
 * power of two, 0 = 4 KiB), inside zone. An ISA request above DMA_ISA_MAX_BYTES can never fit:
 * refused at once, like any other that nothing fits, and without a message (a caller that takes
 * sizes from a person says why: the monitor's `run`). Return: the physical base, or PHYS_NONE
 * when nothing fits.
 */
phys_addr_t dma_alloc(struct frame_pool *p, uint64_t bytes, uint64_t align, enum dma_zone zone);

/* Gives back to p a run from dma_alloc() (same bytes). */
void dma_free(struct frame_pool *p, phys_addr_t base, uint64_t bytes);

#endif
