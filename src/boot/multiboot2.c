/* SPDX-License-Identifier: 0BSD */
/*
 * Multiboot2 boot-information parser (see include/frame64/multiboot2.h).
 *
 * Layout: an 8-byte header (u32 total_size, u32 reserved) then tags, each starting on an 8-byte
 * boundary with a u32 type and a u32 size (header included, padding not), ending with a type 0
 * tag of size 8. The walk never reads a tag header unless all 8 bytes lie before total_size, and
 * refuses a chain whose tags are smaller than a header or run past the end: after that nothing
 * can be trusted. Problems inside one tag only cost that tag (a warning, the walk goes on).
 * All loads go through memcpy so that odd entry sizes cannot cause misaligned accesses.
 */
#include <frame64/multiboot2.h>
#include <frame64/error.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>

#define TAG_HDR 8u

static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static uint64_t ld64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static const char *const tag_names[] = {
    [MB2_TAG_END] = "end",
    [MB2_TAG_CMDLINE] = "command line",
    [MB2_TAG_LOADER_NAME] = "boot loader name",
    [MB2_TAG_MODULE] = "module",
    [MB2_TAG_BASIC_MEMINFO] = "basic meminfo",
    [MB2_TAG_MMAP] = "memory map",
    [MB2_TAG_FRAMEBUFFER] = "framebuffer",
    [MB2_TAG_EFI32] = "EFI32 system table",
    [MB2_TAG_EFI64] = "EFI64 system table",
    [MB2_TAG_ACPI_OLD] = "ACPI old RSDP",
    [MB2_TAG_ACPI_NEW] = "ACPI new RSDP",
    [MB2_TAG_EFI_MMAP] = "EFI memory map",
    [MB2_TAG_EFI_BS] = "EFI boot services",
    [MB2_TAG_LOAD_BASE] = "image load base",
};

const char *mb2_tag_name(uint32_t type)
{
    if (type < ARRAY_SIZE(tag_names) && tag_names[type])
        return tag_names[type];
    return "unknown";
}

/* Prints the "mb2: tag N (name) at offset X: " prefix and counts a warning. */
static void warn_tag(struct mb2_info *mb, uint32_t type, uint32_t off)
{
    mb->warnings++;
    kprintf("mb2: tag %u (%s) at offset 0x%x: ", type, mb2_tag_name(type), off);
}

/* Return: true if the tag has at least need bytes; else warns and returns false. */
static bool big_enough(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size,
                       uint32_t need)
{
    if (size >= need)
        return true;
    warn_tag(mb, type, off);
    kprintf("size %u is too small (need %u); skipped\n", size, need);
    return false;
}

/* Return: the string at [off + from, off + size) if it has a NUL inside the tag, else NULL. */
static const char *tag_string(const uint8_t *block, uint32_t off, uint32_t size, uint32_t from)
{
    for (uint32_t i = from; i < size; i++)
        if (block[off + i] == '\0')
            return (const char *)block + off + from;
    return NULL;
}

/* Return: true if a second tag of this type is not to be used (warns once per duplicate). */
static bool duplicate(struct mb2_info *mb, bool seen, uint32_t type, uint32_t off)
{
    if (!seen)
        return false;
    warn_tag(mb, type, off);
    kprintf("duplicate, the first one is used\n");
    return true;
}

/*
 * Reads the module tag at off in block; when report is set, says there why it is unusable.
 * Return: true if usable.
 */
static bool module_read(const uint8_t *block, uint32_t off, uint32_t size, struct mb2_module *m,
                        struct mb2_info *report)
{
    if (size < TAG_HDR + 9) { /* start, end, at least the NUL */
        if (report)
            big_enough(report, MB2_TAG_MODULE, off, size, TAG_HDR + 9);
        return false;
    }
    uint32_t start = ld32(block + off + 8), end = ld32(block + off + 12);
    const char *s = tag_string(block, off, size, 16);
    if (!s) {
        if (report) {
            warn_tag(report, MB2_TAG_MODULE, off);
            kprintf("string is not NUL-terminated inside the tag; skipped\n");
        }
        return false;
    }
    if (end < start) {
        if (report) {
            warn_tag(report, MB2_TAG_MODULE, off);
            kprintf("end 0x%x is below start 0x%x; skipped\n", end, start);
        }
        return false;
    }
    m->start = start;
    m->end = end;
    m->string = s;
    return true;
}

