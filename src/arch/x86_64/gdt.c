/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's own GDT (64-bit code and data) and a TSS whose interrupt stack table gives
 * double faults, NMIs and machine checks a known-good stack: a fault on a broken stack then
 * reaches our handler instead of becoming a triple fault.
 */
#include <frame64/arch.h>

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __attribute__((packed)) descriptor_pointer {
    uint16_t limit;
    uint64_t base;
};

static uint8_t ist_stacks[3][8192] __attribute__((aligned(16)));
static struct tss tss;
/* sysret takes user SS and CS from STAR[63:48] + 8 and + 16: user data must come before code. */
static uint64_t gdt[7] = {
    0,
    0x00AF9A000000FFFF, /* 0x08: kernel code, 64-bit */
    0x00CF92000000FFFF, /* 0x10: kernel data */
    0x00CFF2000000FFFF, /* 0x18: user data (DPL 3) */
    0x00AFFA000000FFFF, /* 0x20: user code, 64-bit (DPL 3) */
    0,                  /* 0x28: TSS (two slots) */
    0,
};

void gdt_set_kernel_stack(uint64_t top)
{
    tss.rsp[0] = top; /* where the CPU switches to when user code traps */
}

void gdt_set_ist(unsigned ist, uint64_t top)
{
    tss.ist[ist - 1] = top; /* the CPU reads it at the next exception through that entry */
}

void gdt_init(void)
{
    for (int i = 0; i < 3; i++)
        tss.ist[i] = (uint64_t)(ist_stacks[i] + sizeof(ist_stacks[i]));
    tss.iomap_base = sizeof(tss);
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[6] = base >> 32;

    struct descriptor_pointer p = {sizeof(gdt) - 1, (uint64_t)gdt};
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
}
