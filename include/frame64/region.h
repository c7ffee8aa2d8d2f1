/* SPDX-License-Identifier: 0BSD */
/*
 * Run-length region list (in the spirit of Linux's memblock): sorted, merged, half-open
 * [base, end) physical ranges, each with a tag that says what the memory is and who owns it.
 * It describes all of physical memory at boot (the sanitized map is one of these lists) and is
 * the kernel's first allocator: it serves contiguous, aligned, address-limited runs for DMA
 * and hands chunks to the page-frame stack.
 *
 * Invariants, after every public call returns:
 *   - entries are sorted by base, do not overlap, and have base < end;
 *   - two entries that touch (a.end == b.base) never carry the same tag (they are merged);
 *   - a call that fails leaves the list exactly as it was.
 * Ranges are given as [base, end), so nothing overflows; the two calls that take a size clamp or
 * refuse instead: region_free() clamps base + size to PHYS_ADDR_MAX, region_alloc() refuses a size
 * that would overflow once rounded up to a page. No range ever includes the top byte of the
 * address space.
 *
 * Ranges are byte-granular; only region_alloc() works in whole pages. Once the list has grown
 * into storage of its own (l->storage != 0), that storage is tagged REGION_META and any call that
 * would change its tag fails with K_EINVAL: the list cannot be tricked into losing its entries.
 */
#ifndef FRAME64_REGION_H
#define FRAME64_REGION_H

#include <frame64/frame_config.h> /* REGION_STATIC_CAPACITY */
#include <frame64/types.h>

/* What a range is. Everything but REGION_FREE is unavailable to allocation. */
enum region_tag {
    REGION_FREE = 0,     /* usable RAM that nobody owns: allocations come from here */
    REGION_ACPI_RECLAIM, /* ACPI tables: reusable once parsed (kept as is today) */
    REGION_ACPI_NVS,     /* firmware storage preserved across sleep: never reused */
    REGION_BAD,          /* defective RAM reported by firmware */
    REGION_FIRMWARE,     /* reserved by the firmware map (type 2, or a type we do not know) */
    REGION_LOWMEM,       /* the first 1 MiB: real-mode IVT, BDA, EBDA, option ROMs */
    REGION_KERNEL,       /* the kernel image (text, data, bss) */
    REGION_BOOTSTRAP,    /* boot page tables and boot stack (inside the image) */
    REGION_BOOTINFO,     /* the multiboot2 information block */
    REGION_CMDLINE,      /* the kernel command line, where it lies outside the information block */
    REGION_MODULE,       /* a GRUB module */
    REGION_META,         /* allocator metadata: region-list storage, debug bitmaps */
    REGION_PAGETABLE,    /* page-table frames (direct map) */
    REGION_DMA,          /* contiguous runs handed out for devices */
    REGION_FRAMES,       /* chunks owned by the page-frame stack (in use or on its stack) */
    REGION_APSTART,      /* the page below 1 MiB where the other CPUs start (real mode) */
    REGION_TAG_COUNT
};

/* One range. */
struct region {
    phys_addr_t base; /* first byte */
    phys_addr_t end;  /* one past the last byte */
    uint32_t tag;     /* enum region_tag */
    uint32_t reserved_;
};

struct region_list {
    struct region *regions; /* sorted array of count entries, room for capacity */
    size_t count;
    size_t capacity;
    phys_addr_t storage;    /* physical base of regions[] when taken from the list itself, else 0 */
    phys_addr_t grow_limit; /* growth storage must end at or below this; 0: never grow */
    const char *name;       /* for messages */
};

/* REGION_STATIC_CAPACITY (256), the usual size of a list's first storage: frame_config.h. */

/* A contiguous-run request for region_alloc(). */
struct region_request {
    uint64_t size;     /* bytes; rounded up to PAGE_SIZE */
    uint64_t align;    /* power of two; 0 means PAGE_SIZE */
    phys_addr_t min;   /* the run lies within [min, max) */
    phys_addr_t max;   /* 0 means no ceiling */
    uint64_t boundary; /* power of two the run must not cross (64 KiB for ISA DMA); 0: none */
    uint32_t tag;      /* the tag the run gets; must not be REGION_FREE */
    bool top_down;     /* search from the highest address down instead of from min up */
};

/* Starts an empty list over caller-provided storage (usually a static array). */
void region_init(struct region_list *l, const char *name, struct region *storage, size_t capacity);

/*
 * Lets the list grow when full by taking storage from its own free ranges, below limit (which
 * must be reachable through phys_to_virt(); rounded down to a page; 0 turns growth off). Each
 * growth at least doubles the capacity into whole pages, the highest free ones below limit that
 * lie outside the range being changed, tagged REGION_META; storage taken by an earlier growth is
 * given back as REGION_FREE. Page 0 is never used.
 */
void region_set_grow_limit(struct region_list *l, phys_addr_t limit);

/*
 * Paints [base, end) with tag, overriding whatever was there, and merges with neighbours.
 * Return: K_OK; K_EINVAL if base >= end or tag is out of range, or the paint would change the
 * list's own storage; K_ENOMEM if the list had no room and could not grow (the list is unchanged).
 */
int region_set(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag);

/*
 * Paints tag into the holes of [base, end); existing entries keep their tags.
 * Return: as region_set.
 */
int region_fill(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag);

/* Adds [base, end) as REGION_FREE where the list has holes: region_fill(REGION_FREE). */
int region_add(struct region_list *l, phys_addr_t base, phys_addr_t end);

/*
 * Paints with to only those parts of [base, end) that currently carry from (holes stay holes).
 * Return: as region_set; K_EINVAL also if from is out of range.
 */
