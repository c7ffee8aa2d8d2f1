/* SPDX-License-Identifier: 0BSD */
/*
 * fb_init()/fb_rgb()/fb_fill_rect()/fb_draw_glyph()/fb_view(): pixels land exactly where an
 * independent plotter puts them, in 32 bpp (RGB and BGR), 24 bpp and 16 bpp 5-6-5, and nothing
 * outside the pixels is written (row padding and guard bytes keep their sentinel).
 */
#include "fb_test.h"

/* 83 x 69 pixels: 10 x 4 cells of 8 x 16 and a 3-pixel / 5-row margin that clips glyphs. */
#define W 83
#define H 69

static const struct {
    const char *name;
    const struct fb_format *fmt;
    uint32_t pitch;
} layouts[] = {
    {"32 bpp RGB, no padding", &FMT_RGB32, W * 4},
    {"32 bpp BGR, 12 padding bytes", &FMT_BGR32, W * 4 + 12},
    {"24 bpp, odd pitch (5 padding bytes)", &FMT_RGB24, W * 3 + 5},
    {"16 bpp 5-6-5, 6 padding bytes", &FMT_RGB565, W * 2 + 6},
};

static int setup(void **state)
{
    (void)state;
    test_font_init();
    return 0;
}

/* Each broken description is refused with a sentence naming the problem. */
static void test_init_rejects(void **state)
{
    (void)state;
    uint8_t mem[64];
    struct fb fb;
    const char *why;
    struct fb_format f8 = {8, 0, 3, 3, 3, 6, 2};
    struct fb_format outside = {16, 12, 5, 5, 6, 0, 5}; /* red bits 12..16 of a 16-bit pixel */
    struct fb_format overlap = {32, 16, 8, 8, 9, 0, 8}; /* green bit 16 is red's */
    struct fb_format zero = {32, 16, 0, 8, 8, 0, 8};
    const struct {
        void *base;
        uint32_t w, h, pitch;
        const struct fb_format *fmt;
        const char *word;
    } bad[] = {
        {mem, 4, 4, 16, &f8, "16, 24 or 32"},     {mem, 4, 4, 15, &FMT_RGB32, "pitch"},
        {mem, 0, 4, 16, &FMT_RGB32, "no pixels"}, {NULL, 4, 4, 16, &FMT_RGB32, "no address"},
        {mem, 4, 4, 16, &outside, "outside"},     {mem, 4, 4, 16, &overlap, "overlap"},
        {mem, 4, 4, 16, &zero, "0 or more"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        why = NULL;
        assert_int_equal(
            fb_init(&fb, bad[i].base, bad[i].w, bad[i].h, bad[i].pitch, bad[i].fmt, &why),
            K_EINVAL);
        assert_non_null(why);
        assert_non_null(strstr(why, bad[i].word));
    }
    assert_int_equal(fb_init(&fb, mem, 4, 4, 16, &FMT_RGB32, NULL), K_OK);
}

/* Packing by hand: 0x123456 in RGB and BGR order; 5-6-5 primaries, VGA brown and a rounding case
 * (0x80 in 5 bits is 16: 128 * 31 / 255 = 15.56 rounds up). */
static void test_rgb(void **state)
{
    (void)state;
    uint8_t mem[64];
    struct fb fb;
    assert_int_equal(fb_init(&fb, mem, 4, 4, 16, &FMT_RGB32, NULL), K_OK);
    assert_int_equal(fb_rgb(&fb, 0x12, 0x34, 0x56), 0x123456);
    assert_int_equal(fb_rgb(&fb, 0xff, 0xff, 0xff), 0xffffff);
    assert_int_equal(fb_init(&fb, mem, 4, 4, 16, &FMT_BGR32, NULL), K_OK);
    assert_int_equal(fb_rgb(&fb, 0x12, 0x34, 0x56), 0x563412);
    assert_int_equal(fb_init(&fb, mem, 4, 4, 8, &FMT_RGB565, NULL), K_OK);
    assert_int_equal(fb_rgb(&fb, 0xff, 0, 0), 0xf800);
    assert_int_equal(fb_rgb(&fb, 0, 0xff, 0), 0x07e0);
    assert_int_equal(fb_rgb(&fb, 0, 0, 0xff), 0x001f);
    assert_int_equal(fb_rgb(&fb, 0xaa, 0x55, 0x00), 0xaaa0);
    assert_int_equal(fb_rgb(&fb, 0x80, 0, 0), 16 << 11);
}

/*
 * Rectangles: one inside, one hanging over the bottom-right corner (clipped to 3 x 4 pixels), one
 * starting past the right edge (nothing), one of width 0 (nothing), in every layout.
 *   (2,3) 5x6 red   (80,65) 10x10 green -> (80..82, 65..68)   (83,0) and (0,0) 0x5: nothing
 */
static void test_fill_rect(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
        struct tfb t;
        print_message("layout: %s\n", layouts[i].name);
        tfb_make(&t, layouts[i].fmt, W, H, layouts[i].pitch);
        fb_fill_rect(&t.fb, 2, 3, 5, 6, fb_rgb(&t.fb, 0xff, 0, 0));
        fb_fill_rect(&t.fb, 80, 65, 10, 10, fb_rgb(&t.fb, 0, 0xff, 0));
        fb_fill_rect(&t.fb, W, 0, 10, 10, fb_rgb(&t.fb, 0, 0, 0xff));
        fb_fill_rect(&t.fb, 0, 0, 0, 5, fb_rgb(&t.fb, 0, 0, 0xff));
        fb_fill_rect(&t.fb, 0, 0, UINT32_MAX, 1, fb_rgb(&t.fb, 0xff, 0xff, 0xff)); /* row 0 */
        ref_rect(&t, 2, 3, 5, 6, 0xff0000);
        ref_rect(&t, 80, 65, 3, 4, 0x00ff00);
        ref_rect(&t, 0, 0, W, 1, 0xffffff);
        tfb_check(&t);
        tfb_free(&t);
    }
}

