/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's consoles: COM1, the VGA text screen (BIOS text mode) and a framebuffer text
 * console (UEFI, or BIOS in a graphics mode), all fed by kprintf(); and the two input devices
 * the monitor polls (COM1 and the PS/2 keyboard). Interrupts stay off: input is polled.
 */
#ifndef FRAME64_CONSOLE_H
#define FRAME64_CONSOLE_H

#include <frame64/types.h>

struct fbcon;

/* Probes and programs COM1. Return: whether a UART answered. */
bool serial_init(void);
bool serial_present(void);
void serial_putc(char c);
/* A byte COM1 received, or -1 when none is waiting (or there is no UART). */
int serial_getc(void);

/*
 * Clears the VGA text screen and sends console output there from now on (BIOS boots only; not
 * when the boot loader set a linear framebuffer mode, where the text buffer is not shown).
 */
void vga_init(void);
void vga_putc(char c);
/* Whether vga_init() took the text screen. */
bool vga_active(void);

/*
 * Starts the framebuffer console on the multiboot2 framebuffer (direct RGB, 16/24/32 bpp), mapped
 * write-combining through kmap_device(); prints "console: framebuffer ..." or why not. Needs the
 * kernel's page tables and frames (after memory bring-up). Idempotent.
 * Return: whether a framebuffer console runs.
 */
bool fbdev_start(void);

/*
 * Sends console output to c from now on, first replaying onto it the last lines printed before
 * (so the boot log shows). NULL detaches.
 */
void console_attach_fbcon(struct fbcon *c);
/* The framebuffer console output goes to, or NULL. */
struct fbcon *console_fbcon(void);

/* Sends one character to every console ("\n" becomes "\r\n" on serial). Lock not taken. */
void console_putc(char c);
/* Writes n bytes to every console under kprintf()'s lock (the monitor's echo). */
void console_write(const char *s, size_t n);

/* From now on kprintf() ignores its lock: the code that held it may be the code that died. */
void console_emergency(void);

/*
 * The PS/2 controller (i8042): flushes what it holds and checks that it answers. USB keyboards
 * appear here too where the firmware's legacy emulation is on. Return: whether it is present.
 */
bool i8042_init(void);
/* A byte from the keyboard (scancode set 1 as translated by the controller), or -1. */
int i8042_read(void);
/* A short wait between two polls of the input devices. */
void console_input_pause(void);
/* Pulses the CPU reset line through the controller (returns if nothing happened). */
void i8042_reset_cpu(void);

#endif
