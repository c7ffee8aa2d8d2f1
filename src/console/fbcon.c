/* SPDX-License-Identifier: 0BSD */
/*
 * The framebuffer text console. Invariant: the framebuffer shows exactly the shadow cells (plus
 * the cursor image at cursor_x/cursor_y while cursor_drawn), so any repaint can be computed from
 * the cells alone and framebuffer memory is only ever written.
 */
#include <frame64/error.h>
#include <frame64/fbcon.h>

const uint32_t fbcon_palette_rgb[FBCON_COLORS] = {
    0x000000, 0x0000aa, 0x00aa00, 0x00aaaa, 0xaa0000, 0xaa00aa, 0xaa5500, 0xaaaaaa,
    0x555555, 0x5555ff, 0x55ff55, 0x55ffff, 0xff5555, 0xff55ff, 0xffff55, 0xffffff,
};

#define TAB_WIDTH 8

static struct fbcon_cell *cell_at(const struct fbcon *c, uint32_t x, uint32_t y)
{
    return &c->cells[(size_t)y * c->cols + x];
}

static void draw_cell(const struct fbcon *c, uint32_t x, uint32_t y, bool inverted)
{
    const struct fbcon_cell *cell = cell_at(c, x, y);
    uint32_t fg = c->pixel[cell->attr & 0xf], bg = c->pixel[cell->attr >> 4];
    if (inverted) {
        uint32_t t = fg;
        fg = bg;
        bg = t;
    }
    fb_draw_glyph(&c->fb, x * c->font->width, y * c->font->height, c->font, cell->ch, fg, bg);
}

/* The cell the cursor is drawn on: past the end of a line it stays on the last column. */
static void cursor_cell(const struct fbcon *c, uint32_t *x, uint32_t *y)
{
    *x = MIN(c->x, c->cols - 1);
    *y = c->y;
}

static void hide_cursor(struct fbcon *c)
{
    if (c->cursor_drawn)
        draw_cell(c, c->cursor_x, c->cursor_y, false);
    c->cursor_drawn = false;
}

static void show_cursor(struct fbcon *c)
{
    if (!c->cursor_on)
        return;
    cursor_cell(c, &c->cursor_x, &c->cursor_y);
    draw_cell(c, c->cursor_x, c->cursor_y, true);
    c->cursor_drawn = true;
}

static struct fbcon_cell blank(const struct fbcon *c)
{
    return (struct fbcon_cell){.ch = ' ', .attr = c->attr};
}

static bool same(struct fbcon_cell a, struct fbcon_cell b)
{
    return a.ch == b.ch && a.attr == b.attr;
}

/* Sets a cell and repaints it only if it changes: blank-on-blank scrolls cost no pixel writes. */
static void set_cell(struct fbcon *c, uint32_t x, uint32_t y, struct fbcon_cell v)
{
    struct fbcon_cell *cell = cell_at(c, x, y);
    if (same(*cell, v))
        return;
    *cell = v;
    draw_cell(c, x, y, false);
}

static void scroll_up(struct fbcon *c)
{
    for (uint32_t y = 0; y + 1 < c->rows; y++)
        for (uint32_t x = 0; x < c->cols; x++)
            set_cell(c, x, y, *cell_at(c, x, y + 1));
    for (uint32_t x = 0; x < c->cols; x++)
        set_cell(c, x, c->rows - 1, blank(c));
}

static void newline(struct fbcon *c)
{
    c->x = 0;
    if (c->y + 1 < c->rows)
        c->y++;
    else
        scroll_up(c);
}

static void put_one(struct fbcon *c, uint8_t ch)
{
    switch (ch) {
    case '\n':
        newline(c);
        return;
    case '\r':
        c->x = 0;
        return;
    case '\t':
        if (c->x >= c->cols)
            newline(c);
        c->x = MIN((c->x / TAB_WIDTH + 1) * TAB_WIDTH, c->cols);
        return;
    case '\b':
        if (c->x > 0) {
            c->x--; /* from past the end too: x <= cols */
        } else if (c->y > 0) {
            c->y--;
            c->x = c->cols - 1;
        }
        return;
    default:
        break;
    }
    if (ch < 0x20 || ch == 0x7f)
        return;
    if (c->x >= c->cols)
        newline(c);
    struct fbcon_cell *cell = cell_at(c, c->x, c->y);
    cell->ch = ch;
    cell->attr = c->attr;
    draw_cell(c, c->x, c->y, false);
    c->x++;
}

void fbcon_write(struct fbcon *c, const char *s, size_t n)
{
    hide_cursor(c);
    for (size_t i = 0; i < n; i++)
        put_one(c, (uint8_t)s[i]);
    show_cursor(c);
}

void fbcon_putc(struct fbcon *c, char ch)
{
    fbcon_write(c, &ch, 1);
}

void fbcon_set_color(struct fbcon *c, uint8_t fg, uint8_t bg)
{
    c->attr = FBCON_ATTR(fg, bg);
}

void fbcon_redraw(struct fbcon *c)
{
    for (uint32_t y = 0; y < c->rows; y++)
        for (uint32_t x = 0; x < c->cols; x++)
            draw_cell(c, x, y, false);
    c->cursor_drawn = false;
    show_cursor(c);
}

void fbcon_clear(struct fbcon *c)
{
    hide_cursor(c);
    for (uint32_t y = 0; y < c->rows; y++)
        for (uint32_t x = 0; x < c->cols; x++)
            set_cell(c, x, y, blank(c));
    c->x = c->y = 0;
    show_cursor(c);
}

void fbcon_show_cursor(struct fbcon *c, bool on)
{
    hide_cursor(c);
    c->cursor_on = on;
    show_cursor(c);
}

uint32_t fbcon_pixel(const struct fbcon *c, uint8_t color)
{
    return c->pixel[color & 0xf];
}

int fbcon_init(struct fbcon *c, const struct fb *fb, const struct font *font,
               struct fbcon_cell *cells, size_t ncells, const char **why)
{
    const char *err = NULL;
    uint32_t cols = 0, rows = 0;
    if (font->width == 0 || font->width > FONT_MAX_WIDTH || font->height == 0 ||
        font->height > FONT_MAX_HEIGHT) {
        err = "the font's glyph size is not one the console draws (1-8 x 1-32 pixels)";
    } else {
        cols = fb->width / font->width;
        rows = fb->height / font->height;
        if (cols == 0 || rows == 0)
            err = "the framebuffer is smaller than one character";
        else if (ncells < cols)
            err = "the shadow array is smaller than one line of characters";
        else
            rows = (uint32_t)MIN((size_t)rows, ncells / cols);
    }
    if (err) {
        if (why)
            *why = err;
        return K_EINVAL;
    }
    c->fb = *fb;
    c->font = font;
    c->cells = cells;
    c->cols = cols;
    c->rows = rows;
    c->x = c->y = 0;
    c->attr = FBCON_ATTR(FBCON_LIGHT_GREY, FBCON_BLACK);
    c->cursor_on = true;
    c->cursor_drawn = false;
    for (int i = 0; i < FBCON_COLORS; i++) {
        uint32_t rgb = fbcon_palette_rgb[i];
        c->pixel[i] = fb_rgb(fb, (uint8_t)(rgb >> 16), (uint8_t)(rgb >> 8), (uint8_t)rgb);
    }
    for (size_t i = 0; i < (size_t)cols * rows; i++)
        cells[i] = blank(c);
    /* Margins right of and below the character grid stay black for good. */
    fb_fill_rect(fb, 0, 0, fb->width, fb->height, c->pixel[FBCON_BLACK]);
    fbcon_redraw(c);
    return K_OK;
}
