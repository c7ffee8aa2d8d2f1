/* SPDX-License-Identifier: 0BSD */
/* ktests of the boot path: long mode, the higher half, the exception path, kprintf. */
#include <frame64/arch.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/layout.h>
#include <frame64/trap.h>

/* EFER.LMA is set by the CPU only once long mode is really active. */
KTEST(long_mode_active)
{
    KT_ASSERT(arch_long_mode_active(), "EFER.LMA is clear");
}

/*
 * Code and data live at -2 GiB, where the kernel is linked; the stack is the boot stack in the
 * kernel-stack area, above its guard page.
 */
KTEST(running_in_higher_half)
{
    int local;
    static int data;
    KT_ASSERT((uint64_t)&ktest_running_in_higher_half >= KERNEL_VMA, "code at %p",
              (void *)&ktest_running_in_higher_half);
    KT_ASSERT((uint64_t)&data >= KERNEL_VMA, "data at %p", (void *)&data);
    uint64_t sp = (uint64_t)&local;
    KT_ASSERT(sp >= KSTACK_AREA_BASE && sp < KSTACK_AREA_BASE + KSTACK_SLOTS * KSTACK_SLOT_SIZE,
              "stack at %p", (void *)&local);
}

/* A deliberate int3 goes through the IDT, is counted, and execution resumes right after it. */
KTEST(breakpoint_caught_and_resumed)
{
    uint64_t before = trap_breakpoints_caught();
    volatile int resumed = 0;
    trap_expect_breakpoint(true);
    arch_breakpoint();
    resumed = 1;
    trap_expect_breakpoint(false);
    KT_ASSERT(trap_breakpoints_caught() == before + 1, "caught %llu breakpoints, expected 1",
              (unsigned long long)(trap_breakpoints_caught() - before));
    KT_ASSERT(resumed == 1, "did not resume after int3");
}

/* The kernel's formatter, compiled for the kernel, agrees with what the host tests check. */
KTEST(kprintf_formats)
{
    char b[96];
    ksnprintf(b, sizeof(b), "%s|%c|%d|%u|%x|%lx|%p", "ok", 'k', -7, 7u, 0xabu, 0xffffffff80000000ul,
              (void *)0x1000);
    KT_ASSERT(strcmp(b, "ok|k|-7|7|ab|ffffffff80000000|0x0000000000001000") == 0, "got \"%s\"", b);
    ksnprintf(b, sizeof(b), "[%5d][%-4s][%08x]", 42, "ab", 0x1fu);
    KT_ASSERT(strcmp(b, "[   42][ab  ][0000001f]") == 0, "got \"%s\"", b);
}
