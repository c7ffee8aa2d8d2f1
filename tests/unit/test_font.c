/* SPDX-License-Identifier: 0BSD */
/*
 * font_default, as tools/psf2c generated it at build time, against the decompressed PSF it came
 * from (FRAME64_FONT_PSF_FILE): every byte's glyph is the font's glyph for that Latin-1 code
 * point, bytes without one show the replacement glyph, and printable ASCII is complete.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/psf.h"
#include <frame64/font.h>

static uint8_t *psf_data;
static struct psf_font psf;

static int setup(void **state)
{
    (void)state;
    FILE *f = fopen(FRAME64_FONT_PSF_FILE, "rb");
    if (!f)
        return -1;
    psf_data = malloc(1 << 20);
    size_t len = fread(psf_data, 1, 1 << 20, f);
    fclose(f);
    return psf_parse(&psf, psf_data, len) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    free(psf_data);
    return 0;
}

static const uint8_t *psf_glyph(long index)
{
    return psf.glyphs + (size_t)index * psf.bytes_per_glyph;
}

/* The generated size is the PSF's, and one the console draws (8 x 16 for the kernel's choice). */
static void test_size(void **state)
{
    (void)state;
    assert_int_equal(font_default.width, psf.width);
    assert_int_equal(font_default.height, psf.height);
    assert_in_range(font_default.width, 1, FONT_MAX_WIDTH);
    assert_in_range(font_default.height, 1, FONT_MAX_HEIGHT);
}

/*
 * Bytes 0x00-0xFF: a byte whose Latin-1 code point the font has shows exactly that glyph (all of
 * 0x20-0x7E must be there); the others show the font's U+FFFD glyph (or '?').
 */
static void test_every_byte(void **state)
{
    (void)state;
    long fallback = psf_lookup(&psf, 0xfffd);
    if (fallback < 0)
        fallback = psf_lookup(&psf, '?');
    for (int b = 0; b < FONT_GLYPHS; b++) {
        long index = psf_lookup(&psf, (uint32_t)b);
        if (b >= 0x20 && b <= 0x7e)
            assert_true(index >= 0);
        const uint8_t *want = psf_glyph(index >= 0 ? index : fallback);
        const uint8_t *got = font_glyph(&font_default, (uint8_t)b);
        for (uint32_t row = 0; row < psf.height; row++) {
            if (got[row] != want[row * psf.row_bytes])
                fail_msg("byte 0x%02x row %u: 0x%02x, the PSF has 0x%02x", b, row, got[row],
                         want[row * psf.row_bytes]);
        }
    }
}

/* Independent of the PSF reader: the 95 printable ASCII glyphs are pairwise different and only
 * the space is blank (a mapping that sent them all to one glyph would fail here). */
static void test_ascii_distinct(void **state)
{
    (void)state;
    size_t h = font_default.height;
    for (int a = 0x20; a <= 0x7e; a++) {
        const uint8_t *ga = font_glyph(&font_default, (uint8_t)a);
        bool blank = true;
        for (size_t r = 0; r < h; r++)
            blank = blank && ga[r] == 0;
        assert_int_equal(blank, a == ' ');
        for (int b = a + 1; b <= 0x7e; b++)
            if (memcmp(ga, font_glyph(&font_default, (uint8_t)b), h) == 0)
                fail_msg("'%c' and '%c' have the same glyph", a, b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_size),
        cmocka_unit_test(test_every_byte),
        cmocka_unit_test(test_ascii_distinct),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
