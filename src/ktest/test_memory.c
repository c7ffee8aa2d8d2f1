/* SPDX-License-Identifier: 0BSD */
/*
 * ktests of the memory map and the region list as the kernel built them at this boot: they agree
 * with what the firmware reported, boot data is reserved under its owner's name, and DMA runs
 * honour their zone, alignment and boundary without ever touching boot data.
 */
#include "ktest_util.h"

#include <frame64/dma.h>
#include <frame64/ktest.h>

/* Tags that mean "RAM that the firmware called available" (free, or owned by the kernel). */
static bool is_ram_tag(uint32_t tag)
{
    return tag == REGION_FREE || region_tag_owned(tag);
}

/* Is [base, end) covered by a firmware entry more restrictive than "available"? */
static bool firmware_restricts(phys_addr_t base, phys_addr_t end)
{
    struct mb2_mmap_entry e;
    for (size_t i = 0; mb2_mmap_get(&boot_info, i, &e); i++)
        if (e.type != MB2_MEMORY_AVAILABLE && e.len && base < e.base + e.len && e.base < end)
            return true;
    return false;
}

/*
 * Every page the firmware called available is RAM in the list (free or kernel-owned) unless a
 * more restrictive entry overlaps it; nothing the firmware reserved is free; and when the
 * firmware's entries do not overlap, free + owned == the available total (rounded inward).
 */
KTEST(memmap_agrees_with_firmware)
{
    struct mb2_mmap_entry e;
    uint64_t available = 0;
    bool overlaps = false;
    phys_addr_t limit = boot_cpu.phys_bits >= 64 ? PHYS_ADDR_MAX : (1ull << boot_cpu.phys_bits);
    for (size_t i = 0; mb2_mmap_get(&boot_info, i, &e); i++) {
        struct mb2_mmap_entry o;
        for (size_t j = 0; j < i && mb2_mmap_get(&boot_info, j, &o); j++)
            if (o.len && e.len && e.base < o.base + o.len && o.base < e.base + e.len)
                overlaps = true;
        phys_addr_t base = ALIGN_UP(e.base, PAGE_SIZE);
        phys_addr_t end = MIN(ALIGN_DOWN(e.base + e.len, PAGE_SIZE), limit);
        if (e.type != MB2_MEMORY_AVAILABLE || base >= end)
            continue;
        available += end - base;
        for (phys_addr_t pa = base; pa < end;) {
            const struct region *r = region_lookup(&kernel_memory, pa);
            KT_ASSERT(r, "available 0x%llx is a hole in the list", (unsigned long long)pa);
            phys_addr_t stop = MIN(r->end, end);
            KT_ASSERT(is_ram_tag(r->tag) || firmware_restricts(pa, stop),
                      "available [0x%llx, 0x%llx) is listed as %s", (unsigned long long)pa,
                      (unsigned long long)stop, region_tag_name(r->tag));
            pa = stop;
        }
    }
    for (size_t i = 0; mb2_mmap_get(&boot_info, i, &e); i++) {
        if (e.type == MB2_MEMORY_AVAILABLE || !e.len)
            continue;
        for (phys_addr_t pa = ALIGN_DOWN(e.base, PAGE_SIZE); pa < MIN(e.base + e.len, limit);) {
            const struct region *r = region_lookup(&kernel_memory, pa);
            if (!r)
                break;
            KT_ASSERT(!is_ram_tag(r->tag), "firmware-reserved 0x%llx is listed as %s",
                      (unsigned long long)pa, region_tag_name(r->tag));
            pa = r->end;
        }
    }
    uint64_t ram = 0;
    const struct region *r;
    region_for_each(&kernel_memory, r)
    {
        if (is_ram_tag(r->tag))
            ram += r->end - r->base;
    }
    KT_ASSERT(overlaps || ram == available,
              "firmware reported 0x%llx bytes available, the list holds 0x%llx of RAM",
              (unsigned long long)available, (unsigned long long)ram);
}

/* The tag boot range i must carry (ktest_boot_ranges() order: kernel, boot information, modules).
 */
static uint32_t owner_tag(size_t i)
{
    return i == 0 ? REGION_KERNEL : i == 1 ? REGION_BOOTINFO : REGION_MODULE;
}

/* Does tag belong to some boot range whose pages include pa (a page two owners share)? */
static bool shared_owner(const struct ktest_range *boot, size_t n, phys_addr_t pa, uint32_t tag)
{
    for (size_t j = 0; j < n; j++)
        if (ALIGN_DOWN(boot[j].base, PAGE_SIZE) <= pa && pa < boot[j].end &&
            (tag == owner_tag(j) || (j == 0 && tag == REGION_BOOTSTRAP)))
            return true;
    return false;
}

/*
 * Every page of the kernel, the information block and each module is reserved under its owner's
 * tag; a page two of them share (GRUB packs a module's last partial page and the information
 * block together) carries one of the two owners' tags. Physical page 0 is never free.
 */
KTEST(boot_data_reserved_with_owner)
{
    struct ktest_range boot[KTEST_MAX_BOOT_RANGES];
    size_t n = ktest_boot_ranges(boot, ARRAY_SIZE(boot));
    for (size_t i = 0; i < n; i++) {
        for (phys_addr_t pa = ALIGN_DOWN(boot[i].base, PAGE_SIZE); pa < boot[i].end;
             pa += PAGE_SIZE) {
            const struct region *r = region_lookup(&kernel_memory, pa);
            KT_ASSERT(r && shared_owner(boot, n, pa, r->tag),
                      "%s at 0x%llx is listed as %s, not %s", boot[i].what, (unsigned long long)pa,
                      r ? region_tag_name(r->tag) : "a hole", region_tag_name(owner_tag(i)));
        }
    }
    const struct region *low = region_lookup(&kernel_memory, 0);
    KT_ASSERT(!low || low->tag != REGION_FREE, "physical page 0 is free");
}

