/* SPDX-License-Identifier: 0BSD */
/*
 * The direct map: all physical memory the sanitized map knows, mapped once at DIRECT_MAP_BASE
 * with 2 MiB pages (1 GiB pages where the CPU has them), into the boot PML4. Its table frames
 * come from the region list (tagged page-table), from below 4 GiB because until the switch they
 * are reached through the boot identity map.
 */
#include <arch/cpu.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/layout.h>
#include <frame64/pagetable.h>
#include <frame64/physmap.h>

static phys_addr_t table_frame(void *ctx)
{
    /* Top-down: the highest free frame below 4 GiB, so low memory stays for DMA. */
    struct region_request req = {
        .size = PAGE_SIZE, .max = 4 * GiB, .tag = REGION_PAGETABLE, .top_down = true};
    return region_alloc(ctx, &req);
}

int directmap_init(struct region_list *regions, phys_addr_t end, bool huge_1g, bool nx)
{
    unsigned sizes = PT_4K | PT_2M | (huge_1g ? PT_1G : 0);
    uint64_t size = ALIGN_UP(end, 2 * MiB);
    uint64_t before = region_total(regions, REGION_PAGETABLE);
    phys_addr_t pml4 = read_cr3() & PTE_ADDR_MASK;
    uint64_t flags = PTE_WRITE | (nx ? PTE_NX : 0); /* data only: never executed */
    int err = pt_map(pml4, DIRECT_MAP_BASE, 0, size, flags, sizes, table_frame, regions);
    if (err != K_OK)
        return err;
    /* The boot map never used these PML4 slots, so no stale translation can exist: no flush. */
    physmap_set_base(DIRECT_MAP_BASE, size);
    region_set_grow_limit(regions, size);
    kprintf("direct map: physical [0, 0x%llx) at 0x%llx with %s pages, %llu table frames\n",
            (unsigned long long)size, (unsigned long long)DIRECT_MAP_BASE,
            huge_1g ? "1 GiB/2 MiB" : "2 MiB",
            (unsigned long long)((region_total(regions, REGION_PAGETABLE) - before) / PAGE_SIZE));
    return K_OK;
}
