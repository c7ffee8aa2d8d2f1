/* SPDX-License-Identifier: 0BSD */
/*
 * tools/psf.c, the PSF reader behind tools/psf2c: PSF1 and PSF2 headers, glyph addressing, the
 * Unicode tables (16-bit PSF1, UTF-8 PSF2, sequences skipped), fonts without a table, and
 * refusal of truncated or foreign files, on small fonts built here byte by byte.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "../../tools/psf.h"

static uint8_t img[16384];

/* img[0, len) copied to a heap block of exactly len bytes, so that under ASan (unit-san.psf) any
 * read past the end of the file fails the test. Freed by the next call. */
static const uint8_t *exact(size_t len)
{
    static uint8_t *copy;
    free(copy);
    copy = malloc(len);
    assert_non_null(copy);
    memcpy(copy, img, len);
    return copy;
}

static size_t put16(size_t at, uint16_t v)
{
    img[at] = (uint8_t)v;
    img[at + 1] = (uint8_t)(v >> 8);
    return at + 2;
}

static void put32(size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        img[at + i] = (uint8_t)(v >> (8 * i));
}

/* A PSF1 font, 8 x 4, 256 glyphs; glyph i's rows are all i. */
static size_t make_psf1(uint8_t mode)
{
    memset(img, 0, sizeof(img));
    img[0] = 0x36;
    img[1] = 0x04;
    img[2] = mode;
    img[3] = 4;
    size_t count = (mode & 1) ? 512 : 256;
    for (size_t i = 0; i < count; i++)
        memset(img + 4 + i * 4, (int)i, 4);
    return 4 + count * 4;
}

/*
 * PSF1 with a table: glyph 0 is U+0041 and the sequence U+0041 U+0301 (skipped), glyph 1 is
 * U+00E9 and U+2022, the other glyphs have no entry.
 *   lookup: 'A' -> 0, U+00E9 -> 1, U+2022 -> 1, U+0301 (only inside a sequence) -> none
 */
static void test_psf1_table(void **state)
{
    (void)state;
    size_t at = make_psf1(0x02);
    at = put16(at, 0x0041);
    at = put16(at, 0xfffe);
    at = put16(at, 0x0041);
    at = put16(at, 0x0301);
    at = put16(at, 0xffff);
    at = put16(at, 0x00e9);
    at = put16(at, 0x2022);
    at = put16(at, 0xffff);
    for (int i = 2; i < 256; i++)
        at = put16(at, 0xffff);
    struct psf_font f;
    assert_null(psf_parse(&f, img, at));
    assert_int_equal(f.version, 1);
    assert_int_equal(f.width, 8);
    assert_int_equal(f.height, 4);
    assert_int_equal(f.count, 256);
    assert_ptr_equal(f.glyphs, img + 4);
    assert_int_equal(f.glyphs[7 * 4], 7);
    assert_int_equal(psf_lookup(&f, 'A'), 0);
    assert_int_equal(psf_lookup(&f, 0xe9), 1);
    assert_int_equal(psf_lookup(&f, 0x2022), 1);
    assert_int_equal(psf_lookup(&f, 0x301), -1);
    assert_int_equal(psf_lookup(&f, 'B'), -1);
    /* A table cut short ends the search instead of reading past the file. */
    assert_null(psf_parse(&f, exact(at - 2 * 250 - 1), at - 2 * 250 - 1));
    assert_int_equal(psf_lookup(&f, 'B'), -1);
}

/* Without a table glyph i is code point i: 256 glyphs cover 0..255, mode 1 gives 512. */
static void test_psf1_no_table(void **state)
{
    (void)state;
    struct psf_font f;
    size_t len = make_psf1(0x00);
    assert_null(psf_parse(&f, img, len));
    assert_null(f.table);
    assert_int_equal(psf_lookup(&f, 'A'), 'A');
    assert_int_equal(psf_lookup(&f, 255), 255);
    assert_int_equal(psf_lookup(&f, 256), -1);
    len = make_psf1(0x01);
    assert_null(psf_parse(&f, img, len));
    assert_int_equal(f.count, 512);
    assert_int_equal(psf_lookup(&f, 300), 300);
}

