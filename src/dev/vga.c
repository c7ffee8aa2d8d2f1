/* SPDX-License-Identifier: 0BSD */
/*
 * The 80x25 VGA text screen at physical 0xB8000, for BIOS boots. Under UEFI there is no text
 * buffer, and when GRUB set a linear framebuffer mode (gfxpayload) the framebuffer console takes
 * over: kmain() starts this only for a text screen, and until then it prints nothing.
 */
#include <arch/cpu.h>
#include <frame64/console.h>
#include <frame64/devices.h>
#include <frame64/escskip.h>
#include <frame64/phys.h>

#define COLS 80
#define ROWS 25
#define ATTR 0x07 /* light grey on black */

#define TEXT_BUFFER 0xB8000

/* Through phys_to_virt() each time: the mapping changes under us when the kernel's tables load. */
static volatile uint16_t *screen(void)
{
    return phys_to_virt(TEXT_BUFFER);
}
static bool enabled;
static int row, col;
static struct escskip esc; /* a terminal's escape sequences draw nothing here */

static void set_cursor(void)
{
    uint16_t pos = (uint16_t)(row * COLS + col);
    outb(0x3D4, 0x0F);
    outb(0x3D5, pos & 0xFF);
    outb(0x3D4, 0x0E);
    outb(0x3D5, pos >> 8);
}

void vga_init(void)
{
    enabled = true;
    for (int i = 0; i < COLS * ROWS; i++)
        screen()[i] = (ATTR << 8) | ' ';
    row = col = 0;
    set_cursor();
}

static void scroll(void)
{
    for (int i = 0; i < COLS * (ROWS - 1); i++)
        screen()[i] = screen()[i + COLS];
    for (int i = COLS * (ROWS - 1); i < COLS * ROWS; i++)
        screen()[i] = (ATTR << 8) | ' ';
    row = ROWS - 1;
}

static void put(char c)
{
    if (!enabled || escskip(&esc, (uint8_t)c))
        return;
    if (c == '\n') {
        col = 0;
        row++;
    } else if (c == '\r') {
        col = 0;
    } else if (c == '\t') {
        col = (col + 8) & ~7;
    } else if (c == '\b') {
        /* Back one cell, to the end of the line above from column 0 (the line editor's erase). */
        if (col > 0)
            col--;
        else if (row > 0)
            row--, col = COLS - 1;
    } else if ((uint8_t)c < 0x20) {
        return; /* other control characters have no glyph worth showing */
    } else {
        screen()[row * COLS + col] = (uint16_t)((ATTR << 8) | (uint8_t)c);
        col++;
    }
    if (col >= COLS) {
        col = 0;
        row++;
    }
    if (row >= ROWS)
        scroll();
    set_cursor();
}

CONSOLE_OUTPUT(vga, put);
