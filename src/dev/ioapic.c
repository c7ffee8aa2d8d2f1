/* SPDX-License-Identifier: 0BSD */
/*
 * The I/O APIC (Intel 82093AA and what chipsets copy of it): two registers, a select at offset 0
 * and a window at 0x10, through which the version register (1: the number of inputs) and the
 * redirection entries (0x10 + 2 * pin, low then high word) are read and written. The kernel
 * uses it only while it routes lines at boot, on one CPU, so the select-then-window pair needs
 * no lock. A redirection entry is masked while it is rewritten, so a half-written one never
 * delivers.
 */
#include <frame64/ioapic.h>

#define REG_SELECT   0x00
#define REG_WINDOW   0x10
#define REG_VERSION  0x01
#define REG_REDIR    0x10
#define ENTRY_MASKED (1u << 16)
#define ENTRY_LEVEL  (1u << 15)
#define ENTRY_LOW    (1u << 13)

static uint32_t rd(volatile void *regs, uint32_t reg)
{
    volatile uint32_t *r = regs;
    r[REG_SELECT / 4] = reg;
    return r[REG_WINDOW / 4];
}

static void wr(volatile void *regs, uint32_t reg, uint32_t v)
{
    volatile uint32_t *r = regs;
    r[REG_SELECT / 4] = reg;
    r[REG_WINDOW / 4] = v;
}

unsigned ioapic_init(volatile void *regs)
{
    unsigned pins = ((rd(regs, REG_VERSION) >> 16) & 0xFF) + 1;
    for (unsigned p = 0; p < pins; p++) {
        wr(regs, REG_REDIR + 2 * p, ENTRY_MASKED);
        wr(regs, REG_REDIR + 2 * p + 1, 0);
    }
    return pins;
}

void ioapic_route(volatile void *regs, unsigned pin, uint8_t vector, uint32_t apic_id,
                  bool active_low, bool level)
{
    uint32_t lo = vector | (active_low ? ENTRY_LOW : 0) | (level ? ENTRY_LEVEL : 0);
    wr(regs, REG_REDIR + 2 * pin, ENTRY_MASKED);
    wr(regs, REG_REDIR + 2 * pin + 1, apic_id << 24);
    wr(regs, REG_REDIR + 2 * pin, lo);
}
