/* SPDX-License-Identifier: 0BSD */
/*
 * What a driver registers to be told about its ISA interrupt line: IRQ_LINE(id, name, irq,
 * handler, routed). The kernel (src/kernel/irq.c) routes every registered line through the I/O
 * APIC the MADT names, honouring its overrides, to the boot CPU, and then calls routed(true);
 * routed(false) when the line cannot reach a CPU (no I/O APIC, no local APIC), and then the
 * driver polls its device instead. handler() runs in the interrupt, with interrupts off, on the
 * boot CPU; it must serve everything the device has pending (the ISA lines are edge-triggered:
 * what is left unserved raises no new edge) and take no lock a thread holds with interrupts on
 * (an irqlock, which turns them off, is fine).
 */
#ifndef FRAME64_IRQ_H
#define FRAME64_IRQ_H

#include <frame64/types.h>

struct irq_line {
    const char *name; /* for the kernel's "irq: ..." line */
    uint8_t isa_irq;  /* 0-15 */
    void (*handler)(void);
    void (*routed)(bool yes);
};
#define IRQ_LINE(id, label, irq, handler_fn, routed_fn)                                            \
    static const struct irq_line irq_line_##id                                                     \
        __attribute__((used, section("irq_lines"), aligned(8))) = {label, irq, handler_fn,         \
                                                                   routed_fn}

#endif
