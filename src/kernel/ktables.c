/* SPDX-License-Identifier: 0BSD */
/*
 * Frames for the kernel's own page tables (include/frame64/kernel.h): the one pt_alloc_fn every
 * change to kernel_pml4 after boot goes through (device mappings, kernel stacks, the APs' start
 * page), and its pt_table_free_fn. They are counted so that leak checks can tell a table the
 * kernel keeps for good (kmap never unmaps, the stack area's tables stay) from a lost frame.
 * bootmem.c builds the first tables from the region list instead: the pool does not exist yet.
 */
#include <frame64/frame.h>
#include <frame64/kernel.h>

static uint64_t table_frames; /* taken by kernel_table_frame() and not given back, from any CPU */

phys_addr_t kernel_table_frame(void *pool, int level)
{
    (void)level; /* every level is one 4 KiB frame, and they are counted together */
    phys_addr_t pa = frame_alloc(pool);
    if (pa != PHYS_NONE)
        __atomic_fetch_add(&table_frames, 1, __ATOMIC_RELAXED);
    return pa;
}

void kernel_table_free(void *pool, phys_addr_t table, int level, uint64_t virt)
{
    (void)level, (void)virt;
    __atomic_fetch_sub(&table_frames, 1, __ATOMIC_RELAXED);
    frame_free(pool, table);
}

uint64_t kernel_table_bytes(void)
{
    return __atomic_load_n(&table_frames, __ATOMIC_RELAXED) * PAGE_SIZE;
}
