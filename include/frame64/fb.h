/* SPDX-License-Identifier: 0BSD */
/*
 * A linear framebuffer as the multiboot2 framebuffer tag describes it (type 1, direct RGB): base,
 * size, pitch and where each colour channel sits in a pixel. Pure drawing: filled rectangles and
 * glyphs, clipped to the framebuffer, written pixel by pixel and never read back (framebuffer
 * memory is slow to read, and write-combined mappings make reads slower still).
 *
 *   struct fb fb;
 *   const char *why;
 *   struct fb_format fmt = {.bpp = 32, .red_pos = 16, .red_size = 8, .green_pos = 8,
 *                           .green_size = 8, .blue_pos = 0, .blue_size = 8};
 *   if (fb_init(&fb, virt, 1024, 768, 4096, &fmt, &why) != K_OK)
 *       kprintf("no framebuffer console: %s\n", why);
 *   fb_fill_rect(&fb, 0, 0, 100, 20, fb_rgb(&fb, 0xff, 0x80, 0));
 */
#ifndef FRAME64_FB_H
#define FRAME64_FB_H

#include <frame64/font.h>
#include <frame64/types.h>

/* The pixel layout: the multiboot2 tag's bpp and its red/green/blue field positions and sizes. */
struct fb_format {
    uint8_t bpp; /* 16, 24 or 32 bits per pixel */
    uint8_t red_pos, red_size;
    uint8_t green_pos, green_size;
    uint8_t blue_pos, blue_size;
};

struct fb {
    uint8_t *base;          /* the top-left pixel, mapped for writing */
    uint32_t width, height; /* pixels */
    uint32_t pitch;         /* bytes from one pixel row to the next (>= width * bytes per pixel) */
    uint32_t bytes_pp;      /* 2, 3 or 4 */
    struct fb_format fmt;
};

/*
 * Describes the framebuffer at base (no pixel is written).
 * Return: K_OK, or K_EINVAL with *why (when why is not NULL) set to a sentence saying what is
 * wrong with the description (unsupported depth, pitch too small, channels outside the pixel...).
 */
int fb_init(struct fb *fb, void *base, uint32_t width, uint32_t height, uint32_t pitch,
            const struct fb_format *fmt, const char **why);

/*
 * A framebuffer that is the rectangle [x, x + w) x [y, y + h) of fb, clipped to it; drawing into
 * it cannot touch pixels outside the rectangle (e.g. a text console above a picture).
 * Return: K_OK, or K_ERANGE when the rectangle lies outside fb or is empty.
 */
int fb_view(struct fb *view, const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h);

/* The pixel value of 8-bit-per-channel colour (r, g, b) in fb's format. */
uint32_t fb_rgb(const struct fb *fb, uint8_t r, uint8_t g, uint8_t b);

/* Stores one pixel value at (x, y); outside the framebuffer nothing is written. */
void fb_put_pixel(const struct fb *fb, uint32_t x, uint32_t y, uint32_t pixel);

/* Fills [x, x + w) x [y, y + h), clipped to the framebuffer, with pixel (from fb_rgb()). */
void fb_fill_rect(const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                  uint32_t pixel);

/* Draws byte c's glyph with its top-left corner at (x, y): set bits fg, clear bits bg; clipped. */
void fb_draw_glyph(const struct fb *fb, uint32_t x, uint32_t y, const struct font *font, uint8_t c,
                   uint32_t fg, uint32_t bg);

#endif
