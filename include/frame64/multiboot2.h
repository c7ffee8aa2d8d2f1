/* SPDX-License-Identifier: 0BSD */
/*
 * Multiboot2 boot-information parser. GRUB hands the kernel one block of tags; mb2_parse()
 * walks it once, with bounds checks against total_size, and records what the kernel needs:
 * where things are (pointers into the block, never copies) plus a few scalars. The memory map
 * is not copied either: mb2_mmap_get() reads entry i straight from the block, converting EFI
 * descriptors on the fly, so maps of any length work without a fixed table.
 *
 * The block must stay mapped and untouched while an mb2_info refers to it (the kernel carves
 * it out as REGION_BOOTINFO). Malformed input never faults: bad tags are skipped with a message
 * (out->warnings counts them), a broken tag chain is refused. Only the tags the kernel uses are
 * read; the others are stepped over silently.
 */
#ifndef FRAME64_MULTIBOOT2_H
#define FRAME64_MULTIBOOT2_H

#include <frame64/types.h>

/*
 * Largest total_size accepted. Real blocks are a few KiB (a 2000-descriptor EFI map is under
 * 100 KiB); a bigger value means corruption, and reading it would walk into unmapped memory.
 */
#define MB2_INFO_MAX_SIZE (1 * MiB)

/* Minimum sizes of the memory-map records the parser reads (smaller ones are refused). */
#define MB2_MMAP_ENTRY_MIN 24 /* base, length, type, reserved */
#define MB2_EFI_DESC_MIN   40 /* type, pad, physical start, virtual start, pages, attribute */

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER_NAME = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_BASIC_MEMINFO = 4, /* not read */
    MB2_TAG_MMAP = 6,
    MB2_TAG_FRAMEBUFFER = 8,
    MB2_TAG_EFI32 = 11,
    MB2_TAG_EFI64 = 12,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
    MB2_TAG_EFI_MMAP = 17,
    MB2_TAG_EFI_BS = 18,
    MB2_TAG_LOAD_BASE = 21, /* not read */
};

/* Memory-map entry types as multiboot2 numbers them (the E820 numbering). */
enum mb2_memory_type {
    MB2_MEMORY_AVAILABLE = 1,
    MB2_MEMORY_RESERVED = 2,
    MB2_MEMORY_ACPI_RECLAIM = 3,
    MB2_MEMORY_NVS = 4,
    MB2_MEMORY_BADRAM = 5,
};

/* One memory-map entry: [base, base + len) of an enum mb2_memory_type (or another number). */
struct mb2_mmap_entry {
    uint64_t base;
    uint64_t len;
    uint32_t type;
};

/* EFI memory types (UEFI spec numbering) that mb2_mmap_get() converts. */
enum mb2_efi_type {
    MB2_EFI_RESERVED = 0,
    MB2_EFI_LOADER_CODE = 1,
    MB2_EFI_LOADER_DATA = 2,
    MB2_EFI_BS_CODE = 3,
    MB2_EFI_BS_DATA = 4,
    MB2_EFI_RT_CODE = 5,
    MB2_EFI_RT_DATA = 6,
    MB2_EFI_CONVENTIONAL = 7,
    MB2_EFI_UNUSABLE = 8,
    MB2_EFI_ACPI_RECLAIM = 9,
    MB2_EFI_ACPI_NVS = 10,
};

/* framebuffer type values */
enum { MB2_FB_INDEXED = 0, MB2_FB_RGB = 1, MB2_FB_EGA_TEXT = 2 };

/*
 * The framebuffer tag: a 32-byte common part, then colour information that depends on the type:
 * for MB2_FB_RGB the position (lowest bit) and size (bits) of each channel in a pixel, for
 * MB2_FB_INDEXED a palette of palette_colors (red, green, blue) byte triples.
 */
struct mb2_framebuffer {
    phys_addr_t addr;
    uint32_t pitch; /* bytes per line */
    uint32_t width, height;
    uint8_t bpp;
    uint8_t type;      /* MB2_FB_* */
    bool has_channels; /* MB2_FB_RGB and the tag holds the 6 bytes below */
    uint8_t red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
    uint16_t palette_colors; /* MB2_FB_INDEXED: entries wholly inside the tag (0 otherwise) */
    uint32_t palette_off;    /* offset of the first entry from the start of the block */
};

