/* SPDX-License-Identifier: 0BSD */
/*
 * The framebuffer text console: text, control characters, wrapping, colours, the cursor,
 * scrolling and pictures that scroll with the text, compared pixel by pixel with an independent
 * plot of the expected cells (fb_test.h). The 83 x 69 framebuffer holds 10 x 4 cells of 8 x 16 plus
 * a margin of 3 columns and 5 rows.
 */
#include "fb_test.h"

#include <frame64/fbcon.h>

#define W     83
#define H     69
#define COLS  10
#define ROWS  4
#define GREY  0xaaaaaa
#define BLACK 0x000000

static struct fbcon con;
static struct fbcon_cell cells[COLS * ROWS];

static int setup(void **state)
{
    (void)state;
    test_font_init();
    return 0;
}

static void start(struct tfb *t, const struct fb_format *fmt, uint32_t pitch, bool cursor)
{
    tfb_make(t, fmt, W, H, pitch);
    assert_int_equal(fbcon_init(&con, &t->fb, &test_font, cells, ARRAY_SIZE(cells), NULL), K_OK);
    assert_int_equal(con.cols, COLS);
    assert_int_equal(con.rows, ROWS);
    fbcon_show_cursor(&con, cursor);
}

static void put(const char *s)
{
    fbcon_write(&con, s, strlen(s));
}

/* Expects lines[0..ROWS) (shorter lines end in blanks) light grey on black; with margins, the
 * margin right of and below the grid black (fbcon_init() cleared it). */
static void ref_screen(struct tfb *t, const char *const lines[ROWS], bool margins)
{
    if (margins)
        ref_rect(t, 0, 0, W, H, BLACK);
    for (uint32_t y = 0; y < ROWS; y++) {
        size_t n = strlen(lines[y]);
        for (uint32_t x = 0; x < COLS; x++) {
            uint8_t ch = x < n ? (uint8_t)lines[y][x] : ' ';
            ref_glyph(t, &test_font, x * 8, y * 16, ch, GREY, BLACK);
            assert_int_equal(cells[y * COLS + x].ch, ch);
        }
    }
}

/*
 * "Hi!\tx\nab" in every layout: the tab takes 'x' to column 8, '\n' starts line 1.
 *   |Hi!     x |
 *   |ab        |
 */
static void test_text_in_every_format(void **state)
{
    (void)state;
    static const struct {
        const struct fb_format *fmt;
        uint32_t pitch;
    } layouts[] = {
        {&FMT_RGB32, W * 4},
        {&FMT_BGR32, W * 4 + 12},
        {&FMT_RGB24, W * 3 + 5},
        {&FMT_RGB565, W * 2 + 6},
    };
    for (size_t i = 0; i < ARRAY_SIZE(layouts); i++) {
        struct tfb t;
        print_message("bpp %u pitch %u\n", layouts[i].fmt->bpp, layouts[i].pitch);
        start(&t, layouts[i].fmt, layouts[i].pitch, false);
        put("Hi!\tx\nab");
        ref_screen(&t, (const char *const[]){"Hi!     x", "ab", "", ""}, true);
        tfb_check(&t);
        tfb_free(&t);
    }
}

/* After ROWS + 1 lines the top line holds line 2 and the last line holds line 5. */
static void test_scroll(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB32, W * 4 + 4, false);
    put("L1\nL2\nL3\nL4\nL5");
    ref_screen(&t, (const char *const[]){"L2", "L3", "L4", "L5"}, true);
    tfb_check(&t);
    assert_int_equal(con.y, ROWS - 1);
    assert_int_equal(con.x, 2);
    tfb_free(&t);
}

/*
 * Scrolling and redrawing paint from the shadow cells only: with the framebuffer overwritten by
 * garbage (as a read of write-only memory would return), a scroll that changes every cell still
 * produces the exact picture; a memmove of framebuffer rows would copy the garbage. The margin
 * is never drawn again, so it keeps the garbage.
 *   before: AAAAAAAAAA BBBBBBBBBB CCCCCCCCCC DDDDDDDDDD   after "\nEEEEEEEEEE": B C D E
 */
