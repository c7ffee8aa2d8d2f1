/* SPDX-License-Identifier: 0BSD */
/*
 * Traps from ring 3 (proc_user_trap()): a page fault on a demand-zero page is resolved; anything
 * else ends the process with one line saying what it did, in the words a person debugging the
 * program wants: the address, the kind of access, what was wrong with it, and where.
 */
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/process.h>

#define PF_WRITE (1u << 1)
#define PF_FETCH (1u << 4)

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

static bool page_fault(struct process *p, uint64_t error, uint64_t rip, uint64_t va)
{
    unsigned access = (error & PF_FETCH) ? VM_EXEC : (error & PF_WRITE) ? VM_WRITE : VM_READ;
    int err = vmspace_fault(&p->vs, va, access | VM_USER);
    if (err == VM_OK)
        return true;
    char why[PROC_WHY_MAX];
    uint64_t guard = PROC_STACK_TOP - PROC_STACK_MAX - PAGE_SIZE;
    if (va >= guard && va < guard + PAGE_SIZE)
        ksnprintf(why, sizeof(why),
                  "page fault at 0x%llx (stack overflow into its guard page) "
                  "at rip 0x%llx",
                  (unsigned long long)va, (unsigned long long)rip);
    else
        ksnprintf(why, sizeof(why), "page fault at 0x%llx (%s) at rip 0x%llx",
                  (unsigned long long)va, vmspace_fault_reason(err, access),
                  (unsigned long long)rip);
    proc_exit(PROC_KILLED, 0, why);
}

bool proc_user_trap(uint64_t vector, uint64_t error, uint64_t rip, uint64_t fault_address)
{
    struct process *p = proc_current();
    char why[PROC_WHY_MAX];
    if (!p)
        panic("a trap (vector %llu) from user mode with no process running",
              (unsigned long long)vector);
    if (vector == 14)
        return page_fault(p, error, rip, fault_address);
    const char *insn = vector == 13 ? privileged_at(p, rip) : NULL;
    if (insn)
        ksnprintf(why, sizeof(why),
                  "general protection fault (privileged instruction %s) at rip "
                  "0x%llx",
                  insn, (unsigned long long)rip);
    else if (vector == 13)
        ksnprintf(why, sizeof(why), "general protection fault (error code 0x%llx) at rip 0x%llx",
                  (unsigned long long)error, (unsigned long long)rip);
    else if (vector == 6)
        ksnprintf(why, sizeof(why), "invalid opcode at rip 0x%llx", (unsigned long long)rip);
    else if (vector == 0)
        ksnprintf(why, sizeof(why), "divide error at rip 0x%llx", (unsigned long long)rip);
    else if (vector == 3)
        ksnprintf(why, sizeof(why), "breakpoint (int3) at rip 0x%llx", (unsigned long long)rip);
    else
        ksnprintf(why, sizeof(why), "CPU exception %llu (error code 0x%llx) at rip 0x%llx",
                  (unsigned long long)vector, (unsigned long long)error, (unsigned long long)rip);
    proc_exit(PROC_KILLED, 0, why);
}
