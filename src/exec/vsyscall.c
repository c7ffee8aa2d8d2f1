/* SPDX-License-Identifier: 0BSD */
/*
 * The legacy vsyscall page at 0xffffffffff600000, answered as Linux answers it by default
 * (vsyscall=xonly, the default of Debian 12's kernel and of Linux since 5.3): nothing is mapped
 * there, and a call to one of its three entries faults on the fetch and is emulated here:
 * 0xffffffffff600000 gettimeofday(tv, tz), ...400 time(tloc), ...800 getcpu(cpu, node, cache),
 * each as its system call answers, then a return to the caller (the address on top of its stack).
 * A read of the page, a jump into it elsewhere, a bad stack or a bad pointer argument end the
 * program with SIGSEGV and a line naming the page, as Linux sends SIGSEGV.
 */
#include <frame64/kprintf.h>
#include <frame64/process.h>
#include <frame64/trap.h>
#include "proc_internal.h"
#include "syscall_internal.h"

#define VSYSCALL_PAGE 0xffffffffff600000ull
#define PF_FETCH      (1u << 4)

__attribute__((noreturn)) static void refuse(uint64_t va, uint64_t rip, const char *what)
{
    char why[PROC_WHY_MAX];
    ksnprintf(why, sizeof(why),
              "page fault at 0x%llx (%s the vsyscall page, which is execute-only: "
              "vsyscall=xonly) at rip 0x%llx",
              (unsigned long long)va, what, (unsigned long long)rip);
    proc_exit(PROC_KILLED, 11, why);
}

bool proc_vsyscall(struct trap_frame *f, uint64_t va)
{
    if (va < VSYSCALL_PAGE || va - VSYSCALL_PAGE >= PAGE_SIZE)
        return false;
    struct process *p = proc_current();
    /* Without NX (EFER.NXE off) a fetch sets no PF_FETCH bit: a fault at rip itself is one. */
    bool fetch = (f->error & PF_FETCH) || (!(f->error & 2) && va == f->rip);
    if (!fetch)
        refuse(va, f->rip, (f->error & 2) ? "write to" : "read of");
    unsigned nr = (unsigned)(va - VSYSCALL_PAGE) / 0x400;
    if (va != f->rip || (va & 0x3ff) || nr > 2)
        refuse(va, f->rip, "a jump into the middle of");
    uint64_t caller;
    if (copy_from_user(p, &caller, f->rsp, sizeof(caller)))
        refuse(va, f->rip, "a call with no return address on the stack to");
    long r = nr == 0   ? sys_gettimeofday(p, f->rdi, f->rsi)
             : nr == 1 ? sys_time(p, f->rdi)
                       : sys_getcpu(p, f->rdi, f->rsi);
    if (r == -EFAULT)
        refuse(va, f->rip, "a bad pointer given to");
    f->rax = (uint64_t)r;
    f->rip = caller;
    f->rsp += 8;
    return true;
}
