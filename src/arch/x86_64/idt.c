/* SPDX-License-Identifier: 0BSD */
/*
 * The 64-bit IDT: all 32 CPU exceptions go to boot/isr.asm's stubs and on to
 * exception_dispatch(); so do the interrupt vectors (irq_stub_table), which it hands to
 * arch_irq_dispatch() (irq.c) without the exception bookkeeping. A breakpoint that a test asked for
 * is counted and resumed; a vector with a kernel policy (trap_set_handler(), src/kernel/fault.c)
 * goes there first; anything else is fatal: print the frame, halt. Double faults, NMIs and machine
 * checks run on their own stacks (gdt.c) so a bad stack pointer cannot turn them into a triple
 * fault.
 */
#include <arch/cpu.h>
#include <frame64/arch.h>
#include <frame64/cpu.h>
#include <frame64/kprintf.h>
#include <frame64/panic.h>
#include <frame64/trap.h>
#include <frame64/usermode.h>

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
extern const uint64_t irq_stub_table[][2]; /* (vector, stub) pairs, ending with vector 0 */
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
/*
 * The exception each CPU is handling now (its frame), or NULL; NMIs and machine checks apart,
 * since they may interrupt any handler. Another exception from the kernel while one is set is a
 * fault in the fault path: a panic naming both, never a cycle of faults.
 */
static struct trap_frame *active[CPU_MAX], *active_nmi[CPU_MAX];
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
            /* present, interrupt gate; int3 may be used from ring 3 (a debugger's breakpoint, as
             * Linux allows), every other vector only by the CPU */
            .type_attr = v == 3 ? 0xEE : 0x8E,
            .offset_mid = (h >> 16) & 0xFFFF,
            .offset_hi = (uint32_t)(h >> 32),
        };
    }
    for (unsigned i = 0; irq_stub_table[i][0]; i++) {
        uint64_t v = irq_stub_table[i][0], h = irq_stub_table[i][1];
        idt[v] = (struct idt_entry){
            .offset_lo = h & 0xFFFF,
            .selector = 0x08,
            .type_attr = 0x8E, /* present, ring 0 only, interrupt gate: IF off in the handler */
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

void trap_forget_active(void)
{
    active[cpu_index()] = NULL;
}

static const char *vector_name(uint64_t v)
{
    return v < ARRAY_SIZE(names) ? names[v] : "an unknown vector";
}

/* A second exception while the first was still being handled on this CPU: both, then stop. */
__attribute__((noreturn)) static void fault_in_fault(const struct trap_frame *outer,
                                                     const struct trap_frame *f)
{
    panic("a fault in the fault path: %s (error code 0x%llx, CR2 0x%llx) at rip 0x%llx while "
          "handling %s (error code 0x%llx) at rip 0x%llx",
          vector_name(f->vector), (unsigned long long)f->error, (unsigned long long)read_cr2(),
          (unsigned long long)f->rip, vector_name(outer->vector), (unsigned long long)outer->error,
          (unsigned long long)outer->rip);
}

void exception_dispatch(struct trap_frame *f)
{
    if (f->vector >= 32) { /* an interrupt: nothing here is a fault in the fault path */
        arch_irq_dispatch(f);
        return;
    }
    unsigned cpu = cpu_index();
    bool nmi_like = f->vector == 2 || f->vector == 18;
    struct trap_frame **slot = nmi_like ? &active_nmi[cpu] : &active[cpu];
    struct trap_frame *outer = NULL;
    if (!usermode_trap(f->cs))
        outer = nmi_like ? active_nmi[cpu] : active[cpu] ? active[cpu] : active_nmi[cpu];
    if (outer)
        fault_in_fault(outer, f);
    *slot = f;
    if (f->vector == 3 && expect_bp) {
        bp_caught++; /* RIP already points past the int3: returning resumes after it */
        *slot = NULL;
        return;
    }
    if (f->vector < ARRAY_SIZE(handlers) && handlers[f->vector] && handlers[f->vector](f)) {
        *slot = NULL;
        return;
    }
    if (on_fatal)
        on_fatal();
    kprintf("\n");
    trap_dump(f);
    kprintf("frame64 stopped: unhandled CPU exception.\n");
    arch_halt();
}
