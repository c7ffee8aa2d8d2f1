/* SPDX-License-Identifier: 0BSD */
/*
 * The local APIC: this CPU's ID, turning it on, and inter-processor interrupts. Registers are
 * reached through an uncached device mapping (xAPIC) or, when the firmware left the APIC in
 * x2APIC mode, through MSRs; every function works in both.
 */
#include <arch/cpu.h>
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

bool lapic_send(uint32_t apic_id, uint32_t icr)
{
    if (x2apic) {
        wrmsr(0x830, ((uint64_t)apic_id << 32) | icr); /* one 64-bit ICR, no pending bit */
        return true;
    }
    wr(REG_ICR_HI, apic_id << 24);
    wr(REG_ICR_LO, icr);
    for (int i = 0; i < 1000000; i++)
        if (!(rd(REG_ICR_LO) & ICR_PENDING))
            return true;
    return false;
}

void lapic_eoi(void)
{
    wr(REG_EOI, 0);
}
