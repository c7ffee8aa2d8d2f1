/* SPDX-License-Identifier: 0BSD */
/*
 * Bitmap fonts for the framebuffer console. font_default is generated at build time by
 * tools/psf2c from a Debian console font (console-setup-linux); see the top-level CMakeLists.txt.
 *
 * A glyph is `height` bytes, one per pixel row from the top; bit 7 is the leftmost pixel and only
 * the top `width` bits of a row are used. There is one glyph for every byte value, the byte read
 * as ISO 8859-1 (Latin-1, so ASCII is exact); bytes the font has no glyph for show its
 * replacement glyph.
 */
#ifndef FRAME64_FONT_H
#define FRAME64_FONT_H

#include <frame64/types.h>

#define FONT_GLYPHS     256 /* one per byte value */
#define FONT_MAX_WIDTH  8   /* a glyph row is one byte */
#define FONT_MAX_HEIGHT 32

struct font {
    uint8_t width;         /* pixels, 1..FONT_MAX_WIDTH */
    uint8_t height;        /* pixel rows, 1..FONT_MAX_HEIGHT */
    const uint8_t *glyphs; /* FONT_GLYPHS * height bytes: byte c's glyph starts at c * height */
};

/* The font the kernel draws with (8x16). */
extern const struct font font_default;

/* The rows of byte c's glyph. */
static inline const uint8_t *font_glyph(const struct font *f, uint8_t c)
{
    return f->glyphs + (size_t)c * f->height;
}

#endif
