/* SPDX-License-Identifier: 0BSD */
/*
 * Traps from ring 3 (proc_user_trap()): a page fault on a demand-zero page is resolved; anything
 * else raises Linux's signal for it, which runs the program's handler if it has one for it and
 * does not block it (signal.c), or else ends the process with one line saying what it did, in
 * the words a person debugging the program wants: the address, the kind of access, what was
 * wrong with it, and where.
 */
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/process.h>
#include <frame64/sched.h>
#include <frame64/interrupts.h>
#include "proc_internal.h"

#define PF_PRESENT (1u << 0)
#define PF_WRITE   (1u << 1)
#define PF_USER    (1u << 2)
#define PF_FETCH   (1u << 4)

#define SEGV_MAPERR 1
#define SEGV_ACCERR 2
#define ILL_ILLOPN  2
#define FPE_INTDIV  1
#define BUS_ADRALN  1
#define BUS_ADRERR  2
#define SIGBUS      7
#define TRAP_TRACE  2

/* The byte at user address va (read through the direct map), or -1 if it is not mapped. */
static int user_byte(struct process *p, uint64_t va)
{
    phys_addr_t pa = vmspace_translate(&p->vs, va, NULL);
    return pa == PHYS_NONE ? -1 : *(const uint8_t *)phys_to_virt(pa);
}

/* The privileged instruction at rip that ring 3 may not execute, or NULL if it is not one. */
static const char *privileged_at(struct process *p, uint64_t rip)
{
    int b0 = user_byte(p, rip), b1 = user_byte(p, rip + 1);
    switch (b0) {
    case 0xFA:
        return "cli";
    case 0xFB:
        return "sti";
    case 0xF4:
        return "hlt";
    case 0xE4:
    case 0xE5:
    case 0xEC:
    case 0xED:
        return "in";
    case 0xE6:
    case 0xE7:
    case 0xEE:
    case 0xEF:
        return "out";
    case 0x0F:
        return b1 == 0x30   ? "wrmsr"
               : b1 == 0x32 ? "rdmsr"
               : b1 == 0x01 ? "a descriptor-table "
                              "instruction"
                            : NULL;
    default:
        return NULL;
    }
}

/* The same fault this many times in a row with nothing resolved in between is no stale TLB. */
#define FAULT_REPEATS_MAX 4

/*
 * Whether the fault at (va, rip, error) is the one before it again: a fault the kernel resolved
 * must not come back unchanged, so a fault path that keeps "resolving" one ends the program
 * instead of looping for ever.
 */
static bool fault_repeats(struct process *p, uint64_t va, uint64_t rip, uint64_t error)
{
    if (p->last_fault.va == va && p->last_fault.rip == rip && p->last_fault.error == error)
        return ++p->last_fault.repeats >= FAULT_REPEATS_MAX;
    p->last_fault.va = va;
    p->last_fault.rip = rip;
    p->last_fault.error = error;
    p->last_fault.repeats = 0;
    return false;
}

__attribute__((noreturn)) static void kill_fault(uint64_t va, const char *what, uint64_t rip,
                                                 int sig)
{
    char why[PROC_WHY_MAX];
    ksnprintf(why, sizeof(why), "page fault at 0x%llx (%s) at rip 0x%llx", (unsigned long long)va,
              what, (unsigned long long)rip);
    proc_exit(PROC_KILLED, sig, why);
}

/*
 * A page fault found no free frame. The process with the largest resident set is killed (one
 * line names it and why) and, once it has ended and given its frames back, the fault is tried
 * again; if this process is itself the largest, it is the one to go (its kill line says out of
 * memory). Return: whether the fault is now resolved.
 */
static bool out_of_memory(struct process *p, uint64_t va, unsigned access)
{
    for (int round = 0; round < 8; round++) {
        struct oom_victim v;
        if (!proc_oom_pick(p->pid, &v) || v.pid == p->pid)
            return false;
        if (!v.dying)
            kprintf("oom: memory ran out when process %u (%s) needed a page: killed process %u "
                    "(%s), the largest resident set (%llu frames)\n",
                    p->pid, p->name, v.pid, v.name, (unsigned long long)v.frames);
        uint64_t give_up = time_ns() + 10 * 1000000000ull;
        while (proc_alive(v.pid) && time_ns() < give_up && !thread_current()->killed)
            sched_sleep_until(time_ns() + 1000000);
        proc_check_killed(); /* chosen itself meanwhile, or killed: it ends here */
        uint64_t irq = mm_lock(p);
        int err = vmspace_fault(&p->vs, va, access | VM_USER);
        mm_unlock(p, irq);
        if (err == K_OK)
            return true;
        if (err != K_ENOMEM)
            return false;
    }
    return false;
}

/* SIGSEGV (code) for the fault at va to the handler, if there is one; else the kill line. */
static bool segv(struct trap_frame *f, uint64_t va, const char *what, int code)
{
    if (signal_fault(f, SIGSEGV, code, va))
        return true;
    kill_fault(va, what, f->rip, SIGSEGV);
}

