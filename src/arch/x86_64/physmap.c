/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's one pair of physical <-> virtual translations. Until the direct map exists the
 * boot identity map of the low 4 GiB serves (offset 0); physmap_set_base() switches to the direct
 * map. Pointers into the kernel image translate through the -2 GiB mapping.
 */
#include <frame64/layout.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>

static uint64_t base;               /* virtual address of physical 0 */
static phys_addr_t limit = 4 * GiB; /* physical addresses below this are mapped */

void physmap_set_base(uint64_t virt_base, phys_addr_t mapped_end)
{
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