/*
 * Glyphs 'A' at (0,0), 'g' at (9,17) (not cell aligned), '~' at (78,60) (clipped: 5 columns and 9
 * rows show) and 0xE9 at (83,0) (nothing), yellow on blue, compared with the bit-by-bit plot.
 */
static void test_glyphs(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
        struct tfb t;
        print_message("layout: %s\n", layouts[i].name);
        tfb_make(&t, layouts[i].fmt, W, H, layouts[i].pitch);
        uint32_t fg = fb_rgb(&t.fb, 0xff, 0xff, 0x55), bg = fb_rgb(&t.fb, 0, 0, 0xaa);
        fb_draw_glyph(&t.fb, 0, 0, &test_font, 'A', fg, bg);
        fb_draw_glyph(&t.fb, 9, 17, &test_font, 'g', fg, bg);
        fb_draw_glyph(&t.fb, 78, 60, &test_font, '~', fg, bg);
        fb_draw_glyph(&t.fb, W, 0, &test_font, 0xe9, fg, bg);
        ref_glyph(&t, &test_font, 0, 0, 'A', 0xffff55, 0x0000aa);
        ref_glyph(&t, &test_font, 9, 17, 'g', 0xffff55, 0x0000aa);
        ref_glyph(&t, &test_font, 78, 60, '~', 0xffff55, 0x0000aa);
        tfb_check(&t);
        tfb_free(&t);
    }
}

/* fb_put_pixel() at (82,68) writes; at (83,0), (0,69) and (UINT32_MAX, UINT32_MAX) it does not. */
static void test_put_pixel_bounds(void **state)
{
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
        struct tfb t;
        tfb_make(&t, layouts[i].fmt, W, H, layouts[i].pitch);
        uint32_t white = fb_rgb(&t.fb, 0xff, 0xff, 0xff);
        fb_put_pixel(&t.fb, W - 1, H - 1, white);
        fb_put_pixel(&t.fb, W, 0, white);
        fb_put_pixel(&t.fb, 0, H, white);
        fb_put_pixel(&t.fb, UINT32_MAX, UINT32_MAX, white);
        ref_pixel(&t, W - 1, H - 1, 0xffffff);
        tfb_check(&t);
        tfb_free(&t);
    }
}

/*
 * A view [10, 30) x [20, 40) of the 83 x 69 framebuffer: filling all of it and drawing a glyph
 * that hangs over its right edge touch only pixels inside it. A view past the edge is clipped;
 * one starting outside, or empty, is refused.
 */
static void test_view(void **state)
{
    (void)state;
    struct tfb t;
    struct fb v;
    tfb_make(&t, &FMT_RGB24, W, H, W * 3 + 5);
    assert_int_equal(fb_view(&v, &t.fb, 10, 20, 20, 20), K_OK);
    fb_fill_rect(&v, 0, 0, UINT32_MAX, UINT32_MAX, fb_rgb(&v, 0, 0xff, 0));
    fb_draw_glyph(&v, 15, 0, &test_font, 'Q', fb_rgb(&v, 0xff, 0, 0), fb_rgb(&v, 0, 0, 0xff));
    ref_rect(&t, 10, 20, 20, 20, 0x00ff00);
    for (uint32_t row = 0; row < 16; row++)
        for (uint32_t col = 0; col < 5; col++)
            ref_pixel(&t, 25 + col, 20 + row,
                      (font_bits['Q' * 16 + row] >> (7 - col)) & 1 ? 0xff0000 : 0x0000ff);
    tfb_check(&t);

    assert_int_equal(fb_view(&v, &t.fb, 80, 60, 100, 100), K_OK);
    assert_int_equal(v.width, 3);
    assert_int_equal(v.height, 9);
    assert_int_equal(fb_view(&v, &t.fb, W, 0, 1, 1), K_ERANGE);
    assert_int_equal(fb_view(&v, &t.fb, 0, 0, 0, 1), K_ERANGE);
    tfb_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects),     cmocka_unit_test(test_rgb),
        cmocka_unit_test(test_fill_rect),        cmocka_unit_test(test_glyphs),
        cmocka_unit_test(test_put_pixel_bounds), cmocka_unit_test(test_view),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
