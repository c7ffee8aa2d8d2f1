/* SPDX-License-Identifier: 0BSD */
/*
 * Device mappings (include/frame64/kmap.h): a bump allocator over the DEVICE_MAP window, each
 * mapping aligned like its physical address to 2 MiB so that large framebuffers get large pages.
 * Caching comes from the PTE's PWT/PCD bits: the PAT is programmed (arch) so that PWT alone means
 * write-combining; PWT|PCD is uncached either way.
 */
#include <frame64/irqlock.h>
#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kmap.h>
#include <frame64/kprintf.h>
#include <frame64/layout.h>
#include <frame64/pagetable.h>

static struct irqlock lock =
    IRQLOCK_INIT("kmap", LOCK_RANK_KMAP); /* next and the window's page tables */
static uint64_t next GUARDED_BY(lock) = DEVICE_MAP_BASE;

static void *map_locked(phys_addr_t pa, uint64_t size, enum kmap_cache cache) REQUIRES(lock);

void *kmap_device(phys_addr_t pa, uint64_t size, enum kmap_cache cache)
{
    uint64_t irq = irqlock_acquire(&lock);
    void *va = map_locked(pa, size, cache);
    irqlock_release(&lock, irq);
    return va;
}

static void *map_locked(phys_addr_t pa, uint64_t size, enum kmap_cache cache)
{
    phys_addr_t base = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t bytes = ALIGN_UP(pa + size, PAGE_SIZE) - base;
    uint64_t va = ALIGN_UP(next, 2 * MiB) + (base & (2 * MiB - 1)); /* congruent: large pages */
    if (!size || va + bytes > DEVICE_MAP_BASE + DEVICE_MAP_SIZE) {
        kprintf("kmap: no room for 0x%llx bytes of device memory at 0x%llx\n",
                (unsigned long long)size, (unsigned long long)pa);
        return NULL;
    }
    uint64_t caching =
        cache == KMAP_WRITE_COMBINED && arch_has_write_combining() ? PTE_PWT : PTE_PWT | PTE_PCD;
    uint64_t flags =
        PTE_WRITE | caching | (boot_cpu.nx ? PTE_NX : 0) | (boot_cpu.pge ? PTE_GLOBAL : 0);
    unsigned sizes = PT_4K | PT_2M | (boot_cpu.huge_1g ? PT_1G : 0);
    if (pt_map(kernel_pml4, va, base, bytes, flags, sizes, kernel_table_frame, &kernel_frames) !=
        K_OK) {
        kprintf("kmap: could not map 0x%llx bytes of device memory at 0x%llx\n",
                (unsigned long long)size, (unsigned long long)pa);
        return NULL;
    }
    next = va + bytes;
    return (void *)(va + (pa - base));
}