/* Validates a memory-map tag (type 6 or 17) into *map. Return: true if usable. */
static bool map_read(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size,
                     struct mb2_map *map)
{
    uint32_t min = type == MB2_TAG_MMAP ? MB2_MMAP_ENTRY_MIN : MB2_EFI_DESC_MIN;
    uint32_t esize = ld32(mb->block + off + 8);
    const char *what = type == MB2_TAG_MMAP ? "entry_size" : "descriptor_size";
    if (esize < min || esize % 8) {
        warn_tag(mb, type, off);
        if (esize < min)
            kprintf("%s %u is too small (need %u); skipped\n", what, esize, min);
        else
            kprintf("%s %u is not a multiple of 8; skipped\n", what, esize);
        return false;
    }
    uint32_t bytes = size - 16;
    if (bytes < esize) {
        warn_tag(mb, type, off);
        kprintf("no entries; skipped\n");
        return false;
    }
    if (bytes % esize) {
        warn_tag(mb, type, off);
        kprintf("%u trailing bytes after the last whole entry ignored\n", bytes % esize);
    }
    map->entries = mb->block + off + 16;
    map->count = bytes / esize;
    map->entry_size = esize;
    map->version = ld32(mb->block + off + 12);
    return true;
}

/*
 * Readers, one per kind of tag, each given a tag at least as big as its table entry says. A tag
 * that may appear once is used the first time; later copies are skipped with a warning.
 */
static void read_string(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    const char *s = tag_string(mb->block, off, size, TAG_HDR);
    if (!s) {
        warn_tag(mb, type, off);
        kprintf("string is not NUL-terminated inside the tag; skipped\n");
    } else if (type == MB2_TAG_CMDLINE && !duplicate(mb, mb->cmdline, type, off)) {
        mb->cmdline = s;
        mb->cmdline_phys = mb->phys + off + TAG_HDR;
    } else if (type == MB2_TAG_LOADER_NAME && !duplicate(mb, mb->loader_name, type, off)) {
        mb->loader_name = s;
    }
}

static void read_module(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    struct mb2_module m;
    (void)type;
    if (module_read(mb->block, off, size, &m, mb) && mb->module_count++ == 0)
        mb->module_first = off;
}

static void read_map(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    struct mb2_map *map = type == MB2_TAG_MMAP ? &mb->mmap : &mb->efi_mmap;
    struct mb2_map tmp;
    if (map_read(mb, type, off, size, &tmp) && !duplicate(mb, map->entries, type, off))
        *map = tmp;
}

static void read_framebuffer(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    const uint8_t *p = mb->block + off;
    if (duplicate(mb, mb->has_framebuffer, type, off))
        return;
    mb->has_framebuffer = true;
    mb->fb.addr = ld64(p + 8);
    mb->fb.pitch = ld32(p + 16);
    mb->fb.width = ld32(p + 20);
    mb->fb.height = ld32(p + 24);
    mb->fb.bpp = p[28];
    mb->fb.type = p[29];
    /* Colour information follows the 32-byte common part; older loaders may leave it out. */
    if (mb->fb.type == MB2_FB_RGB && size >= 38) {
        mb->fb.has_channels = true;
        mb->fb.red_pos = p[32];
        mb->fb.red_size = p[33];
        mb->fb.green_pos = p[34];
        mb->fb.green_size = p[35];
        mb->fb.blue_pos = p[36];
        mb->fb.blue_size = p[37];
    } else if (mb->fb.type == MB2_FB_INDEXED && size >= 34) {
        uint32_t n = (uint32_t)p[32] | (uint32_t)p[33] << 8;
        mb->fb.palette_colors = (uint16_t)MIN(n, (size - 34) / 3);
        mb->fb.palette_off = off + 34;
        if (mb->fb.palette_colors < n) {
            kprintf("mb2: framebuffer palette claims %u colours, the tag holds %u\n", n,
                    mb->fb.palette_colors);
            mb->warnings++;
        }
    }
}

static void read_rsdp(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    bool old = type == MB2_TAG_ACPI_OLD;
    if (duplicate(mb, old ? mb->rsdp_old : mb->rsdp_new, type, off))
        return;
    *(old ? &mb->rsdp_old : &mb->rsdp_new) = mb->block + off + TAG_HDR;
    *(old ? &mb->rsdp_old_len : &mb->rsdp_new_len) = size - TAG_HDR;
}

