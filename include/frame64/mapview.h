/* SPDX-License-Identifier: 0BSD */
/*
 * The monitor's picture of physical memory (pure): every range of a region list as a letter and
 * a colour of its owner's class, laid out along the physical address space [0, end). Text
 * screens and serial get a strip of characters (mapview_strip()); the framebuffer gets bars of
 * pixels (mapview_spans()), where every range is at least one pixel wide so that a 4 KiB command
 * line shows next to gigabytes of free memory.
 */
#ifndef FRAME64_MAPVIEW_H
#define FRAME64_MAPVIEW_H

#include <frame64/region.h>
#include <frame64/types.h>

/* The "tag" of addresses no range covers (no RAM, no device the map knows). */
#define MAPVIEW_HOLE    REGION_TAG_COUNT
#define MAPVIEW_CLASSES (REGION_TAG_COUNT + 1)

/* The letter of a tag ('.' free, 'K' kernel, ' ' hole...), '?' for an unknown one. */
char mapview_letter(uint32_t tag);

/* The colour of a tag as 0xRRGGBB. */
uint32_t mapview_rgb(uint32_t tag);

/*
 * Writes width letters to out (plus a NUL: out holds width + 1): letter i stands for
 * [i * end / width, (i + 1) * end / width). Owners show through: the letter is that of the class
 * holding most bytes of the span among every class but free and hole; free only when the span
 * holds nothing else but free (and hole); hole when it holds no range at all. Ties go to the lower
 * tag. A span narrower than a byte (a tiny end) still gets the range at its start. r[0, n) must be
 * sorted and disjoint, as a region list is.
 */
void mapview_strip(const struct region *r, size_t n, phys_addr_t end, char *out, size_t width);

struct mapview_span {
    uint32_t x0, x1; /* pixel columns [x0, x1) */
    uint32_t tag;
};

/*
 * Lays r[0, n) out on width pixel columns for [0, end): range [b, e) starts at column
 * b * width / end, and gets at least one column; a range pushed right by narrow ones before it
 * starts where they end. Ranges that no longer fit (more ranges than columns) are left out.
 * Holes get no span (the picture's background shows). Return: spans written to out (at most max).
 */
size_t mapview_spans(const struct region *r, size_t n, phys_addr_t end, uint32_t width,
                     struct mapview_span *out, size_t max);

#endif