static void test_scroll_never_reads_framebuffer(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB565, W * 2 + 6, false);
    put("AAAAAAAAAA\nBBBBBBBBBB\nCCCCCCCCCC\nDDDDDDDDDD");
    for (uint32_t y = 0; y < H; y++) {
        memset(t.mem + GUARD + y * t.fb.pitch, 0x3c, W * 2);
        memset(t.expect + GUARD + y * t.fb.pitch, 0x3c, W * 2);
    }
    put("\nEEEEEEEEEE");
    ref_screen(&t, (const char *const[]){"BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD", "EEEEEEEEEE"},
               false);
    tfb_check(&t);

    for (uint32_t y = 0; y < H; y++)
        memset(t.mem + GUARD + y * t.fb.pitch, 0xc3, W * 2);
    fbcon_redraw(&con);
    for (uint32_t y = 0; y < H; y++)
        memset(t.expect + GUARD + y * t.fb.pitch, 0xc3, W * 2);
    ref_screen(&t, (const char *const[]){"BBBBBBBBBB", "CCCCCCCCCC", "DDDDDDDDDD", "EEEEEEEEEE"},
               false);
    tfb_check(&t);
    tfb_free(&t);
}

/*
 * A full line followed by '\n' leaves no empty line (the wrap waits for the next character); an
 * 11th character wraps; a tab past column 8 goes to the end of the line, and the next character
 * wraps (here: scrolls).
 *   |0123456789|   |abcdefghij|   |k         |   |01234567  |   then "X": |k| |01234567| |X|
 */
static void test_wrap(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB24, W * 3, false);
    put("0123456789\nabcdefghijk\n01234567\t");
    ref_screen(&t, (const char *const[]){"0123456789", "abcdefghij", "k", "01234567"}, true);
    tfb_check(&t);
    assert_int_equal(con.x, COLS);
    put("X");
    ref_screen(&t, (const char *const[]){"abcdefghij", "k", "01234567", "X"}, true);
    tfb_check(&t);
    tfb_free(&t);
}

/*
 * '\r' returns to column 0, '\b' moves left without erasing, "\b \b" erases, '\b' at column 0
 * goes to the last column of the line above; BEL, ESC and DEL draw nothing.
 *   "abc\rX"   -> Xbc        "\n" "abc\b\bY" -> aYc       "\n" "abc\b \b" -> "ab "
 *   "\n" "0123456789Z\b\b Q" -> line 3: 012345678Q then Z on a new (scrolled) line
 */
static void test_control_characters(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_BGR32, W * 4, false);
    put("abc\rX\nabc\b\bY\nabc\b \b\a\x1b\x7f");
    ref_screen(&t, (const char *const[]){"Xbc", "aYc", "ab", ""}, true);
    tfb_check(&t);
    assert_int_equal(con.x, 2);
    put("\n0123456789Z\b\b \bQ");
    assert_int_equal(cells[2 * COLS].ch, '0');
    assert_int_equal(cells[2 * COLS + 8].ch, '8');
    assert_int_equal(cells[2 * COLS + 9].ch, 'Q');
    assert_int_equal(cells[3 * COLS].ch, 'Z');
    tfb_free(&t);
}

/*
 * Terminal escape sequences draw nothing (busybox's ESC [ 6 n at every prompt showed as "[6n"):
 * a CSI sequence with parameters, a two-byte one, one cut by CAN, one split across writes; a
 * carriage return inside a sequence is carried out.
 *   "# \e[6nls"           -> "# ls"
 *   "\e[1;1H\e[Jx\ecy"    -> "xy"
 *   "a\e[1\x18b\e[" "2Kc"  -> "abc"
 *   "z\e[\rmd"            -> "d" (the CR is carried out, 'm' ends the sequence)
 */
