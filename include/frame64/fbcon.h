/* SPDX-License-Identifier: 0BSD */
/*
 * A text console on a framebuffer (pure). Every character cell on screen is also kept in a
 * caller-provided shadow array, so scrolling and redrawing repaint from that array and never read
 * framebuffer memory. Colours are the 16 VGA text-mode colours, packed into the framebuffer's
 * pixel format once at fbcon_init().
 *
 *   static struct fbcon con;
 *   static struct fbcon_cell cells[FBCON_CELLS(1920, 1080, 8, 16)];
 *   if (fbcon_init(&con, &fb, &font_default, cells, ARRAY_SIZE(cells), &why) == K_OK)
 *       fbcon_write(&con, "hello\n", 6);
 *
 * Pictures (fbcon_fill_rect()) are kept as rectangles over cells marked as covered, so they
 * scroll and redraw with the text from memory too.
 *
 * Control characters: '\n' starts the next line (column 0), '\r' returns to column 0, '\t' moves
 * to the next multiple of 8 columns, '\b' moves one cell left without erasing (so "\b \b" erases;
 * at column 0 it goes to the end of the line above, so an erase sequence works across a wrapped
 * line). Escape sequences (ESC [ ... final byte, ESC x) draw nothing (include/frame64/escskip.h).
 * Other bytes below 0x20 and 0x7F are ignored; every other byte is drawn as its font glyph.
 * A character written in the last column leaves the cursor "past the end": the line wraps only
 * when the next character arrives, so a full line followed by '\n' does not leave an empty line.
 */
#ifndef FRAME64_FBCON_H
#define FRAME64_FBCON_H

#include <frame64/escskip.h>
#include <frame64/fb.h>
#include <frame64/font.h>
#include <frame64/types.h>

/* The VGA text-mode palette, in its numbering. */
enum fbcon_color {
    FBCON_BLACK,
    FBCON_BLUE,
    FBCON_GREEN,
    FBCON_CYAN,
    FBCON_RED,
    FBCON_MAGENTA,
    FBCON_BROWN,
    FBCON_LIGHT_GREY,
    FBCON_DARK_GREY,
    FBCON_LIGHT_BLUE,
    FBCON_LIGHT_GREEN,
    FBCON_LIGHT_CYAN,
    FBCON_LIGHT_RED,
    FBCON_LIGHT_MAGENTA,
    FBCON_YELLOW,
    FBCON_WHITE,
    FBCON_COLORS
};

/* 0xRRGGBB of each palette colour (what fbcon_init() packs). */
extern const uint32_t fbcon_palette_rgb[FBCON_COLORS];

/*
 * One character cell: the byte shown and its colours (foreground low nibble, background high),
 * and whether rectangles of a picture (fbcon_fill_rect()) lie over its glyph.
 */
struct fbcon_cell {
    uint8_t ch;
    uint8_t attr;
    uint8_t picture;
};

/*
 * A rectangle of a picture drawn over the text, kept so that a scroll or a redraw can paint it
 * again from memory. top counts pixel rows from the top of the first screen the console showed,
 * so scrolling moves it without rewriting it.
 */
struct fbcon_rect {
    uint64_t top;
    uint32_t x, w, h;
    uint32_t pixel;
};

/*
 * Rectangles a console keeps: room for two of the monitor's map pictures on screen at once, each
 * a bar of up to 1024 spans over its background plus a swatch per legend line.
 */
#define FBCON_MAX_RECTS 2112

#define FBCON_ATTR(fg, bg) ((uint8_t)(((fg)&0xf) | ((bg)&0xf) << 4))

/* Shadow cells a width x height framebuffer needs with a font_w x font_h font. */
#define FBCON_CELLS(width, height, font_w, font_h) (((width) / (font_w)) * ((height) / (font_h)))

struct fbcon {
    struct fb fb;
    const struct font *font;
    struct fbcon_cell *cells; /* rows * cols, row by row: what the screen shows */
    uint32_t cols, rows;
    uint32_t x, y; /* cursor; x == cols: past the end of the line (wraps on the next character) */
    uint8_t attr;  /* FBCON_ATTR() of new characters and of cleared cells */
    struct escskip esc; /* inside a terminal escape sequence: skipped */
    bool cursor_on;
    bool cursor_drawn; /* the cursor image is on screen at (cursor_x, cursor_y) */
    uint32_t cursor_x, cursor_y;
    uint32_t pixel[FBCON_COLORS]; /* the palette in the framebuffer's format */
    uint64_t scrolled;            /* lines scrolled since fbcon_init() */
    size_t nrects;                /* rects[0, nrects) in the order drawn; later ones on top */
    struct fbcon_rect rects[FBCON_MAX_RECTS];
};

/*
 * Starts a console on fb (copied) with font, keeping the screen's characters in cells[0, ncells):
 * cols = fb width / font width, rows = fb height / font height, fewer rows if ncells is short.
 * Clears the whole framebuffer to black; colours light grey on black, cursor shown at the top left.
 * Return: K_OK, or K_EINVAL with *why (if why is not NULL) saying why no console fits.
 */
int fbcon_init(struct fbcon *c, const struct fb *fb, const struct font *font,
               struct fbcon_cell *cells, size_t ncells, const char **why);

/* Colours (enum fbcon_color) of the characters written from now on. */
void fbcon_set_color(struct fbcon *c, uint8_t fg, uint8_t bg);

/* Writes one character or control character (see the top of this file). */
void fbcon_putc(struct fbcon *c, char ch);
void fbcon_write(struct fbcon *c, const char *s, size_t n);

/* Blanks every cell in the current background colour; cursor to the top left. */
void fbcon_clear(struct fbcon *c);

/* Repaints every cell from the shadow array (e.g. after something else drew over the console). */
void fbcon_redraw(struct fbcon *c);

/* Shows or hides the cursor (the cell under it drawn with its colours swapped). */
void fbcon_show_cursor(struct fbcon *c, bool on);

/* The pixel value of palette colour color, for fbcon_fill_rect(). */
uint32_t fbcon_pixel(const struct fbcon *c, uint8_t color);

/*
 * Fills [x, x + w) x [y, y + h) (pixels, clipped to the character grid) with pixel (fb_rgb() on
 * c->fb) over the text, as part of a picture that scrolls with the text and survives redraws:
 * the rectangle is kept, and the cells under it are painted as their glyph, then every kept
 * rectangle over them. A character later written into such a cell replaces the picture there;
 * fbcon_clear() forgets every rectangle, and rectangles scrolled off the top are forgotten when
 * room is needed.
 * Return: true, or false when FBCON_MAX_RECTS rectangles are on screen already (nothing drawn).
 */
bool fbcon_fill_rect(struct fbcon *c, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                     uint32_t pixel);

#endif
