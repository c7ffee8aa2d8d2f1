/* SPDX-License-Identifier: 0BSD */
/*
 * The framebuffer text console. Invariant: the framebuffer shows exactly the shadow cells, each
 * with the kept picture rectangles over it if it is marked as a picture cell (plus the cursor
 * image at cursor_x/cursor_y while cursor_drawn), so any repaint can be computed from memory and
 * framebuffer memory is only ever written.
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

/* The part of every kept rectangle that lies in cell (x, y), in the order they were drawn. */
static void draw_picture_in(const struct fbcon *c, uint32_t x, uint32_t y)
{
    uint32_t fw = c->font->width, fh = c->font->height;
    uint32_t x0 = x * fw, x1 = x0 + fw;
    uint64_t origin = c->scrolled * fh, y0 = origin + (uint64_t)y * fh, y1 = y0 + fh;
    for (size_t i = 0; i < c->nrects; i++) {
        const struct fbcon_rect *r = &c->rects[i];
        uint32_t rx0 = MAX(r->x, x0), rx1 = MIN(r->x + r->w, x1);
        uint64_t ry0 = MAX(r->top, y0), ry1 = MIN(r->top + r->h, y1);
        if (rx0 < rx1 && ry0 < ry1)
            fb_fill_rect(&c->fb, rx0, (uint32_t)(ry0 - origin), rx1 - rx0, (uint32_t)(ry1 - ry0),
                         r->pixel);
    }
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
    /* The cursor shows as text even on a picture, so that it can be found. */
    if (cell->picture && !inverted)
        draw_picture_in(c, x, y);
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
    return (struct fbcon_cell){.ch = ' ', .attr = c->attr, .picture = 0};
}

/* Two picture cells never count as the same: what lies over them depends on where they are. */
static bool same(struct fbcon_cell a, struct fbcon_cell b)
{
    return a.ch == b.ch && a.attr == b.attr && !a.picture && !b.picture;
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
    c->scrolled++; /* first: the moved picture cells paint the rectangles one row higher */
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
    if (escskip(&c->esc, ch))
        return;
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
    cell->picture = 0;
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
    c->nrects = 0;
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

/* Forgets the rectangles wholly above the screen (scrolled off), keeping the others' order. */
static void forget_scrolled_off(struct fbcon *c)
{
    uint64_t origin = c->scrolled * c->font->height;
    size_t kept = 0;
    for (size_t i = 0; i < c->nrects; i++)
        if (c->rects[i].top + c->rects[i].h > origin)
            c->rects[kept++] = c->rects[i];
    c->nrects = kept;
}

bool fbcon_fill_rect(struct fbcon *c, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                     uint32_t pixel)
{
    uint32_t fw = c->font->width, fh = c->font->height;
    uint32_t gw = c->cols * fw, gh = c->rows * fh; /* the grid; the margins stay black */
    if (x >= gw || y >= gh || w == 0 || h == 0)
        return true;
    w = MIN(w, gw - x);
    h = MIN(h, gh - y);
    if (c->nrects == FBCON_MAX_RECTS)
        forget_scrolled_off(c);
    if (c->nrects == FBCON_MAX_RECTS)
        return false;
    c->rects[c->nrects++] =
        (struct fbcon_rect){.top = c->scrolled * fh + y, .x = x, .w = w, .h = h, .pixel = pixel};
    hide_cursor(c);
    for (uint32_t cy = y / fh; cy <= (y + h - 1) / fh; cy++)
        for (uint32_t cx = x / fw; cx <= (x + w - 1) / fw; cx++)
            cell_at(c, cx, cy)->picture = 1;
    fb_fill_rect(&c->fb, x, y, w, h, pixel);
    show_cursor(c);
    return true;
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
    c->esc = (struct escskip){ESCSKIP_NONE};
    c->attr = FBCON_ATTR(FBCON_LIGHT_GREY, FBCON_BLACK);
    c->cursor_on = true;
    c->cursor_drawn = false;
    c->scrolled = 0;
    c->nrects = 0;
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
