/* SPDX-License-Identifier: 0BSD */
/*
 * Reading PC Screen Fonts (the Linux console's format, PSF1 and PSF2) on the build host, for
 * tools/psf2c. Works on a decompressed file image in memory; nothing is copied.
 */
#ifndef FRAME64_TOOLS_PSF_H
#define FRAME64_TOOLS_PSF_H

#include <stddef.h>
#include <stdint.h>

struct psf_font {
    int version;              /* 1 or 2 */
    uint32_t width, height;   /* pixels */
    uint32_t count;           /* glyphs */
    uint32_t bytes_per_glyph; /* height * row_bytes */
    uint32_t row_bytes;       /* (width + 7) / 8; bit 7 of a row's first byte is its left pixel */
    const uint8_t *glyphs;    /* count * bytes_per_glyph bytes */
    const uint8_t *table;     /* the Unicode table, or NULL: then glyph i is code point i */
    size_t table_len;
};

/*
 * Parses the PSF image data[0, len).
 * Return: NULL, or a sentence saying why the data is not a font this tool can read.
 */
const char *psf_parse(struct psf_font *f, const uint8_t *data, size_t len);

/*
 * The glyph the font shows for Unicode code point cp (single code points only: the table's
 * multi-code-point sequences are skipped).
 * Return: the glyph index, or -1 when the font has none.
 */
long psf_lookup(const struct psf_font *f, uint32_t cp);

#endif
