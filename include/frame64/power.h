/* SPDX-License-Identifier: 0BSD */
/* Switching the machine off and restarting it (the monitor's poweroff and reboot). */
#ifndef FRAME64_POWER_H
#define FRAME64_POWER_H

/*
 * ACPI S5 where the DSDT's \_S5 can be read; otherwise QEMU's isa-debug-exit; otherwise a
 * sentence saying it is safe to switch off, and a halt. Each step says what it tries.
 */
__attribute__((noreturn)) void power_off(void);

/*
 * The keyboard controller's reset line, then the FADT's reset register, then a triple fault
 * (an empty IDT and an exception), in that order.
 */
__attribute__((noreturn)) void power_reboot(void);

#endif
