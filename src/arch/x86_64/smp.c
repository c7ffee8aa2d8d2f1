/* SPDX-License-Identifier: 0BSD */
/*
 * The x86_64 half of starting the other CPUs (the policy is src/kernel/smp.c): the start page (the
 * trampoline of boot/trampoline.asm, copied below 1 MiB and patched), INIT-SIPI-SIPI with the
 * documented delays (10 ms after INIT, 200 us after each SIPI), a bounded wait for the new CPU
 * to check in, and what a new CPU does to itself before it joins (its GDT, TSS and GS base, the
 * IDT, CR4, PAT and system-call MSRs, its local APIC). Delays use the time-stamp counter,
 * calibrated once against the PIT (clock.c); a wake-up IPI gets a halted CPU to look for work.
 */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <frame64/arch.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>

extern const uint8_t trampoline_start[], trampoline_end[];
extern const uint8_t tr_gdtr[], tr_farptr[], tr_cr3[], tr_efer[], tr_stack[], tr_entry[], tr_cpu[];

void smp_ap_main(unsigned index); /* src/kernel/smp.c */
void idt_load(void);              /* idt.c */

void smp_arch_entry(unsigned index);

static phys_addr_t start_page;
static uint64_t boot_cr4;
static volatile unsigned checked_in; /* the index of the last CPU that reached ap_entry() */

/* Where a trampoline symbol lands in the start page. */
static uint8_t *at(const uint8_t *sym)
{
    /* As integers: the symbols bound one object the linker made, not two C objects. */
    return (uint8_t *)phys_to_virt(start_page) + ((uintptr_t)sym - (uintptr_t)trampoline_start);
}

bool arch_smp_prepare(phys_addr_t page, phys_addr_t pml4, volatile void *lapic_regs)
{
    if (!lapic_init(lapic_regs))
        return false;
    boot_cr4 = read_cr4();
    clock_calibrate();
    start_page = page;
    size_t len = (size_t)((uintptr_t)trampoline_end - (uintptr_t)trampoline_start);
    memcpy(phys_to_virt(page), trampoline_start, len);
    uint32_t gdt_at, far_at;
    memcpy(&gdt_at, at(tr_gdtr) + 2, 4);
    memcpy(&far_at, at(tr_farptr), 4);
    gdt_at += (uint32_t)page;
    far_at += (uint32_t)page;
    memcpy(at(tr_gdtr) + 2, &gdt_at, 4);
    memcpy(at(tr_farptr), &far_at, 4);
    uint64_t cr3 = pml4, efer = (1u << 8) | ((rdmsr(MSR_EFER) >> 11 & 1) << 11); /* LME, NXE */
    memcpy(at(tr_cr3), &cr3, 8);
    memcpy(at(tr_efer), &efer, 8);
    uint64_t entry = (uint64_t)smp_arch_entry;
    memcpy(at(tr_entry), &entry, 8);
    return true;
}

uint32_t arch_apic_id(void)
{
    return lapic_id();
}

bool arch_start_cpu(unsigned index, uint32_t apic_id, uint64_t stack_top, const uint64_t ist[3])
{
    struct arch_cpu *c = &arch_cpus[index];
    for (int i = 0; i < 3; i++)
        c->tss.ist[i] = ist[i];
    c->apic_id = apic_id;
    uint64_t cpu = index;
    memcpy(at(tr_stack), &stack_top, 8);
    memcpy(at(tr_cpu), &cpu, 8);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32_t vector = (uint32_t)(start_page >> PAGE_SHIFT);
    lapic_send(apic_id, ICR_INIT);
    arch_delay_us(10000);
    lapic_send(apic_id, ICR_INIT_DEASS);
    for (int sipi = 0; sipi < 2; sipi++) {
        lapic_send(apic_id, ICR_STARTUP | vector);
        arch_delay_us(200);
        if (__atomic_load_n(&checked_in, __ATOMIC_ACQUIRE) == index)
            return true;
    }
    for (int ms = 0; ms < 500; ms++) { /* emulators can be slow to start a CPU */
        if (__atomic_load_n(&checked_in, __ATOMIC_ACQUIRE) == index)
            return true;
        arch_delay_us(1000);
    }
    return false;
}

void arch_send_nmi(unsigned index)
{
    lapic_send(arch_cpus[index].apic_id, ICR_NMI);
}

void arch_send_wake(unsigned index)
{
    lapic_send(arch_cpus[index].apic_id, ICR_FIXED | ARCH_IRQ_WAKE);
}

/* Where the trampoline jumps, on the CPU's own kernel stack, interrupts off. */
void smp_arch_entry(unsigned index)
{
    gdt_init_cpu(index);
    idt_load();
    /* The boot CPU's CR4 says what this one needs: global pages (SMEP, SMAP, SSE: usermode). */
    write_cr4(read_cr4() | (boot_cr4 & CR4_PGE));
    arch_pat_init();
    lapic_enable();
    __atomic_store_n(&checked_in, index, __ATOMIC_RELEASE);
    smp_ap_main(index);
    cpu_halt_forever();
}
