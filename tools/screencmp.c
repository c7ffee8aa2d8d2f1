/* SPDX-License-Identifier: 0BSD */
/* Screenshot comparison (tools/screencmp.h): the expected text drawn by src/console/fb.c. */
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/fb.h>

#include "screencmp.h"

/* Skips whitespace and '#' comments of a PPM header; reads one decimal number. */
static const char *ppm_number(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    while (*p < end && (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r' || **p == '#')) {
        if (**p == '#')
            while (*p < end && **p != '\n')
                (*p)++;
        else
            (*p)++;
    }
    if (*p == end || **p < '0' || **p > '9')
        return "the PPM header is cut short or holds something other than a number";
    uint64_t n = 0;
    while (*p < end && **p >= '0' && **p <= '9' && n < 100000)
        n = n * 10 + (uint64_t)(*(*p)++ - '0');
    if (n >= 100000)
        return "a PPM header number is implausibly large";
    *v = (uint32_t)n;
    return NULL;
}

const char *screencmp_parse_ppm(const uint8_t *data, size_t len, struct screencmp_image *out)
{
    const uint8_t *p = data, *end = data + len;
    uint32_t w, h, max;
    const char *why;
    if (len < 2 || p[0] != 'P' || p[1] != '6')
        return "not a binary PPM (P6) file";
    p += 2;
    if ((why = ppm_number(&p, end, &w)) || (why = ppm_number(&p, end, &h)) ||
        (why = ppm_number(&p, end, &max)))
        return why;
    if (max != 255)
        return "the PPM's maxval is not 255";
    if (p == end)
        return "the PPM has no pixel data";
    p++; /* the single whitespace byte before the pixels */
    if (!w || !h || (size_t)(end - p) < (size_t)w * h * 3)
        return "the PPM has fewer pixels than its header says";
    out->rgb = p;
    out->width = w;
    out->height = h;
    return NULL;
}

static int near(uint8_t a, uint8_t b, unsigned tol)
{
    return (a > b ? a - b : b - a) <= (int)tol;
}

int screencmp_find(const struct screencmp_image *img, const struct font *f, const char *text,
                   uint32_t col, uint32_t fg, uint32_t bg, unsigned tol, uint64_t *best_diff)
{
    size_t n = strlen(text);
    uint32_t w = (uint32_t)n * f->width, h = f->height, x0 = col * f->width;
    uint64_t best = UINT64_MAX;
    if (best_diff)
        *best_diff = best;
    if (!n || x0 + w > img->width || h > img->height)
        return -1;
    /* The expected cells, in the PPM's byte order (red first). */
    static const struct fb_format ppm = {24, 0, 8, 8, 8, 16, 8};
    uint8_t *want = malloc((size_t)w * h * 3);
    struct fb fb;
    if (!want || fb_init(&fb, want, w, h, w * 3, &ppm, NULL) != K_OK) {
        free(want);
        return -1;
    }
    uint32_t fgp = fb_rgb(&fb, fg >> 16, (fg >> 8) & 0xff, fg & 0xff);
    uint32_t bgp = fb_rgb(&fb, bg >> 16, (bg >> 8) & 0xff, bg & 0xff);
    for (size_t i = 0; i < n; i++)
        fb_draw_glyph(&fb, (uint32_t)i * f->width, 0, f, (uint8_t)text[i], fgp, bgp);
    int found = -1;
    for (uint32_t row = 0; (row + 1) * h <= img->height && found < 0; row++) {
        uint64_t diff = 0;
        for (uint32_t y = 0; y < h; y++) {
            const uint8_t *got = img->rgb + ((size_t)(row * h + y) * img->width + x0) * 3;
            const uint8_t *exp = want + (size_t)y * w * 3;
            for (uint32_t x = 0; x < w * 3; x += 3)
                diff += !near(got[x], exp[x], tol) || !near(got[x + 1], exp[x + 1], tol) ||
                        !near(got[x + 2], exp[x + 2], tol);
        }
        if (diff < best)
            best = diff;
        if (diff == 0)
            found = (int)row;
    }
    free(want);
    if (best_diff)
        *best_diff = best;
    return found;
}
