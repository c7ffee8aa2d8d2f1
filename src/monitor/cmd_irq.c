/* SPDX-License-Identifier: 0BSD */
/* Monitor command about time and interrupts: uptime (ticks per CPU, interrupts per ISA line). */
#include <frame64/cpu.h>
#include <frame64/interrupts.h>
#include <frame64/kprintf.h>
#include <frame64/monitor.h>

_Static_assert(IRQ_TIMER_HZ == 100, "uptime's help says 100 times a second");

MONITOR_COMMAND(uptime, "uptime", 0, 0, "time since interrupts came on, ticks per CPU, IRQs",
                "The time is the TSC's, measured against the PIT at boot; each CPU's local APIC\n"
                "timer ticks 100 times a second. Then the ISA lines the drivers registered and\n"
                "how many interrupts each delivered (docs/interrupts.md).")
{
    (void)argc, (void)argv;
    uint64_t ns = time_ns();
    kprintf("uptime: %llu.%03llu s\n", (unsigned long long)(ns / 1000000000),
            (unsigned long long)(ns / 1000000 % 1000));
    if (!irq_timer_hz()) {
        kprintf("uptime: no timer runs (no local APIC or MADT): nothing ticks\n");
        return;
    }
    for (unsigned c = 0; c < cpu_count(); c++)
        kprintf("uptime: CPU %u: %llu ticks at %u Hz, %llu stray interrupts\n", c,
                (unsigned long long)irq_ticks(c), irq_timer_hz(),
                (unsigned long long)irq_stray_count(c));
    for (unsigned irq = 0; irq < 16; irq++)
        if (irq_line_name(irq))
            kprintf("uptime: IRQ %u (%s): %llu interrupts\n", irq, irq_line_name(irq),
                    (unsigned long long)irq_line_count(irq));
}
