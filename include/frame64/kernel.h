/* SPDX-License-Identifier: 0BSD */
/* The kernel's boot-time state that the rest of the kernel (and its ktests) may read. */
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

#endif
