/* SPDX-License-Identifier: 0BSD */
/*
 * Where the kernel lives: the one place these addresses are written down. C includes this
 * header. NASM and the linker script cannot, so at build time cmake/gen_layout.cmake turns each
 * "#define NAME NUMBER" line below into a %define in layout.inc (boot/entry.asm %includes it) and
 * a PROVIDE(NAME = NUMBER) in layout.ld (boot/linker.ld INCLUDEs it); both live in the kernel
 * build directory and are regenerated when this file changes. So every #define here must be a
 * plain decimal or 0x number with nothing after it on the line (the script rejects anything else).
 */
#ifndef FRAME64_LAYOUT_H
#define FRAME64_LAYOUT_H

/* The kernel is linked at KERNEL_VMA + physical address (the top 2 GiB: -mcmodel=kernel). */
#define KERNEL_VMA 0xFFFFFFFF80000000
/* Physical load address: 2 MiB, so the image starts on a large-page boundary. */
#define KERNEL_PHYS 0x200000
/* All physical memory is mapped here once the direct map is built. */
#define DIRECT_MAP_BASE 0xFFFF800000000000

#endif
