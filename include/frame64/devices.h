/* SPDX-License-Identifier: 0BSD */
/*
 * What the boot sequence and the power code ask of the device drivers in src/dev/ directly: the
 * drivers' console outputs and inputs reach the console by registration (frame64/console.h).
 */
#ifndef FRAME64_DEVICES_H
#define FRAME64_DEVICES_H

#include <frame64/types.h>

/* Probes and programs COM1. Return: whether a UART answered. */
bool serial_init(void);

/*
 * For the ktest of the interrupt path: asks COM1 for one transmitter-empty interrupt (it comes
 * at once, the holding register being empty). Return: false if COM1 takes no interrupts (absent,
 * or IRQ 4 not routed). serial_thre_irqs() counts those that arrived.
 */
bool serial_irq_poke(void);
uint64_t serial_thre_irqs(void);

/*
 * Clears the VGA text screen and sends console output there from now on. Only for a screen in
 * text mode (a BIOS boot where GRUB set no linear framebuffer): the caller decides.
 */
void vga_init(void);

/*
 * For the ktest of IRQ 1: has the PS/2 controller hand b back as if the keyboard had sent it
 * (command 0xD2), which raises the keyboard's interrupt. Return: false if the keyboard takes no
 * interrupts (no controller, IRQ 1 not routed, or its input not started by the monitor yet).
 */
bool i8042_irq_poke(uint8_t b);

struct civil_time;
/*
 * Reads the date and time (UTC, as PC firmware keeps it under QEMU and most Linux setups) from the
 * CMOS real-time clock. Return: false if there is no clock, it never settles, or it holds no
 * valid date (then *out is unspecified).
 */
bool rtc_read(struct civil_time *out);

/* Pulses the CPU reset line through the PS/2 controller (returns if nothing happened). */
void i8042_reset_cpu(void);

#endif
