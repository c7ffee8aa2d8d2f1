/* SPDX-License-Identifier: 0BSD */
/*
 * ktests of the kernel's own address space: the W^X audit of the live tables, the identity map
 * gone, NULL and guard pages that fault (caught on purpose through arch_probe_read(), reported and
 * resumed), and kernel stacks whose frames come back.
 */
#include "ktest_util.h"

#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/fault.h>
#include <frame64/kstack.h>
#include <frame64/ktest.h>
#include <frame64/layout.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/vmcheck.h>

/* The audit that printed the boot line, run again: nothing W+X, NULL and every guard unmapped. */
KTEST(vm_wx_audit_clean)
{
    struct vm_check c;
    bool ok = vm_check(kernel_pml4, boot_cpu.nx, &c);
    KT_ASSERT(ok, "the audit failed: %llu W+X bytes from 0x%llx, NULL at 0x%llx",
              (unsigned long long)c.audit.wx, (unsigned long long)c.audit.wx_base,
              (unsigned long long)c.null_mapped);
    KT_ASSERT(!boot_cpu.nx || c.audit.wx == 0, "W+X pages with NX on");
    KT_ASSERT(c.stacks >= 4 && c.guards == c.stacks, "%u stacks, %u guard pages unmapped", c.stacks,
              c.guards);
}

/* The CPU walks the kernel's tables, whose lower half is empty: no identity map is left. */
KTEST(vm_identity_map_gone)
{
    KT_ASSERT(arch_page_table_root() == kernel_pml4, "CR3 is 0x%llx, not the kernel's 0x%llx",
              (unsigned long long)arch_page_table_root(), (unsigned long long)kernel_pml4);
    const uint64_t *top = phys_to_virt(kernel_pml4);
    for (unsigned i = 0; i < 256; i++)
        KT_ASSERT(!(top[i] & PTE_PRESENT), "PML4 entry %u (lower half) is present", i);
    uint64_t v;
    KT_ASSERT(arch_probe_read(KERNEL_PHYS, &v) == K_EFAULT,
              "physical 2 MiB is still identity mapped");
    KT_ASSERT(arch_probe_read(boot_info.phys, &v) == K_EFAULT,
              "the boot information is identity mapped");
}

/* Reading address 0 and the top of the never-mapped 64 KiB faults, is reported, and resumes. */
KTEST(vm_null_dereference_caught)
{
    uint64_t before = fault_probes_caught(), v = 0;
    KT_ASSERT(arch_probe_read(0, &v) == K_EFAULT, "reading NULL did not fault");
    KT_ASSERT(arch_probe_read(USER_MIN - 8, &v) == K_EFAULT, "reading 0x%llx did not fault",
              (unsigned long long)(USER_MIN - 8));
    KT_ASSERT(fault_probes_caught() == before + 2, "%llu faults caught, expected 2",
              (unsigned long long)(fault_probes_caught() - before));
}

/*
 * A fresh 8 KiB stack: its top byte reads back, its guard page faults (reported as a stack
 * overflow, resumed), and destroying it gives every frame back.
 */
KTEST(vm_guard_page_caught)
{
    struct frame_stats before, after;
    struct kstack s;
    uint64_t v;
    frame_get_stats(&kernel_frames, &before);
    KT_ASSERT(kstack_create(&s, "ktest", 8 * KiB) == K_OK, "no stack");
    KT_ASSERT(arch_probe_read(s.top - 8, &v) == K_OK, "the top of the stack does not read");
    KT_ASSERT(kstack_guarding(s.bottom - 8) == &s, "the guard page is not known as the stack's");
    uint64_t caught = fault_probes_caught();
    KT_ASSERT(arch_probe_read(s.bottom - 8, &v) == K_EFAULT, "the guard page did not fault");
    KT_ASSERT(fault_probes_caught() == caught + 1, "the fault was not caught");
    kstack_destroy(&s);
    frame_get_stats(&kernel_frames, &after);
    KT_ASSERT(after.in_use == before.in_use, "in use went from %llu to %llu bytes",
              (unsigned long long)before.in_use, (unsigned long long)after.in_use);
}

/* 300 stacks made and destroyed: the slots and the frames are reused, nothing leaks. */
KTEST(vm_kstacks_come_back)
{
    static struct kstack s[12];
    struct frame_stats before, after;
    frame_get_stats(&kernel_frames, &before);
    for (int round = 0; round < 25; round++) {
        for (unsigned i = 0; i < ARRAY_SIZE(s); i++)
            KT_ASSERT(kstack_create(&s[i], "churn", 16 * KiB) == K_OK, "round %d: no stack %u",
                      round, i);
        for (unsigned i = 0; i < ARRAY_SIZE(s); i++)
            kstack_destroy(&s[i]);
    }
    frame_get_stats(&kernel_frames, &after);
    KT_ASSERT(after.in_use == before.in_use, "in use went from %llu to %llu bytes",
              (unsigned long long)before.in_use, (unsigned long long)after.in_use);
}