static void read_efi_systab(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    const uint8_t *p = mb->block + off;
    (void)size;
    if (duplicate(mb, mb->efi, type, off))
        return;
    mb->efi = true;
    mb->efi_systab = type == MB2_TAG_EFI32 ? ld32(p + 8) : ld64(p + 8);
}

static void read_efi_bs(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    (void)type, (void)off, (void)size;
    mb->efi_bs_active = true;
}

/* The tags the kernel reads: the smallest size each may have (header included), and its reader. */
static const struct {
    uint32_t min;
    void (*read)(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size);
} readers[] = {
    [MB2_TAG_CMDLINE] = {TAG_HDR, read_string},     [MB2_TAG_LOADER_NAME] = {TAG_HDR, read_string},
    [MB2_TAG_MODULE] = {TAG_HDR, read_module}, /* module_read() says what is too small */
    [MB2_TAG_MMAP] = {TAG_HDR + 8, read_map},       [MB2_TAG_FRAMEBUFFER] = {30, read_framebuffer},
    [MB2_TAG_EFI32] = {12, read_efi_systab},        [MB2_TAG_EFI64] = {16, read_efi_systab},
    [MB2_TAG_ACPI_OLD] = {TAG_HDR + 20, read_rsdp}, [MB2_TAG_ACPI_NEW] = {TAG_HDR + 36, read_rsdp},
    [MB2_TAG_EFI_MMAP] = {TAG_HDR + 8, read_map},   [MB2_TAG_EFI_BS] = {TAG_HDR, read_efi_bs},
};

/* Interprets one well-framed tag at [off, off + size); tags nobody reads are skipped. */
static void tag_read(struct mb2_info *mb, uint32_t type, uint32_t off, uint32_t size)
{
    if (type >= ARRAY_SIZE(readers) || !readers[type].read)
        return;
    if (big_enough(mb, type, off, size, readers[type].min))
        readers[type].read(mb, type, off, size);
}

/* Checks the header of the block. Return: K_OK or K_EINVAL (message printed). */
static int header_check(const void *mbi, phys_addr_t phys, uint32_t *total)
{
    if (!mbi) {
        kprintf("mb2: no information block (NULL pointer)\n");
        return K_EINVAL;
    }
    if (((uintptr_t)mbi & 7) || (phys & 7)) {
        kprintf("mb2: information block at 0x%llx (mapped at %p) is not 8-byte aligned\n",
                (unsigned long long)phys, mbi);
        return K_EINVAL;
    }
    *total = ld32(mbi);
    if (*total < 16) {
        kprintf("mb2: total_size %u is too small (the header and an end tag need 16)\n", *total);
        return K_EINVAL;
    }
    if (*total > MB2_INFO_MAX_SIZE) {
        kprintf("mb2: total_size %u is larger than the %u KiB limit\n", *total,
                (unsigned)(MB2_INFO_MAX_SIZE / KiB));
        return K_EINVAL;
    }
    if (phys > PHYS_ADDR_MAX - *total) {
        kprintf("mb2: information block at 0x%llx of %u bytes wraps around the address space\n",
                (unsigned long long)phys, *total);
        return K_EINVAL;
    }
    return K_OK;
}

int mb2_parse(const void *mbi, phys_addr_t mbi_phys, struct mb2_info *out)
{
    uint32_t total = 0;
    memset(out, 0, sizeof(*out));
    int err = header_check(mbi, mbi_phys, &total);
    if (err)
        return err;
    out->block = mbi;
    out->phys = mbi_phys;
    out->size = total;

    uint32_t off = TAG_HDR;
    bool ended = false;
    while (off <= total - TAG_HDR) { /* a whole header fits before the end */
        uint32_t type = ld32(out->block + off), size = ld32(out->block + off + 4);
        if (size < TAG_HDR) {
            kprintf("mb2: tag %u at offset 0x%x has size %u, smaller than its 8-byte header\n",
                    type, off, size);
            return K_EINVAL;
        }
        if (size > total - off) {
            kprintf("mb2: tag %u at offset 0x%x of size %u runs past the end of the block "
                    "(total_size %u)\n",
                    type, off, size, total);
            return K_EINVAL;
        }
        if (type == MB2_TAG_END) {
            if (size != TAG_HDR) {
                warn_tag(out, type, off);
                kprintf("size %u, expected 8; treated as the end\n", size);
            }
            ended = true;
            break;
        }
        tag_read(out, type, off, size);
        if (size > total - off - 7) /* the next 8-byte boundary is at or past the end */
            off = total;
        else
            off += (uint32_t)ALIGN_UP(size, 8);
    }
    out->walk_end = MIN(off, total);
    if (!ended) {
        out->warnings++;
        kprintf("mb2: no end tag before the end of the block (total_size %u); using the tags "
                "found\n",
                total);
    }

    if (out->mmap.entries)
        out->map_source = MB2_MAP_MB2;
    else if (out->efi_mmap.entries)
        out->map_source = MB2_MAP_EFI;
    else {
        kprintf("mb2: no memory map: no usable memory map tag (type 6) or EFI memory map tag "
                "(type 17); cannot tell where RAM is\n");
        return K_ENOENT;
    }
    return K_OK;
}

