/* SPDX-License-Identifier: 0BSD */
/*
 * The 64-bit IDT: all 32 CPU exceptions go to boot/isr.asm's stubs and on to
 * exception_dispatch(). A breakpoint that a test asked for is counted and resumed; a vector with
 * a kernel policy (trap_set_handler(), src/fault.c) goes there first; anything else is fatal:
 * print the frame, halt. Double faults, NMIs and machine checks run on their own
 * stacks (gdt.c) so a bad stack pointer cannot turn them into a triple fault.
 */
#include <arch/cpu.h>
#include <frame64/arch.h>
#include <frame64/cpu.h>
#include <frame64/console.h>
#include <frame64/kprintf.h>
#include <frame64/trap.h>

struct __attribute__((packed)) idt_entry {
    uint16_t offset_lo;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_hi;
    uint32_t zero;
};

extern const uint64_t isr_stub_table[32];
static struct idt_entry idt[256];

static const char *const names[32] = {
    "#DE divide error",
    "#DB debug",
    "NMI",
    "#BP breakpoint",
    "#OF overflow",
    "#BR bound range exceeded",
    "#UD invalid opcode",
    "#NM device not available",
    "#DF double fault",
    "coprocessor segment overrun",
    "#TS invalid TSS",
    "#NP segment not present",
    "#SS stack-segment fault",
    "#GP general protection fault",
    "#PF page fault",
    "reserved (15)",
    "#MF x87 floating-point error",
    "#AC alignment check",
    "#MC machine check",
    "#XM SIMD floating-point error",
    "#VE virtualization exception",
    "#CP control protection",
    "reserved (22)",
    "reserved (23)",
    "reserved (24)",
    "reserved (25)",
    "reserved (26)",
    "reserved (27)",
    "#HV hypervisor injection",
    "#VC VMM communication",
    "#SX security exception",
    "reserved (31)",
};

static trap_handler_fn handlers[32];
static void (*on_fatal)(void);
static bool expect_bp;
static uint64_t bp_caught;

void idt_load(void);

void idt_init(void)
{
    for (int v = 0; v < 32; v++) {
        uint64_t h = isr_stub_table[v];
        idt[v] = (struct idt_entry){
            .offset_lo = h & 0xFFFF,
            .selector = 0x08,
            .ist = v == 8    ? 1
                   : v == 2  ? 2
                   : v == 18 ? 3
                             : 0,
            .type_attr = 0x8E, /* present, ring 0, interrupt gate */
            .offset_mid = (h >> 16) & 0xFFFF,
            .offset_hi = (uint32_t)(h >> 32),
        };
    }
    idt_load();
}

/* Loads the IDT idt_init() built (every CPU uses the same one). */
void idt_load(void)
{
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } p = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(p));
}

void trap_set_fatal(void (*fn)(void))
{
    on_fatal = fn;
}

void trap_set_handler(unsigned vector, trap_handler_fn fn)
{
    if (vector < ARRAY_SIZE(handlers))
        handlers[vector] = fn;
}

/* arch_probe_read()'s load and its failure exit (boot/isr.asm). */
extern const char arch_probe_load[], arch_probe_fail[];

bool trap_fixup(struct trap_frame *f)
{
    if (f->rip != (uint64_t)arch_probe_load)
        return false;
    f->rip = (uint64_t)arch_probe_fail;
    return true;
}

void trap_expect_breakpoint(bool on)
{
    expect_bp = on;
}

uint64_t trap_breakpoints_caught(void)
{
    return bp_caught;
}

void trap_dump(const struct trap_frame *f)
{
    if (f->vector < 32)
        kprintf("EXCEPTION %llu: %s, error code 0x%llx\n", (unsigned long long)f->vector,
                names[f->vector], (unsigned long long)f->error);
    kprintf("  RIP %p  RSP %p  RFLAGS %08llx  CS %02llx  SS %02llx\n", (void *)f->rip,
            (void *)f->rsp, (unsigned long long)f->rflags, (unsigned long long)f->cs,
            (unsigned long long)f->ss);
    if (f->vector == 14)
        kprintf("  CR2 %p (%s, %s, %s)\n", (void *)read_cr2(),
                f->error & 1 ? "protection violation" : "not present",
                f->error & 2 ? "write" : "read", f->error & 16 ? "instruction fetch" : "data");
    kprintf("  RAX %p  RBX %p  RCX %p  RDX %p\n", (void *)f->rax, (void *)f->rbx, (void *)f->rcx,
            (void *)f->rdx);
    kprintf("  RSI %p  RDI %p  RBP %p  R8  %p\n", (void *)f->rsi, (void *)f->rdi, (void *)f->rbp,
            (void *)f->r8);
    kprintf("  R9  %p  R10 %p  R11 %p  R12 %p\n", (void *)f->r9, (void *)f->r10, (void *)f->r11,
            (void *)f->r12);
    kprintf("  R13 %p  R14 %p  R15 %p  CR3 %p\n", (void *)f->r13, (void *)f->r14, (void *)f->r15,
            (void *)read_cr3());
    kprintf("  on CPU %u of %u\n", cpu_index(), cpu_count());
}

void exception_dispatch(struct trap_frame *f)
{
    if (f->vector == 3 && expect_bp) {
        bp_caught++; /* RIP already points past the int3: returning resumes after it */
        return;
    }
    if (f->vector < ARRAY_SIZE(handlers) && handlers[f->vector] && handlers[f->vector](f))
        return;
    console_emergency();
    if (on_fatal)
        on_fatal();
    kprintf("\n");
    trap_dump(f);
    kprintf("frame64 stopped: unhandled CPU exception.\n");
    arch_halt();
}