static void test_escape_sequences(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_BGR32, W * 4, false);
    put("# \x1b[6nls\n\x1b[1;1H\x1b[Jx\x1b"
        "cy\na\x1b[1\x18"
        "b\x1b[");
    put("2Kc\nz\x1b[\rmd");
    ref_screen(&t, (const char *const[]){"# ls", "xy", "abc", "d"}, true);
    tfb_check(&t);
    tfb_free(&t);
}

/*
 * Colours: 'A' yellow on blue, then 'B' in the default colours; a clear in white on red blanks
 * every cell in red. fbcon_pixel() gives the packed palette entry.
 */
static void test_colors(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB32, W * 4, false);
    fbcon_set_color(&con, FBCON_YELLOW, FBCON_BLUE);
    put("A");
    fbcon_set_color(&con, FBCON_LIGHT_GREY, FBCON_BLACK);
    put("B");
    ref_screen(&t, (const char *const[]){"AB", "", "", ""}, true);
    ref_glyph(&t, &test_font, 0, 0, 'A', 0xffff55, 0x0000aa);
    tfb_check(&t);
    assert_int_equal(cells[0].attr, FBCON_ATTR(FBCON_YELLOW, FBCON_BLUE));
    assert_int_equal(fbcon_pixel(&con, FBCON_BROWN), 0xaa5500);

    fbcon_set_color(&con, FBCON_WHITE, FBCON_RED);
    fbcon_clear(&con);
    ref_rect(&t, 0, 0, COLS * 8, ROWS * 16, 0xaa0000);
    tfb_check(&t);
    assert_int_equal(con.x, 0);
    assert_int_equal(con.y, 0);
    tfb_free(&t);
}

/*
 * The cursor is the cell at the cursor drawn with its colours swapped; moving it repaints the
 * old cell; past the end of a line it sits on the last column; hiding it restores the cell.
 */
static void test_cursor(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB32, W * 4, true);
    ref_screen(&t, (const char *const[]){"", "", "", ""}, true);
    ref_glyph(&t, &test_font, 0, 0, ' ', BLACK, GREY);
    tfb_check(&t);

    put("ab\n");
    ref_screen(&t, (const char *const[]){"ab", "", "", ""}, true);
    ref_glyph(&t, &test_font, 0, 16, ' ', BLACK, GREY);
    tfb_check(&t);

    put("0123456789");
    ref_screen(&t, (const char *const[]){"ab", "0123456789", "", ""}, true);
    ref_glyph(&t, &test_font, 9 * 8, 16, '9', BLACK, GREY);
    tfb_check(&t);

    fbcon_show_cursor(&con, false);
    ref_glyph(&t, &test_font, 9 * 8, 16, '9', GREY, BLACK);
    tfb_check(&t);
    tfb_free(&t);
}

/*
 * Sizing: 25 cells give 2 rows of 10 (the rest of the screen stays black); fewer cells than a
 * line, a framebuffer smaller than a glyph or a 9-pixel-wide font are refused with a sentence.
 */
static void test_init_sizes(void **state)
{
    (void)state;
    struct tfb t;
    const char *why;
    tfb_make(&t, &FMT_RGB32, W, H, W * 4);
    assert_int_equal(fbcon_init(&con, &t.fb, &test_font, cells, 25, NULL), K_OK);
    assert_int_equal(con.rows, 2);
    fbcon_show_cursor(&con, false);
    put("1\n2\n3");
    ref_rect(&t, 0, 0, W, H, BLACK);
    ref_glyph(&t, &test_font, 0, 0, '2', GREY, BLACK);
    ref_glyph(&t, &test_font, 0, 16, '3', GREY, BLACK);
    tfb_check(&t);

    why = NULL;
    assert_int_equal(fbcon_init(&con, &t.fb, &test_font, cells, 9, &why), K_EINVAL);
    assert_non_null(strstr(why, "one line"));
    struct fb tiny;
    assert_int_equal(fb_view(&tiny, &t.fb, 0, 0, 7, 16), K_OK);
    assert_int_equal(fbcon_init(&con, &tiny, &test_font, cells, 40, &why), K_EINVAL);
    assert_non_null(strstr(why, "smaller than one character"));
    const struct font wide = {.width = 9, .height = 16, .glyphs = font_bits};
    assert_int_equal(fbcon_init(&con, &t.fb, &wide, cells, 40, &why), K_EINVAL);
    assert_non_null(strstr(why, "glyph size"));
    tfb_free(&t);
}

