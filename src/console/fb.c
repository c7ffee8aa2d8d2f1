/* SPDX-License-Identifier: 0BSD */
/*
 * Linear-framebuffer drawing (pure: the caller maps the memory). Pixels are stored byte by byte,
 * little-endian, so 24 bpp and pitches that are not a multiple of 4 need no special case and no
 * store is ever misaligned.
 */
#include <frame64/error.h>
#include <frame64/fb.h>

static uint32_t channel_mask(uint8_t pos, uint8_t size)
{
    return (uint32_t)(((uint64_t)1 << size) - 1) << pos;
}

static const char *check_format(uint32_t width, uint32_t height, uint32_t pitch,
                                const struct fb_format *f)
{
    if (f->bpp != 16 && f->bpp != 24 && f->bpp != 32)
        return "the framebuffer is not 16, 24 or 32 bits per pixel (palette modes are not drawn)";
    if (width == 0 || height == 0)
        return "the framebuffer has no pixels (zero width or height)";
    if ((uint64_t)pitch < (uint64_t)width * (f->bpp / 8))
        return "the framebuffer pitch is smaller than one row of pixels";
    const uint8_t pos[3] = {f->red_pos, f->green_pos, f->blue_pos};
    const uint8_t size[3] = {f->red_size, f->green_size, f->blue_size};
    uint32_t used = 0;
    for (int i = 0; i < 3; i++) {
        if (size[i] == 0 || size[i] > 16)
            return "a colour channel of the framebuffer is 0 or more than 16 bits wide";
        if ((unsigned)pos[i] + size[i] > f->bpp)
            return "a colour channel of the framebuffer lies outside its pixel";
        uint32_t m = channel_mask(pos[i], size[i]);
        if (used & m)
            return "two colour channels of the framebuffer overlap";
        used |= m;
    }
    return NULL;
}

int fb_init(struct fb *fb, void *base, uint32_t width, uint32_t height, uint32_t pitch,
            const struct fb_format *fmt, const char **why)
{
    const char *err =
        base ? check_format(width, height, pitch, fmt) : "the framebuffer has no address";
    if (err) {
        if (why)
            *why = err;
        return K_EINVAL;
    }
    fb->base = base;
    fb->width = width;
    fb->height = height;
    fb->pitch = pitch;
    fb->bytes_pp = fmt->bpp / 8;
    fb->fmt = *fmt;
    return K_OK;
}

int fb_view(struct fb *view, const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    if (x >= fb->width || y >= fb->height || w == 0 || h == 0)
        return K_ERANGE;
    *view = *fb;
    view->base = fb->base + (size_t)y * fb->pitch + (size_t)x * fb->bytes_pp;
    view->width = MIN(w, fb->width - x);
    view->height = MIN(h, fb->height - y);
    return K_OK;
}

/* v (0..255) scaled to a size-bit channel, rounded to nearest: 255 is always all ones. */
static uint32_t scale(uint8_t v, uint8_t size)
{
    uint32_t max = ((uint32_t)1 << size) - 1;
    return ((uint32_t)v * max + 127) / 255;
}

uint32_t fb_rgb(const struct fb *fb, uint8_t r, uint8_t g, uint8_t b)
{
    const struct fb_format *f = &fb->fmt;
    return scale(r, f->red_size) << f->red_pos | scale(g, f->green_size) << f->green_pos |
           scale(b, f->blue_size) << f->blue_pos;
}

static void store(uint8_t *p, uint32_t bytes_pp, uint32_t pixel)
{
    p[0] = (uint8_t)pixel;
    p[1] = (uint8_t)(pixel >> 8);
    if (bytes_pp >= 3)
        p[2] = (uint8_t)(pixel >> 16);
    if (bytes_pp == 4)
        p[3] = (uint8_t)(pixel >> 24);
}

static uint8_t *pixel_at(const struct fb *fb, uint32_t x, uint32_t y)
{
    return fb->base + (size_t)y * fb->pitch + (size_t)x * fb->bytes_pp;
}

void fb_put_pixel(const struct fb *fb, uint32_t x, uint32_t y, uint32_t pixel)
{
    if (x < fb->width && y < fb->height)
        store(pixel_at(fb, x, y), fb->bytes_pp, pixel);
}

void fb_fill_rect(const struct fb *fb, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
                  uint32_t pixel)
{
    if (x >= fb->width || y >= fb->height)
        return;
    w = MIN(w, fb->width - x);
    h = MIN(h, fb->height - y);
    for (uint32_t row = 0; row < h; row++) {
        uint8_t *p = pixel_at(fb, x, y + row);
        for (uint32_t col = 0; col < w; col++, p += fb->bytes_pp)
            store(p, fb->bytes_pp, pixel);
    }
}

void fb_draw_glyph(const struct fb *fb, uint32_t x, uint32_t y, const struct font *font, uint8_t c,
                   uint32_t fg, uint32_t bg)
{
    if (x >= fb->width || y >= fb->height)
        return;
    const uint8_t *rows = font_glyph(font, c);
    uint32_t w = MIN((uint32_t)font->width, fb->width - x);
    uint32_t h = MIN((uint32_t)font->height, fb->height - y);
    for (uint32_t row = 0; row < h; row++) {
        uint8_t *p = pixel_at(fb, x, y + row);
        uint8_t bits = rows[row];
        for (uint32_t col = 0; col < w; col++, p += fb->bytes_pp)
            store(p, fb->bytes_pp, (bits & (0x80u >> col)) ? fg : bg);
    }
}
