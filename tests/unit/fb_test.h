/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the framebuffer tests (test_fb.c: pixels, rectangles, glyphs; test_fbcon.c: the text
 * console): a framebuffer in host memory with guard bytes before and after it and padding bytes
 * at the end of every row, all filled with SENTINEL; a test font; and a reference "expected"
 * image built by an independent plotter that reads the font bit by bit and packs colours by
 * truncating each 8-bit channel to its field (for the VGA palette that equals fb_rgb()'s
 * rounding: 0x55 and 0xAA truncate and round alike at 5 and 6 bits).
 *
 *   memory:  [GUARD][row 0 pixels | pad][row 1 pixels | pad]...[GUARD]
 */
#ifndef TEST_FB_TEST_H
#define TEST_FB_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/fb.h>
#include <frame64/font.h>

#define GUARD    256
#define SENTINEL 0xa5

static const struct fb_format FMT_RGB32 = {32, 16, 8, 8, 8, 0, 8}; /* bytes B G R x */
static const struct fb_format FMT_BGR32 = {32, 0, 8, 8, 8, 16, 8}; /* bytes R G B x */
static const struct fb_format FMT_RGB24 = {24, 16, 8, 8, 8, 0, 8};
static const struct fb_format FMT_RGB565 = {16, 11, 5, 5, 6, 0, 5};

struct tfb {
    uint8_t *mem;      /* what the code under test draws into */
    uint8_t *expect;   /* what the reference says mem must hold */
    size_t size;       /* of both, guards included */
    uint32_t bytes_pp; /* the test's own idea of bytes per pixel */
    struct fb fb;
};

/* Glyphs whose rows all differ (a wrong row or glyph shows); ' ' is blank like a real font's. */
static uint8_t font_bits[FONT_GLYPHS * 16];
static const struct font test_font = {.width = 8, .height = 16, .glyphs = font_bits};

static inline void test_font_init(void)
{
    for (int c = 0; c < FONT_GLYPHS; c++)
        for (int r = 0; r < 16; r++)
            font_bits[c * 16 + r] = c == ' ' ? 0 : (uint8_t)(c ^ (r * 0x1d) ^ (r << 5));
}

static inline void tfb_make(struct tfb *t, const struct fb_format *fmt, uint32_t width,
                            uint32_t height, uint32_t pitch)
{
    t->bytes_pp = fmt->bpp / 8;
    t->size = 2 * GUARD + (size_t)pitch * height;
    t->mem = malloc(t->size);
    t->expect = malloc(t->size);
    assert_non_null(t->mem);
    assert_non_null(t->expect);
    memset(t->mem, SENTINEL, t->size);
    memset(t->expect, SENTINEL, t->size);
    const char *why = NULL;
    assert_int_equal(fb_init(&t->fb, t->mem + GUARD, width, height, pitch, fmt, &why), K_OK);
    assert_null(why);
}

static inline void tfb_free(struct tfb *t)
{
    free(t->mem);
    free(t->expect);
}

/* 0xRRGGBB packed the reference way: each channel's top `size` bits at `pos`. */
static inline uint32_t ref_pack(const struct fb_format *f, uint32_t rgb)
{
    uint32_t r = rgb >> 16 & 0xff, g = rgb >> 8 & 0xff, b = rgb & 0xff;
    return (r >> (8 - f->red_size)) << f->red_pos | (g >> (8 - f->green_size)) << f->green_pos |
           (b >> (8 - f->blue_size)) << f->blue_pos;
}

static inline void ref_pixel(struct tfb *t, uint32_t x, uint32_t y, uint32_t rgb)
{
    uint32_t px = ref_pack(&t->fb.fmt, rgb);
    uint8_t *p = t->expect + GUARD + (size_t)y * t->fb.pitch + (size_t)x * t->bytes_pp;
    for (uint32_t i = 0; i < t->bytes_pp; i++)
        p[i] = (uint8_t)(px >> (8 * i));
}

static inline void ref_rect(struct tfb *t, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                            uint32_t rgb)
{
    for (uint32_t j = y; j < y + h; j++)
        for (uint32_t i = x; i < x + w; i++)
            ref_pixel(t, i, j, rgb);
}

/* Plots glyph c at pixel (x, y) bit by bit, clipped to the framebuffer. */
static inline void ref_glyph(struct tfb *t, const struct font *font, uint32_t x, uint32_t y,
                             uint8_t c, uint32_t fg, uint32_t bg)
{
    for (uint32_t row = 0; row < font->height; row++) {
        uint8_t bits = font->glyphs[c * font->height + row];
        for (uint32_t col = 0; col < font->width; col++) {
            if (x + col < t->fb.width && y + row < t->fb.height)
                ref_pixel(t, x + col, y + row, (bits >> (7 - col)) & 1 ? fg : bg);
        }
    }
}

/* Fails naming the first byte where mem and expect differ: pixel (x, y), padding or a guard. */
static inline void tfb_check(const struct tfb *t)
{
    for (size_t i = 0; i < t->size; i++) {
        if (t->mem[i] == t->expect[i])
            continue;
        if (i < GUARD || i >= t->size - GUARD)
            fail_msg("guard byte %zd (from the framebuffer start) written: 0x%02x",
                     (ssize_t)i - GUARD, t->mem[i]);
        size_t off = i - GUARD, y = off / t->fb.pitch, xb = off % t->fb.pitch;
        if (xb >= (size_t)t->fb.width * t->bytes_pp)
            fail_msg("padding byte %zu of row %zu written: 0x%02x", xb, y, t->mem[i]);
        fail_msg("pixel (%zu, %zu) byte %zu is 0x%02x, expected 0x%02x", xb / t->bytes_pp, y,
                 xb % t->bytes_pp, t->mem[i], t->expect[i]);
    }
}

#endif
