/* SPDX-License-Identifier: 0BSD */
/*
 * Checks a screenshot against the kernel's own renderer (host side of the framebuffer boot
 * tests): QEMU's screendump writes the guest's screen as a PPM; the expected line of text is
 * drawn with the same font and drawing code the kernel uses (src/console/fb.c, font_default),
 * and must appear pixel for pixel on some text row of the screenshot.
 */
#ifndef FRAME64_TOOLS_SCREENCMP_H
#define FRAME64_TOOLS_SCREENCMP_H

#include <stddef.h>
#include <stdint.h>

#include <frame64/font.h>

/* An RGB image: 3 bytes (red, green, blue) per pixel, rows packed. */
struct screencmp_image {
    const uint8_t *rgb;
    uint32_t width, height;
};

/*
 * Reads a binary PPM (P6, maxval 255) in data[0, len); out->rgb points into data.
 * Return: NULL, or a sentence saying what is wrong with the file.
 */
const char *screencmp_parse_ppm(const uint8_t *data, size_t len, struct screencmp_image *out);

/*
 * Looks for text drawn with font f, colour fg on bg (0xRRGGBB), starting at text column col of a
 * text row (rows every f->height pixels from the top, columns every f->width pixels). A pixel
 * matches when each channel is within tol of the expected one (0: exact; a 16-bpp screen needs
 * some, as the screenshot widens 5- and 6-bit channels back to 8 bits its own way).
 * Return: the first row that matches exactly, or -1; *best_diff (if not NULL) gets the fewest
 * pixels by which a row differed (0 when one matched), for the failure message.
 */
int screencmp_find(const struct screencmp_image *img, const struct font *f, const char *text,
                   uint32_t col, uint32_t fg, uint32_t bg, unsigned tol, uint64_t *best_diff);

#endif
