/* SPDX-License-Identifier: 0BSD */
/*
 * Device memory in the kernel's address space (the DEVICE_MAP window of layout.h): framebuffers,
 * APIC registers, anything the direct map must not cover with ordinary cached memory. Mappings
 * are made once and kept; every address space sees them (the window's PML4 slot is shared).
 */
#ifndef FRAME64_KMAP_H
#define FRAME64_KMAP_H

#include <frame64/types.h>

enum kmap_cache {
    KMAP_UNCACHED,       /* registers: every access reaches the device, in order */
    KMAP_WRITE_COMBINED, /* framebuffers: writes are merged (through the PAT; uncached without it)
                          */
};

/*
 * Maps physical [pa, pa + size) (rounded out to pages) read-write, never executable, with the
 * given caching. Return: the virtual address of pa, or NULL (a sentence is printed) when the
 * window is full or no frame is left for the page tables.
 */
void *kmap_device(phys_addr_t pa, uint64_t size, enum kmap_cache cache);

#endif
