/* SPDX-License-Identifier: 0BSD */
/*
 * Interrupts on (include/frame64/interrupts.h): the kernel's table of ISA lines (the drivers'
 * IRQ_LINE registrations, indexed by IRQ), the I/O APICs of the MADT routing them to the boot
 * CPU as the MADT's overrides say, and the local APIC timer on every CPU counting ticks. The CPU
 * layer hands every interrupt to dispatch() and acknowledges it afterwards.
 *
 * Time is the TSC scaled by its measured rate (a 32.32 fixed-point multiplier: no division in the
 * hot path), with its numbers in vclock_page (<frame64/vclock.h>), which the vDSO maps into every
 * process so programs compute the very same time without a system call; the ticks are per CPU, for
 * what a tick drives (later: preemption). The TSC is only as monotonic across CPUs as the machine
 * keeps them in step (QEMU and invariant-TSC machines do); on each CPU it is monotonic.
 */
#include <frame64/acpi.h>
#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/interrupts.h>
#include <frame64/ioapic.h>
#include <frame64/irq.h>
#include <frame64/kmap.h>
#include <frame64/kprintf.h>
#include <frame64/sched.h>
#include <frame64/smp.h>
#include <frame64/trap.h>
#include <frame64/vclock.h>

#define ISA_IRQS 16

extern const struct irq_line __start_irq_lines[], __stop_irq_lines[];

static const struct irq_line *isa[ISA_IRQS];
static uint64_t isa_count[ISA_IRQS];
static uint64_t ticks[CPU_MAX];
static uint64_t stray[CPU_MAX]; /* interrupts on vectors nobody routed */
static void (*tick_hook)(unsigned cpu);
static unsigned timer_hz;
static uint64_t timer_started[CPU_MAX];
union vclock_page vclock_page __attribute__((aligned(PAGE_SIZE)));

static void dispatch(struct trap_frame *f)
{
    unsigned cpu = cpu_index();
    if (f->vector == ARCH_IRQ_TIMER) {
        __atomic_store_n(&ticks[cpu], ticks[cpu] + 1, __ATOMIC_RELAXED);
        sched_tick(cpu);
        void (*hook)(unsigned) = __atomic_load_n(&tick_hook, __ATOMIC_ACQUIRE);
        if (hook)
            hook(cpu);
        return;
    }
    unsigned irq = (unsigned)(f->vector - ARCH_IRQ_ISA(0));
    if (irq < ISA_IRQS && isa[irq]) {
        __atomic_fetch_add(&isa_count[irq], 1, __ATOMIC_RELAXED);
        isa[irq]->handler();
        return;
    }
    __atomic_fetch_add(&stray[cpu], 1, __ATOMIC_RELAXED);
}

static void tell_lines(bool yes)
{
    for (const struct irq_line *l = __start_irq_lines; l < __stop_irq_lines; l++)
        l->routed(yes);
}

/* The MADT's I/O APICs, mapped and all inputs masked; pins[i] 0 where one could not be mapped. */
static void *ioapic_regs[ACPI_MADT_IOAPICS_MAX];
static unsigned ioapic_pins[ACPI_MADT_IOAPICS_MAX];

static void map_ioapics(const struct acpi_madt *m)
{
    for (unsigned i = 0; i < m->ioapics; i++) {
        ioapic_regs[i] = kmap_device(m->ioapic[i].address, PAGE_SIZE, KMAP_UNCACHED);
        ioapic_pins[i] = ioapic_regs[i] ? ioapic_init(ioapic_regs[i]) : 0;
        kprintf("irq: I/O APIC %u at 0x%x: %u inputs from GSI %u\n", m->ioapic[i].id,
                m->ioapic[i].address, ioapic_pins[i], m->ioapic[i].gsi_base);
    }
}

