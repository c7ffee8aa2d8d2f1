/* SPDX-License-Identifier: 0BSD */
/*
 * The clocks: the time-stamp counter and the local APIC timer, both measured once against 50 ms
 * of PIT channel 2 (1.193182 MHz, the one clock every PC has at a known rate), counted in one
 * shot with the speaker off. Delays spin on the TSC; the timer interrupts every CPU at a rate
 * from the same measurement (every CPU's APIC timer runs from the same bus clock).
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <frame64/arch.h>

#define PIT_HZ        1193182u
#define WINDOW_COUNT  59659u /* 50 ms of PIT ticks */
#define WINDOWS_PER_S 20u

static uint64_t tsc_per_us, tsc_hz, lapic_hz;

void clock_calibrate(void)
{
    bool lapic = lapic_ready();
    if (tsc_hz && (lapic_hz || !lapic))
        return; /* measured already (the first CPU start, or the interrupt set-up) */
    outb(0x61, (uint8_t)((inb(0x61) & ~0x02) | 0x01)); /* gate on, speaker off */
    outb(0x43, 0xB0);                                  /* channel 2, lo/hi, mode 0 */
    outb(0x42, WINDOW_COUNT & 0xFF);
    outb(0x42, WINDOW_COUNT >> 8);
    if (lapic)
        lapic_timer_count_down();
    uint32_t l0 = lapic ? lapic_timer_current() : 0;
    uint64_t t0 = rdtsc();
    for (uint64_t i = 0; i < 100000000 && !(inb(0x61) & 0x20); i++)
        cpu_relax();
    uint64_t t = rdtsc() - t0;
    uint32_t l = lapic ? l0 - lapic_timer_current() : 0;
    tsc_hz = t * WINDOWS_PER_S;
    tsc_per_us = tsc_hz / 1000000 ? tsc_hz / 1000000 : 1000; /* a broken PIT: assume 1 GHz */
    if (tsc_hz < 1000000)
        tsc_hz = 1000000000;
    lapic_hz = (uint64_t)l * WINDOWS_PER_S;
}

void arch_delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_per_us;
    while (rdtsc() < end)
        cpu_relax();
}

uint64_t arch_tsc_hz(void)
{
    return tsc_hz;
}

uint64_t arch_timer_start(unsigned hz)
{
    if (!lapic_ready() || !hz || lapic_hz / hz == 0 || lapic_hz / hz > 0xFFFFFFFFu)
        return 0;
    uint64_t count = lapic_hz / hz;
    lapic_timer_periodic(ARCH_IRQ_TIMER, (uint32_t)count);
    return count;
}

uint64_t arch_timer_hz(void)
{
    return lapic_hz;
}
