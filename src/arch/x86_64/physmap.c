/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's one pair of physical <-> virtual translations. Until the direct map exists the
 * boot identity map of the low 4 GiB serves (offset 0); physmap_switch() loads the kernel's own
 * page tables and moves to the direct map in one step. Pointers into the kernel image translate
 * through its -2 GiB mapping.
 */
#include <arch/cpu.h>
#include <frame64/layout.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>

static uint64_t base;               /* virtual address of physical 0 */
static phys_addr_t limit = 4 * GiB; /* physical addresses below this are mapped */

void physmap_switch(phys_addr_t pml4, uint64_t virt_base, phys_addr_t mapped_end)
{
    /* Nothing may translate between the two: the old offset is gone the moment CR3 changes. */
    write_cr3(pml4);
    base = virt_base;
    limit = mapped_end;
}

phys_addr_t physmap_limit(void)
{
    return limit;
}

void *phys_to_virt(phys_addr_t pa)
{
    if (pa >= limit)
        panic("phys_to_virt(0x%llx): beyond the mapped physical memory (ends at 0x%llx)",
              (unsigned long long)pa, (unsigned long long)limit);
    return (void *)(base + pa);
}

phys_addr_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)va;
    if (v >= KERNEL_VMA)
        return v - KERNEL_VMA;
    if (v < base || v - base >= limit)
        panic("virt_to_phys(%p): not a direct-map or kernel address", va);
    return v - base;
}
