/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's boot-time state that the rest of the kernel (and its ktests) may read, and the
 * frames for the kernel's own page tables.
 */
#ifndef FRAME64_KERNEL_H
#define FRAME64_KERNEL_H

#include <frame64/arch.h>
#include <frame64/frame.h>
#include <frame64/multiboot2.h>
#include <frame64/region.h>

extern struct cpu_info boot_cpu;         /* what CPUID said at boot */
extern struct mb2_info boot_info;        /* the parsed multiboot2 information block */
extern struct region_list kernel_memory; /* the sanitized map, and the run allocator */
extern struct frame_pool kernel_frames;  /* the page-frame manager */
extern phys_addr_t kernel_pml4; /* the kernel's page tables (their kernel half is shared) */

/*
 * A frame from the frame pool pool for one of kernel_pml4's tables at level, counted: the
 * pt_alloc_fn for every change to the kernel's tables once the pool exists (src/kernel/ktables.c).
 * Return: the frame, or PHYS_NONE.
 */
phys_addr_t kernel_table_frame(void *pool, int level);

/*
 * Gives a table kernel_table_frame() handed out back to pool, unlinked and flushed already: the
 * pt_table_free_fn for pruning the kernel's tables.
 */
void kernel_table_free(void *pool, phys_addr_t table, int level, uint64_t virt);

/*
 * Bytes of the kernel's page tables taken from the pool and not given back. Most are kept once
 * made (kmap never unmaps; the stack area holds at most 1 PD and 32 PTs), so the first stack in a
 * new 2 MiB of slots costs a frame for good: leak checks around such work subtract this.
 */
uint64_t kernel_table_bytes(void);

#endif