/* p moved by the distance between two mappings of the block (NULL stays NULL). */
static const void *moved(const void *p, const uint8_t *from, const uint8_t *to)
{
    return p ? to + ((const uint8_t *)p - from) : NULL;
}

void mb2_relocate(struct mb2_info *mb, const void *block)
{
    const uint8_t *from = mb->block, *to = block;
    mb->cmdline = moved(mb->cmdline, from, to);
    mb->loader_name = moved(mb->loader_name, from, to);
    mb->mmap.entries = moved(mb->mmap.entries, from, to);
    mb->efi_mmap.entries = moved(mb->efi_mmap.entries, from, to);
    mb->rsdp_old = moved(mb->rsdp_old, from, to);
    mb->rsdp_new = moved(mb->rsdp_new, from, to);
    mb->block = to;
}

size_t mb2_mmap_count(const struct mb2_info *mb)
{
    switch (mb->map_source) {
    case MB2_MAP_MB2:
        return mb->mmap.count;
    case MB2_MAP_EFI:
        return mb->efi_mmap.count;
    default:
        return 0;
    }
}

/* EFI type to multiboot2 type; boot-services memory stays reserved until it is exited. */
static uint32_t efi_convert(uint32_t t, bool bs_active)
{
    switch (t) {
    case MB2_EFI_BS_CODE:
    case MB2_EFI_BS_DATA:
        return bs_active ? MB2_MEMORY_RESERVED : MB2_MEMORY_AVAILABLE;
    case MB2_EFI_LOADER_CODE:
    case MB2_EFI_LOADER_DATA:
    case MB2_EFI_CONVENTIONAL:
        return MB2_MEMORY_AVAILABLE;
    case MB2_EFI_ACPI_RECLAIM:
        return MB2_MEMORY_ACPI_RECLAIM;
    case MB2_EFI_ACPI_NVS:
        return MB2_MEMORY_NVS;
    case MB2_EFI_UNUSABLE:
        return MB2_MEMORY_BADRAM;
    default:
        return MB2_MEMORY_RESERVED;
    }
}

bool mb2_mmap_get(const struct mb2_info *mb, size_t i, struct mb2_mmap_entry *e)
{
    if (i >= mb2_mmap_count(mb))
        return false;
    if (mb->map_source == MB2_MAP_MB2) {
        const uint8_t *p = mb->mmap.entries + i * mb->mmap.entry_size;
        e->base = ld64(p);
        e->len = ld64(p + 8);
        e->type = ld32(p + 16);
    } else {
        const uint8_t *p = mb->efi_mmap.entries + i * mb->efi_mmap.entry_size;
        uint64_t pages = ld64(p + 24);
        e->base = ld64(p + 8);
        e->len = pages > (UINT64_MAX >> PAGE_SHIFT) ? UINT64_MAX : pages << PAGE_SHIFT;
        e->type = efi_convert(ld32(p), mb->efi_bs_active);
    }
    return true;
}

bool mb2_module_next(const struct mb2_info *mb, uint32_t *cursor, struct mb2_module *m)
{
    uint32_t off = *cursor ? *cursor : mb->module_first;
    if (!mb->module_count || !off)
        return false;
    /* Tags before walk_end were framed-checked by mb2_parse(); re-validate module contents. */
    while (off < mb->walk_end && mb->walk_end - off >= TAG_HDR) {
        uint32_t type = ld32(mb->block + off), size = ld32(mb->block + off + 4);
        uint32_t next = size > mb->walk_end - off - 7 ? mb->walk_end : off + ALIGN_UP(size, 8);
        if (type == MB2_TAG_MODULE && module_read(mb->block, off, size, m, NULL)) {
            *cursor = next;
            return true;
        }
        off = next;
    }
    *cursor = mb->walk_end;
    return false;
}