/* A PSF2 header: 32 bytes, or headersize when a font says more. */
static size_t make_psf2(uint32_t headersize, uint32_t flags, uint32_t count, uint32_t height,
                        uint32_t width)
{
    memset(img, 0, sizeof(img));
    img[0] = 0x72;
    img[1] = 0xb5;
    img[2] = 0x4a;
    img[3] = 0x86;
    put32(4, 0);
    put32(8, headersize);
    put32(12, flags);
    put32(16, count);
    uint32_t row_bytes = (width + 7) / 8;
    put32(20, row_bytes * height);
    put32(24, height);
    put32(28, width);
    for (uint32_t i = 0; i < count; i++)
        memset(img + headersize + i * row_bytes * height, (int)(0x10 + i), row_bytes * height);
    return headersize + (size_t)count * row_bytes * height;
}

/*
 * PSF2, 6 x 12, 4 glyphs, header padded to 40 bytes, UTF-8 table:
 *   glyph 0: "A"   glyph 1: U+00E9 (2 bytes), U+20AC (3 bytes)   glyph 2: <seq> "e" U+0301
 *   glyph 3: U+1F600 (4 bytes)
 */
static void test_psf2_table(void **state)
{
    (void)state;
    size_t at = make_psf2(40, 1, 4, 12, 6);
    static const uint8_t table[] = {'A', 0xff, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xff, 0xfe,
                                    'e', 0xcc, 0x81, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0xff};
    memcpy(img + at, table, sizeof(table));
    struct psf_font f;
    assert_null(psf_parse(&f, img, at + sizeof(table)));
    assert_int_equal(f.version, 2);
    assert_int_equal(f.width, 6);
    assert_int_equal(f.height, 12);
    assert_int_equal(f.row_bytes, 1);
    assert_ptr_equal(f.glyphs, img + 40);
    assert_int_equal(f.glyphs[2 * 12], 0x12);
    assert_int_equal(psf_lookup(&f, 'A'), 0);
    assert_int_equal(psf_lookup(&f, 0xe9), 1);
    assert_int_equal(psf_lookup(&f, 0x20ac), 1);
    assert_int_equal(psf_lookup(&f, 'e'), -1);
    assert_int_equal(psf_lookup(&f, 0x1f600), 3);
    /* Malformed UTF-8 (a lone continuation byte) stops the search. */
    img[at + 2] = 0x80;
    assert_int_equal(psf_lookup(&f, 0x1f600), -1);
    /* A 4-byte sequence cut by the end of the file is not read past it. */
    img[at + 2] = 0xc3;
    assert_null(psf_parse(&f, exact(at + sizeof(table) - 3), at + sizeof(table) - 3));
    assert_int_equal(psf_lookup(&f, 0x1f600), -1);
}

/* PSF2 16 pixels wide: rows of 2 bytes; no table: glyph i is code point i. */
static void test_psf2_wide_no_table(void **state)
{
    (void)state;
    size_t len = make_psf2(32, 0, 3, 16, 16);
    struct psf_font f;
    assert_null(psf_parse(&f, img, len));
    assert_int_equal(f.row_bytes, 2);
    assert_int_equal(f.bytes_per_glyph, 32);
    assert_int_equal(psf_lookup(&f, 2), 2);
    assert_int_equal(psf_lookup(&f, 3), -1);
}

/* Refused: gzip data, foreign data, truncated glyphs (PSF1 and PSF2), a header size past the
 * end, a bytes-per-glyph that disagrees with the size, a short PSF2 header. */
static void test_refused(void **state)
{
    (void)state;
    struct psf_font f;
    static const uint8_t gz[] = {0x1f, 0x8b, 8, 0};
    static const uint8_t text[] = "hello";
    assert_non_null(strstr(psf_parse(&f, gz, sizeof(gz)), "gzip"));
    assert_non_null(strstr(psf_parse(&f, text, sizeof(text)), "not a PSF"));
    size_t len = make_psf1(0);
    assert_non_null(strstr(psf_parse(&f, img, len - 1), "truncated PSF1"));
    len = make_psf2(32, 0, 3, 16, 8);
    assert_non_null(strstr(psf_parse(&f, img, len - 1), "truncated PSF2"));
    assert_non_null(strstr(psf_parse(&f, img, 20), "PSF2 header"));
    put32(8, 4096);
    assert_non_null(strstr(psf_parse(&f, img, len), "header size"));
    put32(8, 32);
    put32(20, 17);
    assert_non_null(strstr(psf_parse(&f, img, len), "bytes per glyph"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psf1_table), cmocka_unit_test(test_psf1_no_table),
        cmocka_unit_test(test_psf2_table), cmocka_unit_test(test_psf2_wide_no_table),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
