/* SPDX-License-Identifier: 0BSD */
/*
 * PSF1/PSF2 parsing and Unicode lookup for tools/psf2c (host code: the kernel never sees a PSF).
 *
 * PSF1: 4-byte header {0x36, 0x04, mode, charsize}; 8 pixels wide, charsize rows; 256 glyphs (512
 * with mode bit 0); a Unicode table follows when mode bit 1 or 2 is set: per glyph, 16-bit
 * little-endian code points ending with 0xFFFF, sequences introduced by 0xFFFE.
 * PSF2: 32-byte little-endian header {magic 72 b5 4a 86, version, headersize, flags, length,
 * charsize, height, width}; a Unicode table follows when flags bit 0 is set: per glyph, UTF-8
 * code points ending with 0xFF, sequences introduced by 0xFE.
 */
#include "psf.h"

#include <string.h>

#define PSF1_MODE512    0x01
#define PSF1_MODEHASTAB 0x02
#define PSF1_MODESEQ    0x04
#define PSF1_SEPARATOR  0xFFFF
#define PSF1_STARTSEQ   0xFFFE
#define PSF2_HAS_TABLE  0x01
#define PSF2_SEPARATOR  0xFF
#define PSF2_STARTSEQ   0xFE

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static const char *parse_psf1(struct psf_font *f, const uint8_t *data, size_t len)
{
    uint8_t mode = data[2];
    f->version = 1;
    f->width = 8;
    f->height = data[3];
    f->row_bytes = 1;
    f->bytes_per_glyph = f->height;
    f->count = (mode & PSF1_MODE512) ? 512 : 256;
    f->glyphs = data + 4;
    size_t end = 4 + (size_t)f->count * f->bytes_per_glyph;
    if (f->height == 0)
        return "the PSF1 header says the glyphs are 0 rows high";
    if (end > len)
        return "the file ends inside the glyph bitmaps (truncated PSF1 font)";
    if (mode & (PSF1_MODEHASTAB | PSF1_MODESEQ)) {
        f->table = data + end;
        f->table_len = len - end;
    }
    return NULL;
}

static const char *parse_psf2(struct psf_font *f, const uint8_t *data, size_t len)
{
    if (len < 32)
        return "the file ends inside the PSF2 header";
    uint32_t version = le32(data + 4), headersize = le32(data + 8), flags = le32(data + 12);
    f->version = 2;
    f->count = le32(data + 16);
    f->bytes_per_glyph = le32(data + 20);
    f->height = le32(data + 24);
    f->width = le32(data + 28);
    if (version != 0)
        return "the PSF2 version is not 0 (the only one defined)";
    if (f->width == 0 || f->height == 0 || f->count == 0)
        return "the PSF2 header gives a zero width, height or glyph count";
    if (f->width > 64 || f->height > 256)
        return "the PSF2 glyphs are implausibly large (over 64x256 pixels)";
    f->row_bytes = (f->width + 7) / 8;
    if (f->bytes_per_glyph != f->row_bytes * f->height)
        return "the PSF2 header's bytes per glyph do not match its width and height";
    if (headersize < 32 || headersize > len)
        return "the PSF2 header size points outside the file";
    uint64_t end = headersize + (uint64_t)f->count * f->bytes_per_glyph;
    if (end > len)
        return "the file ends inside the glyph bitmaps (truncated PSF2 font)";
    f->glyphs = data + headersize;
    if (flags & PSF2_HAS_TABLE) {
        f->table = data + end;
        f->table_len = len - (size_t)end;
    }
    return NULL;
}

const char *psf_parse(struct psf_font *f, const uint8_t *data, size_t len)
{
    memset(f, 0, sizeof(*f));
    if (len >= 4 && data[0] == 0x72 && data[1] == 0xb5 && data[2] == 0x4a && data[3] == 0x86)
        return parse_psf2(f, data, len);
    if (len >= 4 && data[0] == 0x36 && data[1] == 0x04)
        return parse_psf1(f, data, len);
    if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b)
        return "this is gzip data: decompress the font first (gzip -dc)";
    return "not a PSF font (neither the PSF1 nor the PSF2 magic number)";
}

/* One UTF-8 code point at p[0, n): its length in *used, or 0 when malformed. */
static uint32_t utf8_decode(const uint8_t *p, size_t n, size_t *used)
{
    uint32_t cp;
    size_t len;
    if (p[0] < 0x80) {
        cp = p[0];
        len = 1;
    } else if ((p[0] & 0xe0) == 0xc0) {
        cp = p[0] & 0x1f;
        len = 2;
    } else if ((p[0] & 0xf0) == 0xe0) {
        cp = p[0] & 0x0f;
        len = 3;
    } else if ((p[0] & 0xf8) == 0xf0) {
        cp = p[0] & 0x07;
        len = 4;
    } else {
        *used = 0;
        return 0;
    }
    if (len > n) {
        *used = 0;
        return 0;
    }
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80) {
            *used = 0;
            return 0;
        }
        cp = cp << 6 | (p[i] & 0x3f);
    }
    *used = len;
    return cp;
}

static long lookup_psf1(const struct psf_font *f, uint32_t cp)
{
    const uint8_t *t = f->table;
    size_t pos = 0;
    for (uint32_t glyph = 0; glyph < f->count; glyph++) {
        int in_seq = 0;
        for (;;) {
            if (pos + 2 > f->table_len)
                return -1;
            uint32_t u = (uint32_t)t[pos] | (uint32_t)t[pos + 1] << 8;
            pos += 2;
            if (u == PSF1_SEPARATOR)
                break;
            if (u == PSF1_STARTSEQ)
                in_seq = 1;
            else if (!in_seq && u == cp)
                return glyph;
        }
    }
    return -1;
}

static long lookup_psf2(const struct psf_font *f, uint32_t cp)
{
    const uint8_t *t = f->table;
    size_t pos = 0;
    for (uint32_t glyph = 0; glyph < f->count; glyph++) {
        int in_seq = 0;
        for (;;) {
            if (pos >= f->table_len)
                return -1;
            if (t[pos] == PSF2_SEPARATOR) {
                pos++;
                break;
            }
            if (t[pos] == PSF2_STARTSEQ) {
                in_seq = 1;
                pos++;
                continue;
            }
            size_t used;
            uint32_t u = utf8_decode(t + pos, f->table_len - pos, &used);
            if (used == 0)
                return -1; /* malformed table: trust nothing after it */
            pos += used;
            if (!in_seq && u == cp)
                return glyph;
        }
    }
    return -1;
}

long psf_lookup(const struct psf_font *f, uint32_t cp)
{
    if (!f->table)
        return cp < f->count ? (long)cp : -1;
    return f->version == 1 ? lookup_psf1(f, cp) : lookup_psf2(f, cp);
}
