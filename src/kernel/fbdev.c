/* SPDX-License-Identifier: 0BSD */
/*
 * The framebuffer GRUB set up (multiboot2 framebuffer tag, direct RGB) as a kernel console:
 * mapped write-combining in the DEVICE_MAP window (wherever it lies, above 4 GiB too; the direct
 * map covers RAM only), described to the pure drawing code (src/console/fb.c) with the tag's own
 * channel layout and pitch, and handed to the console with a shadow cell buffer sized for screens
 * up to 4096 x 2160 (a larger screen gets a console on its top-left part).
 */
#include <frame64/console.h>
#include <frame64/error.h>
#include <frame64/fb.h>
#include <frame64/fbcon.h>
#include <frame64/font.h>
#include <frame64/kernel.h>
#include <frame64/kmap.h>
#include <frame64/kprintf.h>

#define MAX_W 4096
#define MAX_H 2160

static struct fbcon con;
static struct fbcon_cell cells[FBCON_CELLS(MAX_W, MAX_H, 8, 16)];
static bool started;

/* The channel layout: the tag's, or the usual one for its depth when the tag has none. */
static void format_of(const struct mb2_framebuffer *t, struct fb_format *f)
{
    f->bpp = t->bpp;
    if (t->has_channels) {
        f->red_pos = t->red_pos, f->red_size = t->red_size;
        f->green_pos = t->green_pos, f->green_size = t->green_size;
        f->blue_pos = t->blue_pos, f->blue_size = t->blue_size;
    } else if (t->bpp == 16) {
        *f = (struct fb_format){16, 11, 5, 5, 6, 0, 5};
    } else {
        *f = (struct fb_format){t->bpp, 16, 8, 8, 8, 0, 8};
    }
}

bool fbdev_start(void)
{
    if (started)
        return true;
    const struct mb2_framebuffer *t = &boot_info.fb;
    if (!boot_info.has_framebuffer || t->type != MB2_FB_RGB) {
        if (boot_info.has_framebuffer && t->type == MB2_FB_INDEXED)
            kprintf("console: the framebuffer is indexed (%u colours), not direct RGB: not used\n",
                    t->palette_colors);
        return false;
    }
    struct fb_format fmt;
    format_of(t, &fmt);
    /* Validate the description before mapping anything. */
    struct fb probe;
    const char *why = "";
    if (fb_init(&probe, (void *)1, t->width, t->height, t->pitch, &fmt, &why) != K_OK) {
        kprintf("console: framebuffer %ux%u, %u bpp not usable: %s\n", t->width, t->height, t->bpp,
                why);
        return false;
    }
    uint32_t w = t->width < MAX_W ? t->width : MAX_W, h = t->height < MAX_H ? t->height : MAX_H;
    uint8_t *base = kmap_device(t->addr, (uint64_t)t->pitch * h, KMAP_WRITE_COMBINED);
    if (!base)
        return false;
    struct fb fb;
    if (fb_init(&fb, base, w, h, t->pitch, &fmt, &why) != K_OK ||
        fbcon_init(&con, &fb, &font_default, cells, sizeof(cells) / sizeof(cells[0]), &why) !=
            K_OK) {
        kprintf("console: no framebuffer console: %s\n", why);
        return false;
    }
    started = true;
    console_attach_fbcon(&con);
    kprintf("console: framebuffer %ux%u, %u bpp, pitch %u at 0x%llx\n", t->width, t->height, t->bpp,
            t->pitch, (unsigned long long)t->addr);
    return true;
}
