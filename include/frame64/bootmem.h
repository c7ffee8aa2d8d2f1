/* SPDX-License-Identifier: 0BSD */
/*
 * Memory bring-up: everything between the parsed boot information and a running page-frame
 * manager, in one place (src/kernel/bootmem.c). The architecture supplies only what the hardware
 * says (the live top-level page table, the CPU's address width and page features); the boot
 * loader's formats stop here: src/mm/ sees plain entries and plain ranges.
 */
#ifndef FRAME64_BOOTMEM_H
#define FRAME64_BOOTMEM_H

#include <frame64/frame.h>
#include <frame64/memmap.h>
#include <frame64/multiboot2.h>
#include <frame64/region.h>

#define BOOTMEM_BOOTSTRAP_MAX 4

/* What memory bring-up needs to know that the boot information does not say. */
struct bootmem_config {
    struct memmap_range kernel;                           /* the image: text to end of bss */
    struct memmap_range bootstrap[BOOTMEM_BOOTSTRAP_MAX]; /* boot page tables and boot stack */
    unsigned phys_bits;                                   /* CPUID's physical address width */
    bool nx;                                              /* EFER.NXE is on */
    bool huge_1g;                                         /* 1 GiB pages exist */
    struct memmap_range text, rodata, data; /* the image's parts (physical, page aligned) */
    bool global;                            /* CR4.PGE is on: the kernel half is global */
    unsigned frame_flags;                   /* enum frame_flags for frame_init() */
};

/* The memory map of mb (the multiboot2 map, or the EFI map when it is the only one) as entries. */
struct memmap_source bootmem_map_source(const struct mb2_info *mb);

/*
 * Starts l on storage that will hold the sanitized map of mb (the static boot array when it is
 * big enough, else room found below what phys_to_virt() reaches that every map entry agrees is
 * available and no boot data occupies), sanitizes the map into it and makes that storage the
 * list's own. Return: K_OK, or memmap_sanitize()'s error; K_ENOMEM also when no room is found.
 */
int bootmem_sanitize(struct region_list *l, const struct mb2_info *mb,
                     const struct bootmem_config *c);

/*
 * Carves, in this order: the bootstrap ranges (REGION_BOOTSTRAP, before the image that contains
 * them), the kernel (REGION_KERNEL), the information block (REGION_BOOTINFO), each module
 * (REGION_MODULE), the command line when it lies outside the block (REGION_CMDLINE), and the
 * first 1 MiB (REGION_LOWMEM). mb or c may be NULL: their ranges are then left out.
 * Return: K_OK, or memmap_carve_owned()'s error.
 */
int bootmem_carve(struct region_list *l, const struct mb2_info *mb, const struct bootmem_config *c);

/*
 * The whole bring-up: bootmem_sanitize(), bootmem_carve(), the map printed, the kernel's own page
 * tables built (all RAM at DIRECT_MAP_BASE, the image at KERNEL_VMA with W^X permissions, the
 * kernel half's PML4 slots of layout.h, no identity map) and switched to (physmap_switch(): only
 * then may l grow, and *mb is moved onto the direct map), and the frame manager p started on l.
 * Return: K_OK with the kernel's PML4 in *pml4, or the failing step's error with *failed set to a
 * sentence naming that step.
 */
int bootmem_init(struct region_list *l, struct frame_pool *p, struct mb2_info *mb,
                 const struct bootmem_config *c, phys_addr_t *pml4, const char **failed);

/*
 * Takes a page of usable RAM below 1 MiB out of the first megabyte's reservation for starting the
 * other CPUs (they start in real mode there), tagged REGION_APSTART and kept. Return: its
 * address, or 0 when no such page exists (the other CPUs then stay off).
 */
phys_addr_t bootmem_take_ap_page(struct region_list *l);

#endif