static bool page_fault(struct process *p, struct trap_frame *f, uint64_t va)
{
    uint64_t error = f->error, rip = f->rip;
    unsigned access = (error & PF_FETCH) ? VM_EXEC : (error & PF_WRITE) ? VM_WRITE : VM_READ;
    /*
     * A protection fault on a supervisor-mode access made from ring 3 is the CPU touching a user
     * page for the program's instruction (iretq or lretq reading their frame) where SMAP (or write
     * protection) forbids it: nothing to resolve, and retrying would fault again for ever.
     */
    if ((error & PF_PRESENT) && !(error & PF_USER))
        return segv(f, va, "a kernel-mode access the CPU made for the instruction, refused by SMAP",
                    SEGV_ACCERR);
    if (fault_repeats(p, va, rip, error))
        kill_fault(va, "the same fault again after it was resolved", rip, 11);
    uint64_t irq = mm_lock(p);
    int err = vmspace_fault(&p->vs, va, access | VM_USER);
    p->page_faults += err == K_OK;
    mm_unlock(p, irq);
    if (err == K_ENOMEM && out_of_memory(p, va, access))
        return true;
    if (err == K_OK)
        return true;
    uint64_t guard = PROC_STACK_TOP - PROC_STACK_MAX - PAGE_SIZE;
    if (va >= guard && va < guard + PAGE_SIZE)
        return segv(f, va, "stack overflow into its guard page", SEGV_MAPERR);
    /* Out of memory ends a program with SIGKILL, as Linux's OOM killer does; faults SIGSEGV. */
    if (err == K_ENOMEM)
        kill_fault(va, vmspace_fault_reason_in(&p->vs, err, access, va), rip, 9);
    if (err == K_ERANGE) { /* a shared file mapping past the file's end: SIGBUS, as Linux */
        if (signal_fault(f, SIGBUS, BUS_ADRERR, va))
            return true;
        kill_fault(va, vmspace_fault_reason(err, access, va), rip, SIGBUS);
    }
    return segv(f, va, vmspace_fault_reason_in(&p->vs, err, access, va),
                err == K_EACCES ? SEGV_ACCERR : SEGV_MAPERR);
}

/* What each exception from ring 3 is called in a kill line; NULL: "CPU exception N". */
static const char *const exception_words[32] = {
    [0] = "divide error",
    [1] = "debug trap (single step or int1)",
    [3] = "breakpoint (int3)",
    [4] = "overflow (into)",
    [5] = "bound range exceeded",
    [6] = "invalid opcode",
    [7] = "device not available",
    [10] = "invalid TSS",
    [11] = "segment not present",
    [12] = "stack-segment fault",
    [13] = "general protection fault",
    [16] = "x87 floating-point error",
    [17] = "alignment check",
    [19] = "SIMD floating-point error",
};

/*
 * The signal Linux ends a program with for each exception: SIGFPE for arithmetic, SIGILL for an
 * invalid opcode, SIGTRAP for debug traps, SIGBUS for an alignment check, else SIGSEGV.
 */
static int exception_signal(uint64_t v)
{
    switch (v) {
    case 0:
    case 16:
    case 19:
        return 8;
    case 6:
        return 4;
    case 1:
    case 3:
        return 5;
    case 17:
        return 7;
    default:
        return 11;
    }
}

/* Vectors whose error code the CPU pushes (and a kill line shows). */
static bool has_error_code(uint64_t v)
{
    return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 || v == 29 || v == 30;
}

/* Linux's si_code and si_addr for exception v at rip (the ones that are not page faults). */
static int exception_code(uint64_t v, uint64_t rip, uint64_t *addr)
{
    *addr = rip;
    switch (v) {
    case 0:
        return FPE_INTDIV;
    case 6:
        return ILL_ILLOPN;
    case 1:
        return TRAP_TRACE;
    case 17:
        *addr = 0;
        return BUS_ADRALN;
    default: /* #GP, int3 and the rest: force_sig()'s SI_KERNEL, no address */
        *addr = 0;
        return SI_KERNEL;
    }
}

bool proc_user_trap(struct trap_frame *f, uint64_t fault_address)
{
    struct process *p = proc_current();
    uint64_t vector = f->vector, error = f->error, rip = f->rip, addr;
    char why[PROC_WHY_MAX];
    if (!p)
        panic("a trap (vector %llu) from user mode with no process running",
              (unsigned long long)vector);
    if (vector == 14) {
        bool resumed = page_fault(p, f, fault_address);
        proc_check_killed(); /* the way back to ring 3: a kill or a signal takes effect here too */
        signal_deliver(f);
        return resumed;
    }
    int code = exception_code(vector, rip, &addr);
    if (signal_fault(f, exception_signal(vector), code, addr))
        return true;
    const char *insn = vector == 13 ? privileged_at(p, rip) : NULL;
    const char *words = vector < 32 ? exception_words[vector] : NULL;
    if (insn)
        ksnprintf(why, sizeof(why),
                  "general protection fault (privileged instruction %s) at rip "
                  "0x%llx",
                  insn, (unsigned long long)rip);
    else if (words && has_error_code(vector))
        ksnprintf(why, sizeof(why), "%s (error code 0x%llx) at rip 0x%llx", words,
                  (unsigned long long)error, (unsigned long long)rip);
    else if (words)
        ksnprintf(why, sizeof(why), "%s at rip 0x%llx", words, (unsigned long long)rip);
    else
        ksnprintf(why, sizeof(why), "CPU exception %llu (error code 0x%llx) at rip 0x%llx",
                  (unsigned long long)vector, (unsigned long long)error, (unsigned long long)rip);
    proc_exit(PROC_KILLED, exception_signal(vector), why);
}
