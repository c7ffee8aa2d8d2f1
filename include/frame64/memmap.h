/* SPDX-License-Identifier: 0BSD */
/*
 * Memory-map sanitizer: turns the firmware's raw map (unsorted, overlapping, unaligned, possibly
 * beyond what the CPU can address) into the canonical region list, carves out the ranges it is
 * given (what the kernel and the boot loader occupy), and prints the result. It knows nothing of
 * boot loaders: entries come through a struct memmap_source (src/kernel/bootmem.c reads them from
 * the multiboot2 block), carve-outs as plain ranges.
 *
 * Policy (memmap_sanitize):
 *   - zero-length entries are dropped;
 *   - everything is clipped at 2^phys_bits (dropped when wholly above, trimmed when crossing);
 *   - available ranges are rounded inward to 4 KiB, all others outward (a page that is partly
 *     reserved is reserved);
 *   - overlaps go to the more restrictive type:
 *       available < ACPI reclaimable < ACPI NVS < reserved/unknown < bad;
 *   - every entry trimmed or dropped is logged ("memmap: ..."), the first MEMMAP_LOG_MAX of them
 *     one line each, then a count.
 * Restrictive types are painted first, each only into the holes left by the more restrictive
 * ones, and available memory last. So when the list grows (it takes storage from its
 * own free ranges) the new storage can never lie in memory a later entry declares reserved.
 */
#ifndef FRAME64_MEMMAP_H
#define FRAME64_MEMMAP_H

#include <frame64/types.h>
#include <frame64/region.h>

/* Raw entry types (the numbering of the E820 and multiboot2 maps). Any other value is reserved. */
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

/* Where the sanitizer reads raw entries: count of them, entry i filled in by get(ctx, i, e). */
struct memmap_source {
    size_t count;
    void (*get)(void *ctx, size_t i, struct memmap_entry *e);
    void *ctx;
    const char *name; /* "multiboot2", "EFI", ... for the first message; NULL: say nothing */
};

/*
 * Entries a list needs for a sanitized map of n raw entries (2n + 1 at most: every range starts
 * and ends on some entry's end point) plus carves carve-outs (each splits at most two entries)
 * plus MEMMAP_LIST_SLACK for the first allocations. What memmap_sanitize() asks of an empty list.
 */
size_t memmap_list_bound(size_t n, size_t carves);

/* Entries memmap_list_bound() keeps for the allocations made before the list may grow. */
#define MEMMAP_LIST_SLACK 16

/*
 * Adds the entries of src to out following the policy above, reading each entry once per pass
 * (nothing is copied, so a map may be of any length). out must be empty. It grows during the call
 * only if a grow limit is set, and then only into memory every entry agrees is available;
 * memmap_list_bound(src->count, 0) entries are always enough. All or nothing: on failure out is
 * empty again, on the storage it started with.
 * Return: K_OK; K_EINVAL for phys_bits outside [MEMMAP_PHYS_BITS_MIN, MEMMAP_PHYS_BITS_MAX] or a
 * list that is not empty; K_ENOENT if src is NULL or has no entries; K_ENOMEM if the list ran out
 * of room.
 */
int memmap_sanitize(struct region_list *out, const struct memmap_source *src, unsigned phys_bits);

/* memmap_sanitize() over an array of n entries (printing no source line; n may be 0). */
int memmap_add_entries(struct region_list *out, const struct memmap_entry *e, size_t n,
                       unsigned phys_bits);

/*
 * Where a list can live before it describes anything: the highest bytes (a page multiple) of
 * memory, at or above 1 MiB and below below, that lie inside one entry of src that is available
 * (rounded inward) and overlap no entry of another type and no range of avoid (entries whose
 * type is ignored: the boot data that is still to be carved out). O(entries x conflicts).
 * Return: its base, or PHYS_NONE if there is no such place.
 */
phys_addr_t memmap_find_room(const struct memmap_source *src, uint64_t bytes, phys_addr_t below,
                             const struct memmap_source *avoid);

/*
 * Reserves the REGION_FREE parts of [base, end), rounded outward to 4 KiB, for tag; other parts
 * keep their tags. An empty range does nothing.
 * Return: K_OK; K_EINVAL if base > end or tag is REGION_FREE/out of range; K_ENOMEM (unchanged).
 */
int memmap_carve(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag);

/*
 * memmap_carve() for something the kernel or the boot loader put in RAM (the image, its boot
 * tables, the information block, a module): refuses when the list's own storage lies in it (it
 * grew there before the carve), and says so when part of it is not available RAM (it still gets
 * what is free).
 * Return: as memmap_carve(); K_EINVAL also on such an overlap, or for an inverted range.
 */
int memmap_carve_owned(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag);

/* A half-open physical range; base == end means none. */
struct memmap_range {
    phys_addr_t base, end;
};

/*
 * What memory is, summed over a list, each byte in exactly one field. The frame pool's chunks and
 * DMA runs are RAM the page-frame manager took over after boot, not the kernel's or the boot
 * loader's: counting them as kernel/boot made a machine with everything freed look full.
 */
struct memmap_totals {
    uint64_t available;   /* REGION_FREE */
    uint64_t kernel_boot; /* every other owned tag (region_tag_owned()): kernel, boot data, ... */
    uint64_t frame_pool;  /* REGION_FRAMES: the frame manager's, free on its stack or handed out */
    uint64_t dma;         /* REGION_DMA: runs handed out for devices */
    uint64_t firmware;    /* REGION_FIRMWARE */
    uint64_t acpi;        /* REGION_ACPI_RECLAIM and REGION_ACPI_NVS */
    uint64_t bad;         /* REGION_BAD */
};

/* Sums l into *t (tags out of range count as firmware, as the map's picture draws them). */
void memmap_totals(const struct region_list *l, struct memmap_totals *t);

/* Prints l as a table (base, end, size, type) followed by its memmap_totals(). */
void memmap_print(const struct region_list *l);

/* Name of a raw entry type ("available", "reserved", "ACPI reclaimable", ...). */
const char *memmap_type_name(uint32_t type);

#endif
