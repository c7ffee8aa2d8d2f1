/* SPDX-License-Identifier: 0BSD */
/* panic(): print where and why, then the registers the same way an exception does, and halt. */
#include <frame64/arch.h>
#include <frame64/console.h>
#include <frame64/cpu.h>
#include <frame64/kprintf.h>
#include <frame64/panic.h>
#include <frame64/smp.h>
#include <frame64/trap.h>

/* How deep each CPU is in panic_at(): a fault or a panic while reporting one must not recurse. */
static unsigned panicking[CPU_MAX];

void panic_at(const char *file, int line, const char *fmt, ...)
{
    struct trap_frame f;
    arch_save_regs(&f);
    arch_irq_disable(); /* nothing of this CPU runs again: no tick, no handler, mid-report */
    unsigned depth = __atomic_fetch_add(&panicking[cpu_index() % CPU_MAX], 1, __ATOMIC_RELAXED);
    if (depth == 1)
        kprintf("\nPANIC at %s:%d while reporting a panic; frame64 stopped.\n", file, line);
    if (depth)
        arch_halt(); /* the report itself failed: stop without another word that might fault */
    console_emergency();
    smp_stop_others(); /* they halt at once: this CPU's report is the only one */
    va_list ap;
    va_start(ap, fmt);
    kprintf("\nPANIC at %s:%d: ", file, line);
    char msg[256];
    kvsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    kprintf("%s\n", msg);
    trap_dump(&f);
    kprintf("frame64 stopped: kernel panic.\n");
    arch_halt();
}
