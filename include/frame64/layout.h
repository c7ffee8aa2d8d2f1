/* SPDX-License-Identifier: 0BSD */
/*
 * Where the kernel lives. Shared by C and NASM (NASM includes it with %include after the C
 * preprocessor-free subset below: only #define lines of plain numbers are used).
 */
#ifndef FRAME64_LAYOUT_H
#define FRAME64_LAYOUT_H

/* The kernel is linked at KERNEL_VMA + physical address (the top 2 GiB: -mcmodel=kernel). */
#define KERNEL_VMA 0xFFFFFFFF80000000
/* Physical load address: 2 MiB, so the image starts on a large-page boundary. */
#define KERNEL_PHYS 0x200000
/* All physical memory is mapped here once the direct map is built (issue: page frame manager). */
#define DIRECT_MAP_BASE 0xFFFF800000000000

#endif
