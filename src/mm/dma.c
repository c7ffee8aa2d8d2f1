/* SPDX-License-Identifier: 0BSD */
/* dma_alloc(): zones mapped onto the frame manager's contiguous runs. */
#include <frame64/dma.h>

phys_addr_t dma_alloc(struct frame_pool *p, uint64_t bytes, uint64_t align, enum dma_zone zone)
{
    uint64_t nframes = ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE;
    if (nframes == 0)
        return PHYS_NONE;
    switch (zone) {
    case DMA_ZONE_ISA:
        /*
         * frame_alloc_run() would call it invalid and print so: it is only impossible. A build
         * without an ISA zone (FRAME_ISA_LIMIT 0) has no memory for it, and a ceiling of 0 would
         * mean none at all.
         */
        if (FRAME_ISA_LIMIT == 0 || nframes > DMA_ISA_MAX_BYTES / PAGE_SIZE)
            return PHYS_NONE;
        return frame_alloc_run(p, nframes, align, FRAME_ISA_LIMIT, DMA_ISA_MAX_BYTES);
    case DMA_ZONE_32:
        return frame_alloc_run(p, nframes, align, 4 * GiB, 0);
    default:
        return frame_alloc_run(p, nframes, align, 0, 0);
    }
}

void dma_free(struct frame_pool *p, phys_addr_t base, uint64_t bytes)
{
    frame_free_run(p, base, ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE);
}
