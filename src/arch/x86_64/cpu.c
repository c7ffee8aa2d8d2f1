/* SPDX-License-Identifier: 0BSD */
/* CPU identification and the few machine-level services the portable kernel needs. */
#include <arch/cpu.h>
#include <frame64/arch.h>
#include <frame64/kstring.h>

void arch_cpu_info(struct cpu_info *out)
{
    uint32_t a, b, c, d;
    memset(out, 0, sizeof(*out));
    cpuid(0, 0, &a, &b, &c, &d);
    memcpy(out->vendor + 0, &b, 4);
    memcpy(out->vendor + 4, &d, 4);
    memcpy(out->vendor + 8, &c, 4);
    uint32_t max_std = a;
    if (max_std >= 1) {
        cpuid(1, 0, &a, &b, &c, &d);
        out->pge = (d >> 13) & 1;
        out->rdrand = (c >> 30) & 1;
        if ((c >> 31) & 1) {
            cpuid(0x40000000, 0, &a, &b, &c, &d);
            memcpy(out->hypervisor + 0, &b, 4);
            memcpy(out->hypervisor + 4, &c, 4);
            memcpy(out->hypervisor + 8, &d, 4);
        }
    }
    if (max_std >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        out->smep = (b >> 7) & 1;
        out->smap = (b >> 20) & 1;
        out->rdseed = (b >> 18) & 1;
    }
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    uint32_t max_ext = a;
    out->phys_bits = 36; /* the architectural default when leaf 0x80000008 is missing */
    out->virt_bits = 48;
    if (max_ext >= 0x80000001) {
        cpuid(0x80000001, 0, &a, &b, &c, &d);
        out->nx = (d >> 20) & 1;
        out->huge_1g = (d >> 26) & 1;
    }
    if (max_ext >= 0x80000004) {
        uint32_t *brand = (uint32_t *)out->brand;
        for (uint32_t leaf = 0; leaf < 3; leaf++)
            cpuid(0x80000002 + leaf, 0, &brand[leaf * 4], &brand[leaf * 4 + 1],
                  &brand[leaf * 4 + 2], &brand[leaf * 4 + 3]);
    }
    if (max_ext >= 0x80000008) {
        cpuid(0x80000008, 0, &a, &b, &c, &d);
        out->phys_bits = a & 0xFF;
        out->virt_bits = (a >> 8) & 0xFF;
    }
}

phys_addr_t arch_page_table_root(void)
{
    return read_cr3() & 0x000FFFFFFFFFF000ull; /* bits 12..51; the low bits are PCID/PWT/PCD */
}

void arch_flush_page(uint64_t va)
{
    invlpg(va);
}

void arch_flush_tlb_all(void)
{
    write_cr3(read_cr3());
}

void arch_flush_tlb_global(void)
{
    uint64_t cr4 = read_cr4();
    if (cr4 & CR4_PGE) {
        write_cr4(cr4 & ~CR4_PGE);
        write_cr4(cr4);
    } else {
        write_cr3(read_cr3());
    }
}

void arch_load_page_tables(phys_addr_t pml4)
{
    write_cr3(pml4);
}

uint64_t arch_fault_address(void)
{
    return read_cr2();
}

/*
 * PAT entries, PA0 in the low byte: WB, WC, UC-, UC, WB, WP, UC-, WT (Linux's choice). Of the four
 * entries a PTE without the PAT bit selects, only PA1 (PWT alone) changes meaning, from WT to WC;
 * the kernel sets the PAT bit nowhere, and PWT|PCD stays uncached.
 */
#define MSR_PAT   0x277
#define PAT_LINUX 0x0407050600070106ull

static bool pat;

void arch_pat_init(void)
{
    uint32_t a, b, c, d;
    cpuid(1, 0, &a, &b, &c, &d);
    if (!((d >> 16) & 1))
        return;
    wrmsr(MSR_PAT, PAT_LINUX);
    pat = true;
}

bool arch_has_write_combining(void)
{
    return pat;
}

void arch_enable_global_pages(void)
{
    write_cr4(read_cr4() | CR4_PGE);
}

uint64_t arch_cycles(void)
{
    return rdtsc();
}

bool arch_long_mode_active(void)
{
    return (rdmsr(MSR_EFER) & EFER_LMA) != 0;
}

void arch_poweroff(unsigned status)
{
    /* QEMU's isa-debug-exit (iobase 0xf4): exits with (status << 1) | 1. Elsewhere a no-op. */
    outb(0xF4, (uint8_t)status);
    cpu_halt_forever();
}

void arch_halt(void)
{
    cpu_halt_forever();
}

void arch_breakpoint(void)
{
    __asm__ volatile(".byte 0xcd, 0x03"
                     :
                     :
                     : "memory"); /* int $3, spelled out: assemblers shorten it to int3 */
}

#define RANDOM_TRIES 10 /* Intel's advice for RDRAND; RDSEED may need more, then RDRAND serves */

static bool rdseed(uint64_t *out)
{
    uint8_t ok;
    __asm__ volatile("rdseed %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
    return ok;
}

static bool rdrand(uint64_t *out)
{
    uint8_t ok;
    __asm__ volatile("rdrand %0; setc %1" : "=r"(*out), "=qm"(ok) : : "cc");
    return ok;
}

bool arch_random_u64(const struct cpu_info *info, uint64_t *out)
{
    for (int i = 0; info->rdseed && i < RANDOM_TRIES; i++)
        if (rdseed(out))
            return true;
    for (int i = 0; info->rdrand && i < RANDOM_TRIES; i++)
        if (rdrand(out))
            return true;
    return false;
}
