/* SPDX-License-Identifier: 0BSD */
/*
 * The I/O APIC driver (src/dev/ioapic.c): the chipset's interrupt router, a device the kernel
 * maps (kmap_device(), uncached) and hands over, as it does every device's registers. Its
 * inputs are global system interrupts from the I/O APIC's base (the MADT's) up; each has a
 * redirection entry saying which vector, which CPU, and how the line signals.
 */
#ifndef FRAME64_IOAPIC_H
#define FRAME64_IOAPIC_H

#include <frame64/types.h>

/* Masks every input of the I/O APIC at regs. Return: how many inputs it has (1-240). */
unsigned ioapic_init(volatile void *regs);

/*
 * Delivers input pin of the I/O APIC at regs as vector to the CPU with local APIC ID apic_id
 * (fixed delivery, physical destination), active low or high, level- or edge-triggered, unmasked.
 */
void ioapic_route(volatile void *regs, unsigned pin, uint8_t vector, uint32_t apic_id,
                  bool active_low, bool level);

#endif
