/* SPDX-License-Identifier: 0BSD */
/*
 * The local APIC: this CPU's ID, turning it on, inter-processor interrupts, end of interrupt and
 * its timer (counting down from an initial count at the bus clock / 16). Registers are
 * reached through an uncached device mapping (xAPIC) or, when the firmware left the APIC in
 * x2APIC mode, through MSRs; every function works in both.
 */
#include <arch/cpu.h>
#include <arch/cpu_local.h>
#include <arch/lapic.h>
#include <frame64/kprintf.h>

#define MSR_APIC_BASE   0x1B
#define APIC_BASE_EN    (1u << 11)
#define APIC_BASE_X2    (1u << 10)
#define REG_ID          0x20
#define REG_EOI         0xB0
#define REG_SVR         0xF0
#define REG_ICR_LO      0x300
#define REG_ICR_HI      0x310
#define SVR_ENABLE      (1u << 8)
#define SPURIOUS_VECTOR 0xFF
#define ICR_PENDING     (1u << 12)
#define REG_LVT_TIMER   0x320
#define REG_TIMER_INIT  0x380
#define REG_TIMER_CUR   0x390
#define REG_TIMER_DIV   0x3E0
#define LVT_MASKED      (1u << 16)
#define LVT_PERIODIC    (1u << 17)
#define TIMER_DIV_16    0x3

static volatile uint32_t *mmio;
static bool x2apic;

static uint32_t rd(uint32_t reg)
{
    return x2apic ? (uint32_t)rdmsr(0x800 + (reg >> 4)) : mmio[reg / 4];
}

static void wr(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(0x800 + (reg >> 4), v);
    else
        mmio[reg / 4] = v;
}

bool lapic_init(volatile void *regs)
{
    uint64_t msr = rdmsr(MSR_APIC_BASE);
    x2apic = msr & APIC_BASE_X2;
    if (!x2apic && !mmio) {
        if (!regs)
            return false;
        mmio = (volatile uint32_t *)regs;
    }
    lapic_enable();
    return true;
}

void lapic_enable(void)
{
    uint64_t msr = rdmsr(MSR_APIC_BASE);
    if (!(msr & APIC_BASE_EN))
        wrmsr(MSR_APIC_BASE, msr | APIC_BASE_EN);
    wr(REG_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
}

uint32_t lapic_id(void)
{
    return x2apic ? rd(REG_ID) : rd(REG_ID) >> 24;
}

/*
 * With interrupts off: an interrupt handler that sends an IPI of its own (a frame collector's
 * NMI kick) between the two ICR writes would send ours to its target.
 */
bool lapic_send(uint32_t apic_id, uint32_t icr)
{
    uint64_t irq = arch_irq_save();
    bool sent = false;
    if (x2apic) {
        wrmsr(0x830, ((uint64_t)apic_id << 32) | icr); /* one 64-bit ICR, no pending bit */
        sent = true;
    } else {
        wr(REG_ICR_HI, apic_id << 24);
        wr(REG_ICR_LO, icr);
        for (int i = 0; i < 1000000 && !sent; i++)
            sent = !(rd(REG_ICR_LO) & ICR_PENDING);
    }
    arch_irq_restore(irq);
    return sent;
}

void lapic_eoi(void)
{
    wr(REG_EOI, 0);
}

bool lapic_ready(void)
{
    return x2apic || mmio;
}

void lapic_timer_count_down(void)
{
    wr(REG_TIMER_DIV, TIMER_DIV_16);
    wr(REG_LVT_TIMER, LVT_MASKED);
    wr(REG_TIMER_INIT, 0xFFFFFFFFu);
}

uint32_t lapic_timer_current(void)
{
    return rd(REG_TIMER_CUR);
}

void lapic_timer_periodic(uint8_t vector, uint32_t count)
{
    wr(REG_TIMER_DIV, TIMER_DIV_16);
    wr(REG_LVT_TIMER, LVT_PERIODIC | vector);
    wr(REG_TIMER_INIT, count);
}
