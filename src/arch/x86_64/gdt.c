/* SPDX-License-Identifier: 0BSD */
/*
 * Each CPU's own GDT (kernel and user code and data) and TSS, in its per-CPU area: the TSS's
 * interrupt stack table gives double faults, NMIs and machine checks a known-good stack (a fault
 * on a broken stack then reaches our handler instead of becoming a triple fault), and its RSP0 is
 * the stack user code traps onto. The GS base points at the area (cpu_index()).
 */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <frame64/arch.h>
#include <frame64/kstring.h>

struct __attribute__((packed)) descriptor_pointer {
    uint16_t limit;
    uint64_t base;
};

/* The boot CPU's interrupt stacks until memory is up (then kstack.c's, with guard pages). */
static uint8_t early_ist[3][8192] __attribute__((aligned(16)));

struct arch_cpu arch_cpus[CPU_MAX];
static unsigned online = 1;

/* sysret takes user SS and CS from STAR[63:48] + 8 and + 16: user data must come before code. */
static const uint64_t gdt_template[7] = {
    0,
    0x00AF9A000000FFFF, /* 0x08: kernel code, 64-bit */
    0x00CF92000000FFFF, /* 0x10: kernel data */
    0x00CFF2000000FFFF, /* 0x18: user data (DPL 3) */
    0x00AFFA000000FFFF, /* 0x20: user code, 64-bit (DPL 3) */
    0,                  /* 0x28: TSS (two slots) */
    0,
};

unsigned cpu_index(void)
{
    uint64_t i;
    __asm__ volatile("mov %%gs:24, %0" : "=r"(i));
    return (unsigned)i;
}

unsigned cpu_count(void)
{
    return __atomic_load_n(&online, __ATOMIC_ACQUIRE);
}

void cpu_set_count(unsigned n)
{
    __atomic_store_n(&online, n, __ATOMIC_RELEASE);
}

void gdt_set_kernel_stack(uint64_t top)
{
    arch_cpu_this()->tss.rsp[0] = top; /* where the CPU switches to when user code traps */
}

void gdt_set_ist(unsigned ist, uint64_t top)
{
    arch_cpu_this()->tss.ist[ist - 1] = top; /* read at the next exception through that entry */
}

void gdt_init_cpu(unsigned index)
{
    struct arch_cpu *c = &arch_cpus[index];
    c->self = c;
    c->index = index;
    memcpy(c->gdt, gdt_template, sizeof(c->gdt));
    c->tss.iomap_base = sizeof(c->tss);
    uint64_t base = (uint64_t)&c->tss, limit = sizeof(c->tss) - 1;
    c->gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
                (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    c->gdt[6] = base >> 32;

    struct descriptor_pointer p = {sizeof(c->gdt) - 1, (uint64_t)c->gdt};
    __asm__ volatile("lgdt %0\n\t"
                     "pushq $0x08\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw $0x10, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs\n\t"
                     "movw $0x28, %%ax\n\t"
                     "ltr %%ax"
                     :
                     : "m"(p)
                     : "rax", "memory");
    /* Loading GS zeroed its base: now it points at this CPU's area (swapgs keeps the user's). */
    wrmsr(MSR_GS_BASE, (uint64_t)c);
    wrmsr(MSR_KERNEL_GS_BASE, 0);
}

void gdt_init(void)
{
    for (int i = 0; i < 3; i++)
        arch_cpus[0].tss.ist[i] = (uint64_t)(early_ist[i] + sizeof(early_ist[i]));
    gdt_init_cpu(0);
}
