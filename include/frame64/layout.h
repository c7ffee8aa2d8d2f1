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
/*
 * The kernel half uses only these PML4 slots, all created at boot (bootmem), so their entries
 * never change and every address space can copy them once: the direct map from slot 256 on,
 * device memory in slot 508, kernel stacks in slot 509, the image in slot 511.
 */
/* All physical memory is mapped here once the direct map is built. */
#define DIRECT_MAP_BASE 0xFFFF800000000000
/* Device memory (framebuffers, APIC registers), mapped uncached or write-combining: 512 GiB. */
#define DEVICE_MAP_BASE 0xFFFFFE0000000000
#define DEVICE_MAP_SIZE 0x8000000000
/* Kernel stacks: slots of 64 KiB, each stack at the top of its slot above an unmapped guard. */
#define KSTACK_AREA_BASE 0xFFFFFE8000000000
#define KSTACK_SLOT_SIZE 0x10000
#define KSTACK_SLOTS     1024
/* User space is [USER_MIN, USER_END): the first 64 KiB are never mapped, so NULL faults. */
#define USER_MIN 0x10000
#define USER_END 0x800000000000

#endif