/*
 * A console in a view of the top 2 text rows, with a picture (two bars) below it: scrolling the
 * console many times never touches the bars.
 *   rows 0..31: console   rows 40..47: red bar [0, 40), green bar [40, 83)
 */
static void test_console_above_picture(void **state)
{
    (void)state;
    struct tfb t;
    struct fb top;
    tfb_make(&t, &FMT_RGB24, W, H, W * 3 + 1);
    assert_int_equal(fb_view(&top, &t.fb, 0, 0, W, 32), K_OK);
    assert_int_equal(fbcon_init(&con, &top, &test_font, cells, ARRAY_SIZE(cells), NULL), K_OK);
    assert_int_equal(con.rows, 2);
    fbcon_show_cursor(&con, false);
    fb_fill_rect(&t.fb, 0, 40, 40, 8, fb_rgb(&t.fb, 0xff, 0, 0));
    fb_fill_rect(&t.fb, 40, 40, W - 40, 8, fb_rgb(&t.fb, 0, 0xff, 0));
    for (int i = 0; i < 20; i++)
        put("scrolling\n");
    put("last");
    ref_rect(&t, 0, 0, W, 32, BLACK);
    for (int x = 0; x < 9; x++)
        ref_glyph(&t, &test_font, x * 8, 0, (uint8_t) "scrolling"[x], GREY, BLACK);
    for (int x = 0; x < 4; x++)
        ref_glyph(&t, &test_font, x * 8, 16, (uint8_t) "last"[x], GREY, BLACK);
    ref_rect(&t, 0, 40, 40, 8, 0xff0000);
    ref_rect(&t, 40, 40, W - 40, 8, 0x00ff00);
    tfb_check(&t);
    tfb_free(&t);
}

/*
 * A picture drawn into the console (fbcon_fill_rect(), as the monitor's map draws its bar and
 * swatches) scrolls with the text and survives redraws: it is painted again from the kept
 * rectangles, clipped where it leaves the top, never read back from the framebuffer.
 *   |top       |   bar: red [8, 72) x [20, 44), a blue span [24, 32) over it
 *   |  ######  |   swatch: green [66, 78) x [50, 62), in row 3 right of "legend"
 *   |  ######  |   edge: yellow [76, 80) x [52, 56), asked 20 wide (the grid ends at 80)
 *   |legend  ##|
 */
struct shown_rect {
    uint32_t x, y, w, h, rgb; /* y in pixels from the top of the first screen */
};

static const struct shown_rect picture[] = {
    {8, 20, 64, 24, 0xff0000},
    {24, 20, 8, 24, 0x0000ff},
    {66, 50, 12, 12, 0x00ff00},
    {76, 52, 4, 4, 0xffff00},
};

/* The text lines, then the picture scrolled up by the given lines, clipped to the grid's top. */
static void ref_picture(struct tfb *t, const char *const lines[ROWS], uint32_t scrolled)
{
    ref_screen(t, lines, false);
    for (size_t i = 0; i < ARRAY_SIZE(picture); i++) {
        const struct shown_rect *r = &picture[i];
        int64_t top = (int64_t)r->y - 16 * (int64_t)scrolled, bottom = top + r->h;
        if (bottom <= 0)
            continue;
        top = top < 0 ? 0 : top;
        ref_rect(t, r->x, (uint32_t)top, r->w, (uint32_t)(bottom - top), r->rgb);
    }
}

