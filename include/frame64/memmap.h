/* SPDX-License-Identifier: 0BSD */
/*
 * Memory-map sanitizer: turns the firmware's raw map (unsorted, overlapping, unaligned, possibly
 * beyond what the CPU can address) into the canonical region list, then carves out what the
 * kernel and the boot loader occupy, and prints the result.
 *
 * Policy (memmap_add_entries):
 *   - zero-length entries are dropped;
 *   - everything is clipped at 2^phys_bits (dropped when wholly above, trimmed when crossing);
 *   - available ranges are rounded inward to 4 KiB, all others outward (a page that is partly
 *     reserved is reserved);
 *   - overlaps go to the more restrictive type:
 *       available < ACPI reclaimable < ACPI NVS < reserved/unknown < bad;
 *   - every entry trimmed or dropped is logged ("memmap: ..."), the first MEMMAP_LOG_MAX of them
 *     one line each, then a count.
 * Restrictive types are painted first, each only into the holes left by the more restrictive
 * ones, and available memory last (region_add). So when the list grows (it takes storage from its
 * own free ranges) the new storage can never lie in memory a later entry declares reserved.
 */
#ifndef FRAME64_MEMMAP_H
#define FRAME64_MEMMAP_H

#include <frame64/types.h>
#include <frame64/region.h>

/* Raw entry types, multiboot2 numbering. Any other value is treated as reserved. */
enum memmap_type {
    MEMMAP_AVAILABLE = 1,
    MEMMAP_RESERVED = 2,
    MEMMAP_ACPI_RECLAIM = 3,
    MEMMAP_ACPI_NVS = 4,
    MEMMAP_BAD = 5,
};

/* One raw firmware entry: [base, base + len) of the given type. */
struct memmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

/* Accepted physical address widths (CPUID 0x80000008 EAX[7:0]). */
#define MEMMAP_PHYS_BITS_MIN 32
#define MEMMAP_PHYS_BITS_MAX 52

/* Trim/drop messages printed one line each before only a count is given. */
#define MEMMAP_LOG_MAX 16

struct mb2_info;

/*
 * Adds n raw entries to out (initialized with region_init, normally empty: ranges already in it
 * keep their tags) following the policy above.
 * Return: K_OK; K_EINVAL for phys_bits outside [MEMMAP_PHYS_BITS_MIN, MEMMAP_PHYS_BITS_MAX];
 * K_ENOMEM if the list ran out of room (it then holds part of the map).
 */
int memmap_add_entries(struct region_list *out, const struct memmap_entry *e, size_t n,
                       unsigned phys_bits);

/*
 * As memmap_add_entries(), reading the map (multiboot2, or EFI when it is the only one)
 * straight from the parsed block.
 * Return: as memmap_add_entries(); K_ENOENT if mb has no memory map.
 */
int memmap_sanitize(struct region_list *out, const struct mb2_info *mb, unsigned phys_bits);

/*
 * Reserves the REGION_FREE parts of [base, end), rounded outward to 4 KiB, for tag; other parts
 * keep their tags. An empty range does nothing.
 * Return: K_OK; K_EINVAL if base > end or tag is REGION_FREE/out of range; K_ENOMEM (unchanged).
 */
int memmap_carve(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag);

/* A half-open physical range; base == end means none. */
struct memmap_range {
    phys_addr_t base, end;
};

#define MEMMAP_BOOTSTRAP_MAX 4

/* What the kernel itself occupies, in physical addresses. */
struct memmap_carveouts {
    struct memmap_range kernel;                          /* the image: text to end of bss */
    struct memmap_range bootstrap[MEMMAP_BOOTSTRAP_MAX]; /* boot page tables, boot stack */
};

/*
 * Carves, in this order: the bootstrap ranges (REGION_BOOTSTRAP, before the image that contains
 * them), the kernel (REGION_KERNEL), the information block (REGION_BOOTINFO), each module
 * (REGION_MODULE), the command line when it lies outside the block (REGION_CMDLINE), and the
 * first 1 MiB (REGION_LOWMEM). mb may be NULL (then only k and low memory are carved).
 * A kernel/boot range not wholly in available RAM is reported (it still gets what is free).
 * Return: K_OK; K_ENOMEM as memmap_carve(); K_EINVAL if a range is inverted or overlaps the
 * list's own storage (REGION_META: it grew into boot data before the carve).
 */
int memmap_carve_boot(struct region_list *l, const struct mb2_info *mb,
                      const struct memmap_carveouts *k);

/* Prints l as a table (base, end, size, type) followed by totals per kind. */
void memmap_print(const struct region_list *l);

/* Name of a raw entry type ("available", "reserved", "ACPI reclaimable", ...). */
const char *memmap_type_name(uint32_t type);

#endif