/* Checks one DMA run: in its zone, aligned, within a boundary, tagged, clear of boot data. */
static void check_run(struct ktest *t, phys_addr_t pa, uint64_t size, uint64_t align,
                      phys_addr_t max, uint64_t boundary)
{
    struct ktest_range boot[KTEST_MAX_BOOT_RANGES];
    size_t n = ktest_boot_ranges(boot, ARRAY_SIZE(boot));
    KT_ASSERT(pa != PHYS_NONE, "no run of 0x%llx bytes", (unsigned long long)size);
    KT_ASSERT(!max || pa + size <= max, "run 0x%llx ends above 0x%llx", (unsigned long long)pa,
              (unsigned long long)max);
    KT_ASSERT(IS_ALIGNED(pa, align), "run 0x%llx is not aligned to 0x%llx", (unsigned long long)pa,
              (unsigned long long)align);
    KT_ASSERT(!boundary || pa / boundary == (pa + size - 1) / boundary,
              "run [0x%llx, +0x%llx) crosses a 0x%llx boundary", (unsigned long long)pa,
              (unsigned long long)size, (unsigned long long)boundary);
    const struct ktest_range *hit = ktest_overlap(boot, n, pa, pa + size);
    KT_ASSERT(!hit, "run 0x%llx overlaps %s", (unsigned long long)pa, hit ? hit->what : "");
    const struct region *r = region_lookup(&kernel_memory, pa);
    KT_ASSERT(r && r->tag == REGION_DMA && r->end >= pa + size, "run 0x%llx is not tagged dma",
              (unsigned long long)pa);
}

/* Takes one run from zone, checks it with check_run(), frees it: the list must be as before. */
static void run_round_trip(struct ktest *t, uint64_t bytes, uint64_t align, enum dma_zone zone,
                           phys_addr_t max, uint64_t boundary)
{
    static struct ktest_snapshot before;
    ktest_snapshot_take(&before, &kernel_memory);
    phys_addr_t pa = dma_alloc(&kernel_frames, bytes, align, zone);
    check_run(t, pa, bytes, MAX(align, PAGE_SIZE), max, boundary);
    if (t->failed)
        return;
    dma_free(&kernel_frames, pa, bytes);
    KT_ASSERT(ktest_snapshot_equal(&before, &kernel_memory), "freeing did not restore the list");
}

/* A 64 KiB ISA DMA run: below 16 MiB, 64 KiB aligned, not crossing 64 KiB. */
KTEST(dma_isa_64k_run)
{
    run_round_trip(t, 64 * KiB, 64 * KiB, DMA_ZONE_ISA, 16 * MiB, 64 * KiB);
}

/* A 1 MiB run for a 32-bit device comes from below 4 GiB. */
KTEST(dma_32bit_1m_run)
{
    run_round_trip(t, 1 * MiB, 0, DMA_ZONE_32, 4 * GiB, 0);
}

/* Requests no free run can satisfy fail with PHYS_NONE and leave the list exactly as it was. */
KTEST(dma_impossible_request_fails_cleanly)
{
    static struct ktest_snapshot before;
    ktest_snapshot_take(&before, &kernel_memory);
    uint64_t largest = 0;
    const struct region *r;
    region_for_each(&kernel_memory, r)
    {
        if (r->tag == REGION_FREE)
            largest = MAX(largest, r->end - r->base);
    }
    KT_ASSERT(dma_alloc(&kernel_frames, largest + PAGE_SIZE, 0, DMA_ZONE_ANY) == PHYS_NONE,
              "a run larger than the largest free range (0x%llx) was granted",
              (unsigned long long)largest);
    KT_ASSERT(dma_alloc(&kernel_frames, 128 * KiB, 0, DMA_ZONE_ISA) == PHYS_NONE,
              "an ISA run larger than the 64 KiB boundary was granted");
    KT_ASSERT(dma_alloc(&kernel_frames, 32 * MiB, 0, DMA_ZONE_ISA) == PHYS_NONE,
              "32 MiB below 16 MiB granted");
    KT_ASSERT(ktest_snapshot_equal(&before, &kernel_memory), "a failed request changed the list");
}

/* Drain the ISA zone in 64 KiB runs: none overlaps boot data; after freeing all, the list is back.
 */
KTEST(dma_runs_never_overlap_boot_data)
{
    static struct ktest_snapshot before;
    static phys_addr_t runs[256];
    size_t n = 0;
    ktest_snapshot_take(&before, &kernel_memory);
    while (n < ARRAY_SIZE(runs)) {
        phys_addr_t pa = dma_alloc(&kernel_frames, 64 * KiB, 0, DMA_ZONE_ISA);
        if (pa == PHYS_NONE)
            break;
        runs[n++] = pa;
        check_run(t, pa, 64 * KiB, PAGE_SIZE, 16 * MiB, 64 * KiB);
        if (t->failed)
            return;
    }
    KT_ASSERT(n > 0, "not a single 64 KiB ISA run");
    for (size_t i = 0; i < n; i++)
        dma_free(&kernel_frames, runs[i], 64 * KiB);
    KT_ASSERT(ktest_snapshot_equal(&before, &kernel_memory),
              "freeing %zu runs did not restore the list", n);
}
