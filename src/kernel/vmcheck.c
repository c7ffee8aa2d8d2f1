/* SPDX-License-Identifier: 0BSD */
/*
 * The boot-time check of the kernel's address space: the W^X audit over the live page tables
 * (src/mm/ptaudit.c computes effective permissions), that nothing maps the first 64 KiB (so NULL
 * faults), and that every kernel stack's guard page is really unmapped. One line says the verdict.
 */
#include <frame64/arch.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstack.h>
#include <frame64/layout.h>
#include <frame64/pagetable.h>
#include <frame64/ptaudit.h>
#include <frame64/vmcheck.h>

struct guards {
    phys_addr_t pml4;
    unsigned unmapped;
    const struct kstack *mapped; /* the first stack whose guard page is mapped */
};

static void check_guard(const struct kstack *s, void *ctx)
{
    struct guards *g = ctx;
    if (pt_translate(g->pml4, s->bottom - PAGE_SIZE, NULL, NULL) == PHYS_NONE)
        g->unmapped++;
    else if (!g->mapped)
        g->mapped = s;
}

bool vm_check(phys_addr_t pml4, bool nx, struct vm_check *out)
{
    struct guards g = {.pml4 = pml4};
    *out = (struct vm_check){.nx = nx};
    pt_audit(pml4, nx, &out->audit);
    out->null_mapped = PHYS_NONE;
    for (uint64_t va = 0; va < USER_MIN && out->null_mapped == PHYS_NONE; va += PAGE_SIZE)
        if (pt_translate(pml4, va, NULL, NULL) != PHYS_NONE)
            out->null_mapped = va;
    out->stacks = kstack_for_each(check_guard, &g);
    out->guards = g.unmapped;
    out->guard_mapped = g.mapped;
    return (!nx || out->audit.wx == 0) && out->audit.user_kernel == 0 &&
           out->null_mapped == PHYS_NONE && !out->guard_mapped;
}

void vm_check_print(const struct vm_check *c)
{
    const struct pt_audit *a = &c->audit;
    if (c->nx && a->wx) {
        kprintf(
            "vm: W^X audit FAILED: %llu writable+executable pages, the first at [0x%llx, 0x%llx)\n",
            (unsigned long long)(a->wx / PAGE_SIZE), (unsigned long long)a->wx_base,
            (unsigned long long)a->wx_end);
    } else if (a->user_kernel) {
        kprintf("vm: W^X audit FAILED: %llu kernel pages reachable from user mode, the first at "
                "[0x%llx, 0x%llx)\n",
                (unsigned long long)(a->user_kernel / PAGE_SIZE), (unsigned long long)a->uk_base,
                (unsigned long long)a->uk_end);
    } else if (c->null_mapped != PHYS_NONE) {
        kprintf("vm: W^X audit FAILED: the NULL area is mapped at [0x%llx, 0x%llx)\n",
                (unsigned long long)c->null_mapped,
                (unsigned long long)(c->null_mapped + PAGE_SIZE));
    } else if (c->guard_mapped) {
        kprintf(
            "vm: W^X audit FAILED: the guard page of stack '%s' is mapped at [0x%llx, 0x%llx)\n",
            c->guard_mapped->name, (unsigned long long)(c->guard_mapped->bottom - PAGE_SIZE),
            (unsigned long long)c->guard_mapped->bottom);
    } else if (!c->nx) {
        kprintf("vm: W^X audit skipped: no NX on this CPU; NULL unmapped, %u guard pages\n",
                c->guards);
    } else {
        kprintf(
            "vm: W^X audit passed: 0 writable+executable pages, NULL unmapped, %u guard pages\n",
            c->guards);
    }
}
