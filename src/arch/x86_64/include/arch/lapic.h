/* SPDX-License-Identifier: 0BSD */
/* The local APIC (src/arch/x86_64/lapic.c), for smp.c. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <frame64/types.h>

/* Inter-processor interrupt commands (ICR low word). */
#define ICR_INIT       0x00004500u /* INIT, level assert */
#define ICR_INIT_DEASS 0x00008500u /* INIT, level de-assert (old CPUs want it) */
#define ICR_STARTUP    0x00004600u /* SIPI: | the start page's number */
#define ICR_NMI        0x00004400u /* NMI */
#define ICR_FIXED      0x00004000u /* an ordinary interrupt: | the vector */

/*
 * Enables this CPU's APIC, through the registers the kernel mapped at regs (unless the firmware
 * chose x2APIC, whose registers are MSRs). Return: false if it needs regs and has none.
 */
bool lapic_init(volatile void *regs);
/* Enables this CPU's APIC (software enable, spurious vector). */
void lapic_enable(void);
/* This CPU's APIC ID. */
uint32_t lapic_id(void);
/* Sends icr to the CPU with apic_id. Return: false if the APIC never took it. */
bool lapic_send(uint32_t apic_id, uint32_t icr);
void lapic_eoi(void);
/* Whether lapic_init() found registers to use (x2APIC, or the mapping it was given). */
bool lapic_ready(void);
/* Starts the timer counting down from 2^32 - 1 at bus clock / 16, its interrupt masked. */
void lapic_timer_count_down(void);
/* The timer's current count. */
uint32_t lapic_timer_current(void);
/* Makes the timer interrupt with vector every count ticks (bus clock / 16), for good. */
void lapic_timer_periodic(uint8_t vector, uint32_t count);

/*
 * Measures the TSC and (once lapic_init() succeeded) the APIC timer against the PIT, the first
 * time it is called with each (clock.c).
 */
void clock_calibrate(void);

#endif
