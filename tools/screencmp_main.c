/* SPDX-License-Identifier: 0BSD */
/*
 * screencmp: does a QEMU screendump show a line of text as the kernel's framebuffer console draws
 * it? Used by tests/boot (checks.sh, check_fb_screen).
 *   screencmp SCREEN.ppm "TEXT" [COLUMN [TOLERANCE [ROW]]]
 * TOLERANCE: how far each channel may be from the expected (0, exact, by default; 16-bpp screens
 * need 8). ROW: look at that text row only (by default the first row that shows TEXT counts).
 * Light grey on black (the console's colours), 8x16 font_default. Exit 0 and "row N" when
 * found; 1 with the closest row's count of differing pixels when not; 2 when the file cannot be
 * read.
 */
#include <stdio.h>
#include <stdlib.h>

#include <frame64/fbcon.h>

#include "screencmp.h"

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 6) {
        fprintf(stderr, "usage: screencmp SCREEN.ppm TEXT [COLUMN [TOLERANCE [ROW]]]\n");
        return 2;
    }
    FILE *fp = fopen(argv[1], "rb");
    if (!fp) {
        fprintf(stderr, "screencmp: cannot open %s\n", argv[1]);
        return 2;
    }
    static uint8_t data[64 << 20];
    size_t len = fread(data, 1, sizeof(data), fp);
    fclose(fp);
    struct screencmp_image img;
    const char *why = screencmp_parse_ppm(data, len, &img);
    if (why) {
        fprintf(stderr, "screencmp: %s: %s\n", argv[1], why);
        return 2;
    }
    /* One row: the image cut down to that row's pixel lines. */
    int first = 0;
    uint32_t height = img.height;
    if (argc == 6) {
        first = atoi(argv[5]);
        uint32_t h = font_default.height;
        if (first < 0 || ((uint32_t)first + 1) * h > img.height) {
            printf("no text row %d on the %ux%u screen\n", first, img.width, img.height);
            return 1;
        }
        img.rgb += (size_t)first * h * img.width * 3;
        img.height = h;
    }
    uint64_t diff;
    int row = screencmp_find(&img, &font_default, argv[2], argc >= 4 ? (uint32_t)atoi(argv[3]) : 0,
                             fbcon_palette_rgb[FBCON_LIGHT_GREY], fbcon_palette_rgb[FBCON_BLACK],
                             argc >= 5 ? (unsigned)atoi(argv[4]) : 0, &diff);
    if (row < 0) {
        printf("not on the %ux%u screen%s (the closest text row differs in %llu pixels)\n",
               img.width, height, argc == 6 ? " at that row" : "", (unsigned long long)diff);
        return 1;
    }
    printf("row %d of the %ux%u screen\n", first + row, img.width, height);
    return 0;
}