/* Routes one registered line. Return: NULL, or why it could not be. */
static const char *route(const struct acpi_madt *m, const struct irq_line *l, uint32_t apic_id,
                         struct acpi_isa_route *r)
{
    if (l->isa_irq >= ISA_IRQS)
        return "not an ISA IRQ";
    if (isa[l->isa_irq])
        return "registered twice";
    *r = acpi_madt_isa_route(m, l->isa_irq);
    const struct acpi_ioapic *io = acpi_madt_ioapic_for(m, r->gsi);
    if (!io)
        return "no I/O APIC serves its GSI";
    unsigned i = (unsigned)(io - m->ioapic);
    if (r->gsi - io->gsi_base >= ioapic_pins[i])
        return "its GSI is past its I/O APIC's inputs";
    isa[l->isa_irq] = l;
    ioapic_route(ioapic_regs[i], r->gsi - io->gsi_base, (uint8_t)ARCH_IRQ_ISA(l->isa_irq), apic_id,
                 r->active_low, r->level);
    return NULL;
}

static void route_lines(const struct acpi_madt *m)
{
    uint32_t self = arch_apic_id();
    for (const struct irq_line *l = __start_irq_lines; l < __stop_irq_lines; l++) {
        struct acpi_isa_route r = {0};
        const char *why = route(m, l, self, &r);
        if (why) {
            kprintf("irq: %s's IRQ %u is not routed (%s); it is polled\n", l->name, l->isa_irq,
                    why);
            l->routed(false);
            continue;
        }
        kprintf("irq: %s on IRQ %u (GSI %u, %s, %s)\n", l->name, l->isa_irq, r.gsi,
                r.active_low ? "active low" : "active high", r.level ? "level" : "edge");
        l->routed(true);
    }
}

static void start_timer(void *arg)
{
    (void)arg;
    timer_started[cpu_index()] = arch_timer_start(IRQ_TIMER_HZ);
}

void irq_init(void)
{
    const struct acpi_madt *m;
    const char *why;
    int err = kernel_madt(&m, &why);
    void *lapic = err == K_OK ? kmap_device(m->lapic, PAGE_SIZE, KMAP_UNCACHED) : NULL;
    if (err != K_OK || !arch_interrupts_prepare(lapic)) {
        kprintf(
            "irq: %s%s: no timer, input is polled, interrupts stay off\n",
            err == K_OK ? "no usable local APIC" : "no usable ACPI MADT: ", err == K_OK ? "" : why);
        tell_lines(false);
        return;
    }
    uint64_t hz = arch_tsc_hz();
    struct vclock *vc = &vclock_page.clock;
    vclock_write_begin(vc);
    __atomic_store_n(&vc->mult, (1000000000ull << 32) / hz, __ATOMIC_RELAXED);
    __atomic_store_n(&vc->tsc0, arch_cycles(), __ATOMIC_RELAXED);
    __atomic_store_n(&vc->mode, VCLOCK_TSC, __ATOMIC_RELAXED);
    vclock_write_end(vc);
    arch_irq_set_handler(dispatch);
    map_ioapics(m);
    route_lines(m);
    smp_run_all(start_timer, NULL);
    unsigned n = cpu_count(), running = 0;
    for (unsigned c = 0; c < n; c++)
        running += timer_started[c] != 0;
    if (running == n)
        timer_hz = IRQ_TIMER_HZ;
    kprintf("irq: timer %u Hz on %u of %u CPUs (%llu APIC counts a tick), TSC %llu MHz\n",
            IRQ_TIMER_HZ, running, n, (unsigned long long)timer_started[0],
            (unsigned long long)(hz / 1000000));
    arch_irq_enable();
}

unsigned irq_timer_hz(void)
{
    return timer_hz;
}

uint64_t irq_ticks(unsigned cpu)
{
    return cpu < CPU_MAX ? __atomic_load_n(&ticks[cpu], __ATOMIC_RELAXED) : 0;
}

uint64_t time_ns(void)
{
    return vclock_mono_ns(&vclock_page.clock, arch_cycles());
}

void irq_set_tick_hook(void (*fn)(unsigned cpu))
{
    __atomic_store_n(&tick_hook, fn, __ATOMIC_RELEASE);
}

const char *irq_line_name(unsigned irq)
{
    return irq < ISA_IRQS && isa[irq] ? isa[irq]->name : NULL;
}

uint64_t irq_stray_count(unsigned cpu)
{
    return cpu < CPU_MAX ? __atomic_load_n(&stray[cpu], __ATOMIC_RELAXED) : 0;
}

uint64_t irq_line_count(unsigned irq)
{
    return irq < ISA_IRQS ? __atomic_load_n(&isa_count[irq], __ATOMIC_RELAXED) : 0;
}
