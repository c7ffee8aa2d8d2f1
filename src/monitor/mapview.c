/* SPDX-License-Identifier: 0BSD */
/* The picture of physical memory's layout (pure; include/frame64/mapview.h). */
#include <frame64/kstring.h>
#include <frame64/mapview.h>

static const struct {
    char letter;
    uint32_t rgb;
} classes[MAPVIEW_CLASSES] = {
    [REGION_FREE] = {'.', 0x2e8b57},      [REGION_ACPI_RECLAIM] = {'A', 0xdaa520},
    [REGION_ACPI_NVS] = {'N', 0xb8860b},  [REGION_BAD] = {'X', 0xff0000},
    [REGION_FIRMWARE] = {'R', 0x808080},  [REGION_LOWMEM] = {'L', 0xa0522d},
    [REGION_KERNEL] = {'K', 0x1e90ff},    [REGION_BOOTSTRAP] = {'B', 0x87cefa},
    [REGION_BOOTINFO] = {'I', 0xee82ee},  [REGION_CMDLINE] = {'C', 0xff69b4},
    [REGION_MODULE] = {'M', 0xff8c00},    [REGION_META] = {'m', 0xffff00},
    [REGION_PAGETABLE] = {'P', 0x00ffff}, [REGION_DMA] = {'D', 0xff4500},
    [REGION_FRAMES] = {'F', 0x7fff00},    [REGION_APSTART] = {'S', 0xc0c0ff},
    [MAPVIEW_HOLE] = {' ', 0x202020},
};

char mapview_letter(uint32_t tag)
{
    return tag < MAPVIEW_CLASSES ? classes[tag].letter : '?';
}

uint32_t mapview_rgb(uint32_t tag)
{
    return tag < MAPVIEW_CLASSES ? classes[tag].rgb : 0xffffff;
}

/* A shift that brings end below 2^32, so that x * width (width < 2^32) cannot overflow. */
static unsigned scale_shift(phys_addr_t end)
{
    unsigned s = 0;
    while ((end >> s) >= ((uint64_t)1 << 32))
        s++;
    return s;
}

/* The first byte of cell i of width over [0, end): floor(i * end / width) without overflow. */
static phys_addr_t cell_start(size_t i, size_t width, phys_addr_t end)
{
    return (end / width) * i + (end % width) * i / width;
}

void mapview_strip(const struct region *r, size_t n, phys_addr_t end, char *out, size_t width)
{
    size_t k = 0; /* the first range that may meet the current cell */
    for (size_t i = 0; i < width; i++) {
        phys_addr_t lo = cell_start(i, width, end), hi = cell_start(i + 1, width, end);
        if (hi <= lo)
            hi = lo + 1;
        uint64_t bytes[MAPVIEW_CLASSES] = {0}, covered = 0;
        while (k < n && r[k].end <= lo)
            k++;
        for (size_t j = k; j < n && r[j].base < hi; j++) {
            uint64_t b = MAX(r[j].base, lo), e = MIN(r[j].end, hi);
            uint32_t tag = r[j].tag < REGION_TAG_COUNT ? r[j].tag : REGION_FIRMWARE;
            bytes[tag] += e - b;
            covered += e - b;
        }
        bytes[MAPVIEW_HOLE] = (hi - lo) - covered;
        uint32_t best = MAPVIEW_HOLE;
        for (uint32_t t = 0; t < REGION_TAG_COUNT; t++)
            if (t != REGION_FREE && bytes[t] > (best == MAPVIEW_HOLE ? 0 : bytes[best]))
                best = t;
        if (best == MAPVIEW_HOLE && bytes[REGION_FREE])
            best = REGION_FREE;
        out[i] = classes[best].letter;
    }
    out[width] = '\0';
}

size_t mapview_spans(const struct region *r, size_t n, phys_addr_t end, uint32_t width,
                     struct mapview_span *out, size_t max)
{
    if (!end || !width)
        return 0;
    unsigned s = scale_shift(end);
    uint64_t e = end >> s;
    if (!e)
        e = 1;
    size_t count = 0;
    uint32_t next = 0; /* the first free column */
    for (size_t i = 0; i < n && count < max; i++) {
        if (r[i].base >= end)
            break;
        uint64_t x0 = (r[i].base >> s) * width / e, x1 = (MIN(r[i].end, end) >> s) * width / e;
        x0 = MAX(x0, next);
        if (x0 >= width)
            break;
        x1 = MIN(MAX(x1, x0 + 1), width);
        out[count++] = (struct mapview_span){(uint32_t)x0, (uint32_t)x1, r[i].tag};
        next = (uint32_t)x1;
    }
    return count;
}
