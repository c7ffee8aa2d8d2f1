/* SPDX-License-Identifier: 0BSD */
/*
 * tools/screencmp.c: a 320x96 "screenshot" (a PPM in memory) drawn by the text console with a
 * test font, 40 columns x 6 rows of 8x16 cells:
 *
 *   row 0  "boot log line"
 *   row 1  "frame64 monitor: type 'help' for commands" (cut at 40 columns, wraps)
 *   row 3  "frame64> "  and the cursor
 *
 * Expect the line found on its row, and not found after one pixel changes, in other colours, or
 * at another column; PPM headers that are wrong are refused with a sentence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/fbcon.h>

#include "../../tools/screencmp.h"

#define W 320
#define H 96

static uint8_t glyphs[FONT_GLYPHS * 16];
static const struct font font = {8, 16, glyphs};
static uint8_t ppm[32 + W * H * 3];
static size_t ppm_len;
static struct fbcon_cell cells[40 * 6];

/* The screen as a PPM: header, then what the console drew in red-green-blue byte order. */
static int setup(void **state)
{
    (void)state;
    for (int c = 0; c < FONT_GLYPHS; c++)
        for (int r = 0; r < 16; r++)
            glyphs[c * 16 + r] = c == ' ' ? 0 : (uint8_t)(c * 7 + r * 13);
    int hdr = snprintf((char *)ppm, 32, "P6\n# screendump\n%d %d\n255\n", W, H);
    static const struct fb_format rgb = {24, 0, 8, 8, 8, 16, 8};
    struct fb fb;
    struct fbcon con;
    assert_int_equal(fb_init(&fb, ppm + hdr, W, H, W * 3, &rgb, NULL), K_OK);
    assert_int_equal(fbcon_init(&con, &fb, &font, cells, 40 * 6, NULL), K_OK);
    const char *text = "boot log line\nframe64 monitor: type 'help' for commands\nframe64> ";
    fbcon_write(&con, text, strlen(text));
    ppm_len = (size_t)hdr + W * H * 3;
    return 0;
}

static int find(const char *text, uint32_t col, uint32_t fg, uint64_t *diff)
{
    struct screencmp_image img;
    assert_null(screencmp_parse_ppm(ppm, ppm_len, &img));
    assert_int_equal(img.width, W);
    assert_int_equal(img.height, H);
    return screencmp_find(&img, &font, text, col, fg, 0x000000, 0, diff);
}

static void test_found(void **state)
{
    (void)state;
    uint64_t diff;
    assert_int_equal(find("frame64> ", 0, 0xaaaaaa, &diff), 3);
    assert_int_equal(diff, 0);
    assert_int_equal(find("frame64 monitor: type", 0, 0xaaaaaa, &diff), 1);
    assert_int_equal(find("log", 5, 0xaaaaaa, &diff), 0);
}

/* One pixel of the prompt's 'f' turned white: no row matches, the closest differs by 1. */
static void test_one_pixel(void **state)
{
    (void)state;
    size_t hdr = ppm_len - W * H * 3;
    uint8_t *px = ppm + hdr + ((size_t)(3 * 16 + 5) * W + 2) * 3;
    px[0] ^= 0xff, px[1] ^= 0xff, px[2] ^= 0xff;
    uint64_t diff;
    assert_int_equal(find("frame64> ", 0, 0xaaaaaa, &diff), -1);
    assert_int_equal(diff, 1);
}

/*
 * A 16-bpp screen: every channel off by up to 8 from the expected. Exact: not found; tolerance 8:
 * found; tolerance 7 with one channel off by 8: not found.
 */
static void test_tolerance(void **state)
{
    (void)state;
    size_t hdr = ppm_len - W * H * 3;
    for (size_t i = hdr; i < ppm_len; i++)
        ppm[i] = ppm[i] >= 0x80 ? (uint8_t)(ppm[i] - 8) : (uint8_t)(ppm[i] + 5);
    struct screencmp_image img;
    uint64_t diff;
    assert_null(screencmp_parse_ppm(ppm, ppm_len, &img));
    assert_int_equal(screencmp_find(&img, &font, "frame64> ", 0, 0xaaaaaa, 0, 0, &diff), -1);
    assert_int_equal(screencmp_find(&img, &font, "frame64> ", 0, 0xaaaaaa, 0, 8, &diff), 3);
    assert_int_equal(screencmp_find(&img, &font, "frame64> ", 0, 0xaaaaaa, 0, 7, &diff), -1);
}

/* Other colours, another column, text that is not there: not found. */
static void test_not_found(void **state)
{
    (void)state;
    uint64_t diff;
    assert_int_equal(find("frame64> ", 0, 0xffffff, &diff), -1);
    assert_int_equal(find("frame64> ", 1, 0xaaaaaa, &diff), -1);
    assert_int_equal(find("frame65> ", 0, 0xaaaaaa, &diff), -1);
    assert_true(diff > 0);
    /* Wider than the screen. */
    assert_int_equal(find("0123456789012345678901234567890123456789x", 0, 0xaaaaaa, &diff), -1);
}

static void test_bad_ppm(void **state)
{
    (void)state;
    struct screencmp_image img;
    assert_string_equal(screencmp_parse_ppm((const uint8_t *)"P3\n1 1\n255\n", 11, &img),
                        "not a binary PPM (P6) file");
    assert_string_equal(screencmp_parse_ppm((const uint8_t *)"P6\n1 1\n65535\n", 13, &img),
                        "the PPM's maxval is not 255");
    assert_string_equal(screencmp_parse_ppm((const uint8_t *)"P6\n2 2\n255\n\1\2\3", 14, &img),
                        "the PPM has fewer pixels than its header says");
    assert_string_equal(screencmp_parse_ppm((const uint8_t *)"P6\n2", 4, &img),
                        "the PPM header is cut short or holds something other than a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_found, setup),
        cmocka_unit_test_setup(test_one_pixel, setup),
        cmocka_unit_test_setup(test_not_found, setup),
        cmocka_unit_test_setup(test_tolerance, setup),
        cmocka_unit_test(test_bad_ppm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
