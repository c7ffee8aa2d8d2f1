/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the memory bring-up tests (test_bootmem_map.c, _carve.c, _init.c): the memory-map
 * test helpers plus the step that reads a built multiboot2 block's map into the list.
 */
#ifndef TEST_BOOTMEM_TEST_H
#define TEST_BOOTMEM_TEST_H

#include "memmap_test.h"

#include <frame64/bootmem.h>

/* memmap_sanitize() of the block blk_parse() parsed into mb, at phys_bits address bits. */
static inline int sanitize_block(unsigned phys_bits)
{
    struct memmap_source src = bootmem_map_source(&mb);
    return memmap_sanitize(&L, &src, phys_bits);
}

#endif
