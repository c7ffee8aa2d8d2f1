/* SPDX-License-Identifier: 0BSD */
/*
 * What the kernel makes of an exception. From ring 3 it is the process's (src/exec/usertrap.c:
 * a demand page, or the end of the process). In the kernel, a page fault or a double fault it did
 * not expect gets one line a person can act on (a NULL pointer dereference, a kernel stack that ran
 * into its guard page, or the plain address), before the register dump. A probe (arch_probe_read())
 * that faults is reported the same way and resumed, which is how the ktests touch NULL and guard
 * pages on purpose.
 */
#include <frame64/arch.h>
#include <frame64/console.h>
#include <frame64/fault.h>
#include <frame64/kprintf.h>
#include <frame64/kstack.h>
#include <frame64/layout.h>
#include <frame64/process.h>
#include <frame64/smp.h>
#include <frame64/trap.h>
#include <frame64/usermode.h>

#define PF_WRITE (1u << 1)
#define PF_USER  (1u << 2)
#define PF_FETCH (1u << 4)

static uint64_t probes_caught;

/* What went wrong at va, in words, for a fault that happened in kernel mode. */
static void describe(uint64_t va, uint64_t rip, uint64_t error)
{
    const char *how = error & PF_FETCH ? "execution" : error & PF_WRITE ? "write" : "read";
    const struct kstack *s = kstack_guarding(va);
    if (va < USER_MIN)
        kprintf("kernel: NULL pointer dereference: %s of 0x%llx at rip 0x%llx\n", how,
                (unsigned long long)va, (unsigned long long)rip);
    else if (s)
        kprintf("kernel: kernel stack overflow: stack '%s' ran into its guard page at 0x%llx "
                "(rip 0x%llx)\n",
                s->name, (unsigned long long)va, (unsigned long long)rip);
    else
        kprintf("kernel: page fault: %s of 0x%llx at rip 0x%llx\n", how, (unsigned long long)va,
                (unsigned long long)rip);
}

static bool page_fault(struct trap_frame *f)
{
    uint64_t va = arch_fault_address(), rip = f->rip;
    if (usermode_trap(f->cs))
        return proc_vsyscall(f, va) || proc_user_trap(f, va);
    if (trap_fixup(f)) {
        describe(va, rip, f->error);
        probes_caught++;
        kprintf("kernel: the access was a probe; resuming after it\n");
        return true;
    }
    console_emergency(); /* the code that faulted may hold the console lock */
    describe(va, f->rip, f->error);
    return false;
}

/*
 * A double fault after a kernel stack overflow: the CPU could not push the page fault's frame
 * because the stack pointer was in the guard page, and CR2 still says where.
 */
static bool double_fault(struct trap_frame *f)
{
    (void)f; /* its error code is always 0 and its RIP undefined */
    uint64_t va = arch_fault_address();
    const struct kstack *s = kstack_guarding(va);
    console_emergency();
    if (s)
        kprintf("kernel: kernel stack overflow: stack '%s' ran into its guard page at 0x%llx "
                "(double fault; the page fault could not be delivered)\n",
                s->name, (unsigned long long)va);
    return false;
}

/* Any other exception: from ring 3 it ends the process (user code cannot take the kernel down). */
static bool other_exception(struct trap_frame *f)
{
    if (!usermode_trap(f->cs))
        return false;
    return proc_user_trap(f, 0);
}

/* On the way down: the console's lock may be held by the code that died; stop the other CPUs. */
static void fatal(void)
{
    console_emergency();
    smp_stop_others();
}

void fault_init(void)
{
    trap_set_fatal(fatal);
    for (unsigned v = 0; v < 32; v++)
        if (v != 2 && v != 8 && v != 18) /* NMI, #DF, #MC are the machine's, not the program's */
            trap_set_handler(v, other_exception);
    trap_set_handler(14, page_fault);
    trap_set_handler(8, double_fault);
}

uint64_t fault_probes_caught(void)
{
    return probes_caught;
}
