/* SPDX-License-Identifier: 0BSD */
/*
 * Deliberate crashes for the boot tests of the fatal paths: "crash=panic" on the command line
 * calls panic(), "crash=pagefault" reads an unmapped address, "crash=null" dereferences NULL and
 * "crash=stack" recurses until the boot stack runs into its guard page, "crash=panic-ap" panics
 * on another CPU than the boot CPU (which must then be stopped by it), "crash=nested" faults inside
 * an exception handler (a breakpoint whose handler reads NULL). Each must end in a readable
 * report and dump naming the CPU and halted CPUs, never a triple fault, a reboot or a cycle.
 */
#include <frame64/cmdline.h>
#include <frame64/ktest.h>
#include <frame64/arch.h>
#include <frame64/panic.h>
#include <frame64/smp.h>
#include <frame64/trap.h>

/* Nothing is mapped in this PML4 slot (between the direct map and the kernel). */
#define UNMAPPED_ADDRESS 0xFFFFC00000000000ull

/*
 * Uses stack on every level so the compiler can neither drop nor flatten the recursion; the
 * limit is one no stack reaches (a stack holds at most KSTACK_MAX bytes).
 */
__attribute__((noinline)) static uint64_t recurse(volatile uint64_t depth)
{
    volatile uint8_t frame[512];
    frame[0] = (uint8_t)depth;
    if (depth > (1u << 20))
        return 0;
    return recurse(depth + 1) + frame[0];
}

static void panic_on_cpu1(void *arg)
{
    (void)arg;
    if (cpu_index() == 1)
        panic("deliberate panic on CPU 1 requested on the command line (crash=panic-ap)");
    for (;;) /* the boot CPU waits here until CPU 1's panic stops it */
        arch_delay_us(1000);
}

/* A NULL no compiler or checker can see coming. */
static volatile uintptr_t null_address;

/* A handler that faults: the page fault arrives while the breakpoint is still being handled. */
static bool faulting_handler(struct trap_frame *f)
{
    (void)f;
    return *(volatile uint64_t *)null_address != 0;
}

void ktest_crash_if_asked(const char *cmdline)
{
    const char *how = cmdline_value(cmdline, "crash");
    if (cmdline_value_is(how, "panic"))
        panic("deliberate panic requested on the command line (crash=panic)");
    if (cmdline_value_is(how, "pagefault")) {
        volatile uint64_t *bad = (volatile uint64_t *)UNMAPPED_ADDRESS;
        (void)*bad;
    }
    if (cmdline_value_is(how, "null")) {
        (void)*(volatile uint64_t *)null_address;
    }
    if (cmdline_value_is(how, "stack"))
        recurse(0);
    if (cmdline_value_is(how, "nested")) {
        trap_set_handler(3, faulting_handler);
        __asm__ volatile("int3");
    }
    if (cmdline_value_is(how, "panic-ap")) {
        if (cpu_count() < 2)
            panic("crash=panic-ap needs a second CPU; panicking on the boot CPU instead");
        smp_run_all(panic_on_cpu1, NULL);
    }
}
