/* SPDX-License-Identifier: 0BSD */
/*
 * The frame manager in a plain program, as a kernel uses it at boot: a region list built from the
 * memory map a loader hands over (multiboot2 and Limine give {base, length, type} entries), then
 * single frames, a 32-bit and an ISA DMA run, churn, a run after churn, and exhaustion. Links only
 * the unit (docs/reuse.md); exits non-zero if the manager breaks a promise.
 */
#include <stdio.h>
#include <stdlib.h>

#include <frame64/dma.h>
#include <frame64/frame.h>

#include "port/host_port.h"

/* The loader's map, multiboot2 types: 1 available, 2 reserved, 3 ACPI reclaimable, 4 ACPI NVS. */
static const struct {
    uint64_t base, length;
    uint32_t type;
} firmware_map[] = {
    {0x0, 0x9fc00, 1},           {0x9fc00, 0x400, 2},     {0xf0000, 0x10000, 2},
    {0x100000, 0x1ee0000, 1},    {0x1fe0000, 0x20000, 3}, {0xfec00000, 0x1000, 2},
    {0x100000000, 0x2000000, 1}, /* 32 MiB above 4 GiB: what the 32-bit run must avoid */
};
static const uint32_t tag_of_type[] = {REGION_FIRMWARE, REGION_FREE, REGION_FIRMWARE,
                                       REGION_ACPI_RECLAIM, REGION_ACPI_NVS};

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static int failures;

static void expect(bool ok, const char *what)
{
    printf("%-44s %s\n", what, ok ? "ok" : "FAILED");
    failures += !ok;
}

/* Free frames, and the region list's own storage once it has grown into RAM (it moves about). */
static uint64_t free_bytes(bool with_list)
{
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    return s.stacked + s.unseeded + (with_list ? region_total(&list, REGION_META) : 0);
}

int main(void)
{
    region_init(&list, "memory", storage, REGION_STATIC_CAPACITY);
    for (size_t i = 0; i < ARRAY_SIZE(firmware_map); i++) {
        phys_addr_t base = firmware_map[i].base, end = base + firmware_map[i].length;
        uint32_t type = firmware_map[i].type;
        if (type == 1) { /* RAM is used in whole pages: round inward */
            base = ALIGN_UP(base, PAGE_SIZE), end = ALIGN_DOWN(end, PAGE_SIZE);
            if (host_phys_back(base, end) != K_OK) /* a kernel has its direct map instead */
                return 2;
        }
        if (region_set(&list, base, end, type < 5 ? tag_of_type[type] : REGION_FIRMWARE) != K_OK)
            return 2;
    }
    region_set_grow_limit(&list, 4 * GiB); /* past 256 entries the list grows into free RAM */
    region_set(&list, 0, 1 * MiB, REGION_LOWMEM);       /* what a PC kernel keeps out of use */
    region_set(&list, 1 * MiB, 2 * MiB, REGION_KERNEL); /* this kernel's image */
    if (frame_init(&pool, &list, FRAME_CHECK | FRAME_POISON) != K_OK)
        return 2;
    printf("struct frame_pool: %zu bytes for CPU_MAX %u\n", sizeof(pool), (unsigned)CPU_MAX);
    frame_print_stats(&pool);
    uint64_t before = free_bytes(true);

    phys_addr_t a = frame_alloc(&pool), b = frame_alloc_zeroed(&pool);
    printf("single frames: 0x%lx 0x%lx (from the top of memory down)\n", a, b);
    expect(a != PHYS_NONE && b != PHYS_NONE && a != b, "two single frames");
    frame_free(&pool, a);
    frame_free(&pool, b);

    phys_addr_t r32 = frame_alloc_run(&pool, 256, 0, 4 * GiB, 0); /* 1 MiB for a 32-bit device */
    expect(r32 != PHYS_NONE && r32 + 1 * MiB <= 4 * GiB, "1 MiB run below 4 GiB");
    /* 64 KiB for the 8237: below FRAME_ISA_LIMIT, not crossing 64 KiB (this map's ISA RAM
     * starts at 2 MiB: a smaller limit, or 0 for none, leaves the zone empty). */
    phys_addr_t isa = dma_alloc(&pool, 64 * KiB, 0, DMA_ZONE_ISA);
    if (FRAME_ISA_LIMIT > 2 * MiB)
        expect(isa != PHYS_NONE && isa + 64 * KiB <= FRAME_ISA_LIMIT && isa % (64 * KiB) == 0,
               "64 KiB ISA DMA run below FRAME_ISA_LIMIT");
    else
        expect(isa == PHYS_NONE, "no ISA DMA run: the zone is empty");
    printf("runs: 32-bit at 0x%lx, ISA at 0x%lx\n", r32, isa);

    /* Churn: random allocations and frees scatter the free frames over the stack. */
    static phys_addr_t held[4096];
    size_t n = 0;
    uint64_t x = 88172645463325252ull;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        if (n < ARRAY_SIZE(held) && (n == 0 || x % 3 != 0))
            held[n++] = frame_alloc(&pool);
        else if (n > 0) {
            size_t i = x % n;
            frame_free(&pool, held[i]);
            held[i] = held[--n];
        }
    }
    phys_addr_t big = frame_alloc_run(&pool, 2048, 2 * MiB, 0, 0); /* 8 MiB, 2 MiB aligned */
    printf("after churn (%zu frames held): 8 MiB run at 0x%lx\n", n, big);
    expect(big != PHYS_NONE && big % (2 * MiB) == 0, "8 MiB run after churn");
    while (n > 0)
        frame_free(&pool, held[--n]);
    frame_free_run(&pool, big, 2048);
    frame_free_run(&pool, r32, 256);
    if (isa != PHYS_NONE)
        dma_free(&pool, isa, 64 * KiB);
    expect(free_bytes(true) == before, "everything given back");

    /* Exhaustion: every free byte comes out as single frames, then PHYS_NONE. */
    uint64_t avail = free_bytes(false);
    phys_addr_t *all = malloc(avail / PAGE_SIZE * sizeof(*all));
    size_t count = 0;
    for (phys_addr_t pa; all && (pa = frame_alloc(&pool)) != PHYS_NONE;)
        all[count++] = pa;
    printf("exhausted after %zu frames (%lu MiB)\n", count, count * PAGE_SIZE / MiB);
    frame_print_stats(&pool);
    expect(count * PAGE_SIZE == avail, "every free frame handed out once");
    while (count > 0)
        frame_free(&pool, all[--count]);
    free(all);
    frame_print_stats(&pool);
    expect(free_bytes(true) == before && region_check(&list), "all back, list sound");
    host_phys_release();
    return failures ? 1 : 0;
}
