/* SPDX-License-Identifier: 0BSD */
/*
 * Interrupts (as opposed to exceptions): the vectors boot/isr.asm has stubs for arrive here from
 * exception_dispatch() with interrupts off. The kernel's dispatcher (arch_irq_set_handler())
 * handles the timer and the ISA lines; the wake-up IPI only ends a hlt; the APIC's spurious
 * vector is not a real interrupt and gets no end-of-interrupt. Every other one is acknowledged to
 * the local APIC after its handler, so a level-triggered line is not raised again before its
 * device was served.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <frame64/arch.h>
#include <frame64/kprintf.h>
#include <frame64/trap.h>

static void (*handler)(struct trap_frame *f);
static void (*exit_hook)(struct trap_frame *f);

void arch_irq_set_handler(void (*fn)(struct trap_frame *f))
{
    handler = fn;
}

bool arch_interrupts_prepare(volatile void *lapic_regs)
{
    if (!lapic_init(lapic_regs))
        return false;
    clock_calibrate();
    return true;
}

void arch_irq_set_exit_hook(void (*fn)(struct trap_frame *f))
{
    exit_hook = fn;
}

/*
 * The end of interrupt goes before the exit hook: a hook that switches to another thread must not
 * leave this vector in service, which would hold back every interrupt of its priority (the
 * timer's) until the preempted thread runs again.
 */
void arch_irq_dispatch(struct trap_frame *f)
{
    if (f->vector == ARCH_IRQ_SPURIOUS)
        return;
    if (f->vector != ARCH_IRQ_WAKE && handler)
        handler(f);
    lapic_eoi();
    if (exit_hook)
        exit_hook(f);
}

void arch_irq_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

void arch_irq_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

bool arch_irq_enabled(void)
{
    return read_rflags() & (1u << 9);
}

/*
 * sti takes effect after the next instruction, so no interrupt can be taken between the two:
 * one that became pending after the caller looked (with interrupts off) ends this hlt.
 */
void arch_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt" : : : "memory");
}