static void test_picture_scrolls_with_text(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB32, W * 4 + 4, false);
    put("top\n\n\nlegend");
    const struct fb *fb = &con.fb;
    assert_true(fbcon_fill_rect(&con, 8, 20, 64, 24, fb_rgb(fb, 0xff, 0, 0)));
    assert_true(fbcon_fill_rect(&con, 24, 20, 8, 24, fb_rgb(fb, 0, 0, 0xff)));
    assert_true(fbcon_fill_rect(&con, 66, 50, 12, 12, fb_rgb(fb, 0, 0xff, 0)));
    assert_true(fbcon_fill_rect(&con, 76, 52, 20, 4, fb_rgb(fb, 0xff, 0xff, 0)));
    assert_true(fbcon_fill_rect(&con, 0, 64, 5, 5, fb_rgb(fb, 0xff, 0xff, 0xff))); /* margin */
    ref_rect(&t, 0, 0, W, H, BLACK);
    ref_picture(&t, (const char *const[]){"top", "", "", "legend"}, 0);
    tfb_check(&t);

    /* One line up: the whole picture moves 16 pixel rows up. */
    put("\nnext");
    ref_picture(&t, (const char *const[]){"", "", "legend", "next"}, 1);
    tfb_check(&t);

    /* One more: the bar's top half has left the screen, its bottom rows show in row 0. */
    put("\nA");
    ref_picture(&t, (const char *const[]){"", "legend", "next", "A"}, 2);
    tfb_check(&t);

    /* Over garbage in the framebuffer, a redraw paints the same from memory. */
    for (uint32_t y = 0; y < 64; y++)
        memset(t.mem + GUARD + y * t.fb.pitch, 0x5a, 80 * 4);
    fbcon_redraw(&con);
    tfb_check(&t);

    /* A character written into a picture cell replaces the picture there: back to the end of
     * row 1 (the swatch's second cell) with "\r\b\r\b". */
    put("\r\b\r\bZ");
    ref_picture(&t, (const char *const[]){"", "legend   Z", "next", "A"}, 2);
    ref_glyph(&t, &test_font, 72, 16, 'Z', GREY, BLACK);
    tfb_check(&t);

    /* Clearing forgets the picture: scrolling the cleared screen shows no trace of it. */
    fbcon_clear(&con);
    put("\n\n\n\nC");
    ref_screen(&t, (const char *const[]){"", "", "", "C"}, false);
    tfb_check(&t);
    tfb_free(&t);
}

/* A console keeps FBCON_MAX_RECTS rectangles on screen; once scrolled off, there is room again. */
static void test_picture_room(void **state)
{
    (void)state;
    struct tfb t;
    start(&t, &FMT_RGB565, W * 2, false);
    uint32_t px = fb_rgb(&con.fb, 0xff, 0x80, 0);
    for (size_t i = 0; i < FBCON_MAX_RECTS; i++)
        assert_true(fbcon_fill_rect(&con, (uint32_t)(i % 80), 0, 1, 1, px));
    assert_false(fbcon_fill_rect(&con, 0, 16, 1, 1, px));
    put("\n\n\n\n");
    assert_true(fbcon_fill_rect(&con, 0, 16, 1, 1, px));
    assert_int_equal(con.nrects, 1);
    tfb_free(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_in_every_format),
        cmocka_unit_test(test_scroll),
        cmocka_unit_test(test_scroll_never_reads_framebuffer),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_escape_sequences),
        cmocka_unit_test(test_colors),
        cmocka_unit_test(test_cursor),
        cmocka_unit_test(test_init_sizes),
        cmocka_unit_test(test_console_above_picture),
        cmocka_unit_test(test_picture_scrolls_with_text),
        cmocka_unit_test(test_picture_room),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
