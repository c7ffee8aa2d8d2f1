/* SPDX-License-Identifier: 0BSD */
/*
 * Monitor commands that show memory: mem (the map table), frames (the frame manager's line) and
 * map (a picture: a strip of letters everywhere, and on the framebuffer a bar of colours over the
 * address space plus a swatch before each legend line).
 */
#include <frame64/console.h>
#include <frame64/fb.h>
#include <frame64/fbcon.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/mapview.h>
#include <frame64/memmap.h>
#include <frame64/monitor.h>

#define STRIP_CHARS 64
#define BAR_ROWS    3 /* text rows the framebuffer bar covers */
#define MAX_SPANS   1024

MONITOR_COMMAND(mem, "mem", 0, 0, "the memory map: every range with its owner, and totals",
                "The totals: available (free in the map), kernel/boot (the kernel, boot data,\n"
                "page tables, metadata), frame pool (the frame manager's frames, free or handed\n"
                "out: 'frames' splits them), DMA runs, and what firmware keeps.")
{
    (void)argc, (void)argv;
    memmap_print(&kernel_memory);
}

MONITOR_COMMAND(frames, "frames", 0, 0, "the frame manager's statistics line",
                "Free frames are stacked (freed once) or unseeded (never handed out yet);\n"
                "in use counts single frames and DMA runs.")
{
    (void)argc, (void)argv;
    frame_print_stats(&kernel_frames);
}

/*
 * The bar and the swatches, over rows the text above left blank (all text printed already). They
 * go into the console's own picture (fbcon_fill_rect()), so they scroll with the text.
 */
static void draw_picture(struct fbcon *c, phys_addr_t end, uint32_t bar_row, uint32_t first_legend,
                         const uint32_t *legend_tags, unsigned nlegend)
{
    static struct mapview_span spans[MAX_SPANS];
    uint32_t fw = c->font->width, fh = c->font->height;
    uint32_t x0 = 2 * fw, width = (c->cols - 4) * fw;
    size_t n =
        mapview_spans(kernel_memory.regions, kernel_memory.count, end, width, spans, MAX_SPANS);
    uint32_t y = bar_row * fh + fh / 4, h = BAR_ROWS * fh - fh / 2;
    const struct fb *fb = &c->fb;
    bool drawn = fbcon_fill_rect(c, x0, y, width, h, fb_rgb(fb, 0x20, 0x20, 0x20));
    for (size_t i = 0; drawn && i < n; i++) {
        uint32_t rgb = mapview_rgb(spans[i].tag);
        drawn = fbcon_fill_rect(c, x0 + spans[i].x0, y, spans[i].x1 - spans[i].x0, h,
                                fb_rgb(fb, rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff));
    }
    for (unsigned i = 0; drawn && i < nlegend; i++) {
        uint32_t rgb = mapview_rgb(legend_tags[i]);
        drawn = fbcon_fill_rect(c, 2 * fw, (first_legend + i) * fh + 2, 2 * fw - 2, fh - 4,
                                fb_rgb(fb, rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff));
    }
}

/*
 * The end of the last range that is RAM (anything but firmware-reserved and bad): firmware ranges
 * far above RAM (the 12 GiB HyperTransport hole below 1 TiB on AMD, ROMs under 4 GiB) would
 * squeeze all of RAM into the first character. *above gets how many ranges start past it.
 */
static phys_addr_t picture_end(const struct region_list *l, size_t *above)
{
    phys_addr_t end = 0;
    const struct region *r;
    region_for_each(l, r)
    {
        if (r->tag != REGION_FIRMWARE && r->tag != REGION_BAD)
            end = r->end;
    }
    *above = 0;
    region_for_each(l, r)
    {
        if (r->base >= end)
            (*above)++;
    }
    return end;
}

struct picture_at {
    phys_addr_t end;
    const uint32_t *tags;
    unsigned ntags;
};

/*
 * Draws the picture into the rows the map command left for it, just above the cursor (the row
 * after the last legend line, where the prompt goes). Runs under the console's lock
 * (console_draw()): another CPU's kprintf() cannot move the cursor or scroll meanwhile.
 */
static void draw_above_cursor(struct fbcon *c, void *ctx)
{
    const struct picture_at *p = ctx;
    if (c->x != 0)
        return;
    uint32_t last = c->y;
    draw_picture(c, p->end, last - 1 - p->ntags - BAR_ROWS, last - 1 - p->ntags, p->tags, p->ntags);
}

MONITOR_COMMAND(map, "map", 0, 0, "a picture of physical memory, coloured by owner",
                "A strip of 64 letters over [0, end of RAM), with the legend below; on a\n"
                "framebuffer also a bar of colours. An owner shows over free memory.")
{
    (void)argc, (void)argv;
    const struct region_list *l = &kernel_memory;
    size_t above;
    phys_addr_t end = picture_end(l, &above);
    if (!end) {
        kprintf("map: the memory map holds no RAM\n");
        return;
    }
    char strip[STRIP_CHARS + 1], size[24], total[24];
    mapview_strip(l->regions, l->count, end, strip, STRIP_CHARS);
    kprintf("map: physical [0, 0x%llx), %s per character", (unsigned long long)end,
            kformat_size(size, sizeof(size), end / STRIP_CHARS));
    if (above)
        kprintf(" (%llu firmware range(s) above, not drawn)", (unsigned long long)above);
    kprintf(":\n");
    kprintf("  |%s|\n", strip);
    struct fbcon *c = console_fbcon();
    /* The picture needs the bar's rows and one row per legend line on screen at once. */
    uint32_t legend_tags[MAPVIEW_CLASSES] = {0};
    unsigned nlegend = 0;
    for (uint32_t t = 0; t < REGION_TAG_COUNT; t++)
        if (region_total(l, t))
            legend_tags[nlegend++] = t;
    bool picture = c && c->rows > BAR_ROWS + nlegend + 3;
    for (unsigned i = 0; picture && i < BAR_ROWS; i++)
        kprintf("\n");
    for (unsigned i = 0; i < nlegend; i++) {
        uint32_t t = legend_tags[i];
        kprintf("    %c %-12s %s\n", mapview_letter(t), region_tag_name(t),
                kformat_size(total, sizeof(total), region_total(l, t)));
    }
    kprintf("    ' ' no range (no RAM or device in the map)\n");
    struct picture_at pa = {end, legend_tags, nlegend};
    if (picture)
        console_draw(draw_above_cursor, &pa);
}