/* One boot module as GRUB loaded it: [start, end) and its string (inside the block). */
struct mb2_module {
    phys_addr_t start, end;
    const char *string;
};

/*
 * Which map mb2_mmap_get() reads. The multiboot2 map (type 6) wins when both are present: GRUB
 * builds it from the firmware's map under BIOS and UEFI alike, and applies its own changes
 * (cutmem, badram) to it; the EFI map (type 17) is read only when it is the only one.
 */
enum mb2_map_source { MB2_MAP_NONE = 0, MB2_MAP_MB2, MB2_MAP_EFI };

/* A memory-map array inside the block: count records of entry_size bytes from entries. */
struct mb2_map {
    const uint8_t *entries;
    size_t count;
    uint32_t entry_size;
    uint32_t version;
};

/* What mb2_parse() found. Pointers point into the block; absent items are NULL / false / 0. */
struct mb2_info {
    const uint8_t *block; /* the block as mapped */
    phys_addr_t phys;     /* its physical extent is [phys, phys + size) */
    uint32_t size;        /* total_size */
    uint32_t walk_end;    /* offset of the end tag (or size): tags before it are well formed */
    unsigned warnings;    /* tags skipped or anomalies tolerated */

    const char *cmdline; /* NUL-terminated inside the block */
    phys_addr_t cmdline_phys;
    const char *loader_name;

    size_t module_count;   /* valid module tags */
    uint32_t module_first; /* offset of the first valid one (iterate with mb2_module_next) */

    enum mb2_map_source map_source; /* MB2_MAP_MB2 when a type 6 map exists, else EFI */
    struct mb2_map mmap;            /* type 6, if any */
    struct mb2_map efi_mmap;        /* type 17, if any */

    bool has_framebuffer;
    struct mb2_framebuffer fb;

    const void *rsdp_old; /* copy of the ACPI 1.0 RSDP inside the block */
    uint32_t rsdp_old_len;
    const void *rsdp_new; /* copy of the ACPI 2.0+ RSDP (XSDP) inside the block */
    uint32_t rsdp_new_len;

    bool efi;               /* an EFI system-table tag is present: no VGA text buffer */
    phys_addr_t efi_systab; /* its address (32- or 64-bit tag) */
    bool efi_bs_active;     /* boot services were not exited: their memory is still in use */
};

/*
 * Parses the block at mbi (virtual, 8-byte aligned, physically at mbi_phys) into *out.
 * Return: K_OK (possibly with out->warnings > 0); K_EINVAL if the block or its tag chain is
 * malformed (NULL/misaligned, total_size outside [16, MB2_INFO_MAX_SIZE], a tag smaller than
 * its header or running past the end; out must not be used then); K_ENOENT if it has no usable
 * memory map (out is filled with everything else). Every failure and skipped tag prints one
 * "mb2: ..." line.
 */
int mb2_parse(const void *mbi, phys_addr_t mbi_phys, struct mb2_info *out);

/*
 * Moves every pointer of mb into the block onto block, the same bytes seen through another
 * mapping (the kernel's direct map, once the boot identity map is gone).
 */
void mb2_relocate(struct mb2_info *mb, const void *block);

/* Number of entries mb2_mmap_get() serves. */
size_t mb2_mmap_count(const struct mb2_info *mb);

/*
 * Entry i of the chosen map in multiboot2 numbering (EFI types are converted: loader, boot
 * services and conventional memory are available -- boot services only once exited --, ACPI
 * reclaim and NVS keep their kind, unusable is bad, everything else is reserved).
 * Return: true and *e filled, or false when i is out of range.
 */
bool mb2_mmap_get(const struct mb2_info *mb, size_t i, struct mb2_mmap_entry *e);

/*
 * Steps to the next valid module tag after *cursor (set *cursor = 0 to start).
 * Return: true and *m filled, or false when no module is left.
 */
bool mb2_module_next(const struct mb2_info *mb, uint32_t *cursor, struct mb2_module *m);

#define mb2_for_each_module(mb, cursor, m)                                                         \
    for ((cursor) = 0; mb2_module_next((mb), &(cursor), (m));)

/* Short name of a tag type for messages ("memory map", "module", ...). */
const char *mb2_tag_name(uint32_t type);

#endif
