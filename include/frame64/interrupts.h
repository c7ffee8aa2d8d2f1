/* SPDX-License-Identifier: 0BSD */
/*
 * Interrupts on (src/kernel/irq.c): the local APIC timer on every CPU, the ISA lines drivers
 * registered (IRQ_LINE, frame64/irq.h) routed through the I/O APIC, and the time they keep.
 * docs/interrupts.md says which kernel paths still run with interrupts off, and why.
 */
#ifndef FRAME64_INTERRUPTS_H
#define FRAME64_INTERRUPTS_H

#include <frame64/cpu.h>
#include <frame64/types.h>

#define IRQ_TIMER_HZ 100 /* timer interrupts a second on each CPU */

/*
 * After smp_init(): reads the MADT, turns on the local APIC, measures its timer against the PIT,
 * routes every registered ISA line to the boot CPU (telling each driver whether its line is
 * routed), starts the timer on every online CPU, prints "irq: ..." lines and turns interrupts
 * on. Without a MADT or a local APIC it says so: no timer, input polled, interrupts stay off.
 */
void irq_init(void);

/* IRQ_TIMER_HZ once every CPU's timer runs, else 0 (and then nothing may wait for a tick). */
unsigned irq_timer_hz(void);

/* Timer interrupts CPU cpu has taken. */
uint64_t irq_ticks(unsigned cpu);

/* Nanoseconds since irq_init(), from the TSC (0 before); monotonic on each CPU. */
uint64_t time_ns(void);
/* time_ns()'s and wallclock_ns()'s numbers (<frame64/vclock.h>), in a page of their own. */
extern union vclock_page vclock_page;

/*
 * Reads the CMOS real-time clock (src/kernel/wallclock.c), after irq_init(), and prints a "clock:"
 * line. wallclock_ns(): nanoseconds since 1970-01-01 UTC, the clock at boot carried forward by
 * time_ns() (counting from 1970 if the clock could not be read).
 */
void wallclock_init(void);
uint64_t wallclock_ns(void);

/*
 * Runs fn(cpu) in every timer interrupt, on every CPU, interrupts off (NULL: none). For tests
 * that need work done in interrupt context; one at a time.
 */
void irq_set_tick_hook(void (*fn)(unsigned cpu));

/*
 * ISA line irq: the driver that registered it (NULL if none, or not routed) and how many
 * interrupts it delivered.
 */
const char *irq_line_name(unsigned irq);
uint64_t irq_line_count(unsigned irq);
/* Interrupts CPU cpu took on a vector nothing was routed to. */
uint64_t irq_stray_count(unsigned cpu);

#endif