int region_retag(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t from,
                 uint32_t to);

/* Reserves [base, end) for an owner: region_retag(FREE -> tag). Return: as region_set. */
int region_reserve(struct region_list *l, phys_addr_t base, phys_addr_t end, uint32_t tag);

/* Forgets [base, end): it becomes a hole. Return: K_OK, K_EINVAL, or K_ENOMEM (unchanged). */
int region_remove(struct region_list *l, phys_addr_t base, phys_addr_t end);

/*
 * Finds a free run that satisfies req, tags it req->tag and stores its base in *base. Bottom-up
 * searches take the lowest fitting address, top-down the highest (of the list as it was when
 * called). Alignments below PAGE_SIZE are raised to it; the run ends at or below max.
 * Return: K_OK; K_ENOMEM when no free run fits or the split needs a slot that cannot be found;
 * K_EINVAL when req is malformed (size 0 or overflowing, align or boundary not a power of two,
 * size > boundary, min >= max, tag REGION_FREE or out of range). On failure *base is PHYS_NONE
 * and the list is unchanged.
 */
int region_alloc(struct region_list *l, const struct region_request *req, phys_addr_t *base);

/*
 * Gives [base, base + size) back as REGION_FREE; every byte of it must carry tag.
 * Return: K_OK; K_EINVAL if some byte carries another tag or lies in a hole, if tag is
 * REGION_FREE (freeing free memory is a double free) or out of range, or if size is 0 (list
 * unchanged); K_ENOMEM if the split needed a slot that could not be found (list unchanged).
 */
int region_free(struct region_list *l, phys_addr_t base, uint64_t size, uint32_t tag);

/*
 * A source of ranges for region_retag_sorted(), read from the start once per pass (up to three
 * times). The ranges come in address order and do not overlap.
 */
struct region_ranges {
    /* Starts again from the first range. */
    void (*rewind)(struct region_ranges *s);
    /*
     * The next range in [*base, *end); *force set if it must be retagged whatever its size.
     * Return: false when there is none left.
     */
    bool (*next)(struct region_ranges *s, phys_addr_t *base, phys_addr_t *end, bool *force);
    /* Called in the last pass for each range that was retagged (NULL: not wanted). */
    void (*taken)(struct region_ranges *s, phys_addr_t base, phys_addr_t end);
    /*
     * The lowest address of [base, end) that the source keeps data in while it is read (the
     * list must not move there), or PHYS_NONE.
     */
    phys_addr_t (*in_use)(struct region_ranges *s, phys_addr_t base, phys_addr_t end);
};

/*
 * Retags with to each range of src that lies inside an entry tagged from, in one merge over the
 * list: O(entries + ranges) per pass, three passes at most. A range shorter than min_size that is
 * not forced and touches no entry tagged to is left as it is (it would cost two entries; callers
 * that only want long runs of free memory skip such crumbs). When the result does not fit, the
 * list moves, as a growth would, into the highest free memory of the result below grow_limit
 * that src->in_use() does not claim, and that storage is tagged REGION_META.
 * Return: K_OK; K_EINVAL, with *bad the first offending range's base, if a range does not lie
 * inside one entry tagged from (or the ranges are out of order), or from/to is out of range,
 * equal, or REGION_META; K_ENOMEM if the result does not fit and the list cannot move. On failure
 * the list is unchanged and src->taken() was never called.
 */
int region_retag_sorted(struct region_list *l, struct region_ranges *src, uint32_t from,
                        uint32_t to, uint64_t min_size, phys_addr_t *bad);

/*
 * Makes storage the list was started on (region_init() over phys_to_virt(pa)) its own: marks it
 * REGION_META, as if the list had grown into it, so a later growth gives it back. Every page of it
 * must be REGION_FREE in the list.
 * Return: K_OK; K_EINVAL if the list already owns storage, regions is not phys_to_virt(pa), or
 * part of the storage is not free; K_ENOMEM if no slot is left (unchanged).
 */
int region_adopt_storage(struct region_list *l, phys_addr_t pa);

/*
 * Re-derives the pointer to storage the list owns after phys_to_virt() changed (the kernel moves
 * from the boot identity map to the direct map). Lists on static storage are not affected.
 */
void region_remap(struct region_list *l);

/* The entry that contains pa, or NULL if pa lies in a hole. O(log n). */
const struct region *region_lookup(const struct region_list *l, phys_addr_t pa);

/*
 * Index of the first entry that ends above pa: where a walk over the entries meeting [pa, ...)
 * starts. O(log n). Return: an index in [0, count]; count when every entry ends at or below pa.
 */
size_t region_index_after(const struct region_list *l, phys_addr_t pa);

/* Sum of the sizes of every entry with this tag. */
uint64_t region_total(const struct region_list *l, uint32_t tag);

/*
 * Whether tag marks RAM that someone owns: REGION_LOWMEM and every tag after it. Only RAM the
 * firmware called available gets these (carved from REGION_FREE), unlike the firmware's own kinds.
 */
static inline bool region_tag_owned(uint32_t tag)
{
    return tag >= REGION_LOWMEM && tag < REGION_TAG_COUNT;
}

/* Short name of a tag ("free", "kernel", "module", ...) for tables; "?" for a bad tag. */
const char *region_tag_name(uint32_t tag);

/*
 * Debug self-check of the invariants above, plus count <= capacity and, for storage taken from
 * the list, that it is tagged REGION_META. Prints what is wrong.
 * Return: true if the list is sound.
 */
bool region_check(const struct region_list *l);

#define region_for_each(l, r) for ((r) = (l)->regions; (r) < (l)->regions + (l)->count; (r)++)

#endif
