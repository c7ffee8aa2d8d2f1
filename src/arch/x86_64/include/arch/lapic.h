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

#endif
