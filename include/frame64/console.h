/* SPDX-License-Identifier: 0BSD */
/* The kernel's consoles: COM1 and the VGA text screen, both fed by kprintf(). */
#ifndef FRAME64_CONSOLE_H
#define FRAME64_CONSOLE_H

#include <frame64/types.h>

/* Probes and programs COM1. Return: whether a UART answered. */
bool serial_init(void);
bool serial_present(void);
void serial_putc(char c);

/* Clears the VGA text screen and sends console output there from now on (BIOS boots only). */
void vga_init(void);
void vga_putc(char c);

/* Sends one character to every console ("\n" becomes "\r\n" on serial). */
void console_putc(char c);

/* From now on kprintf() ignores its lock: the code that held it may be the code that died. */
void console_emergency(void);

#endif
