/* SPDX-License-Identifier: 0BSD */
/* Monitor commands about the monitor and the machine: help, bench, ktest, reboot, poweroff. */
#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/frame_bench.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/monitor.h>
#include <frame64/power.h>

#include "monitor_internal.h"

MONITOR_COMMAND(help, "help [NAME]", 0, 1, "this list, or more about the command NAME",
                "'help run' says what the zones are; 'help alloc' where frames come from.")
{
    size_t n;
    const struct monitor_cmd *cmds = monitor_commands(&n);
    monitor_help(cmds, n, argc == 2 ? argv[1] : NULL);
}

MONITOR_COMMAND(bench, "bench", 0, 0, "cycles per frame_alloc()+frame_free() pair",
                "Times pairs on the machine's own pool, so it needs free frames: 'free' what the\n"
                "monitor holds first.")
{
    (void)argc, (void)argv;
    enum { PAIRS = 20000, HELD = 20000 };
    static phys_addr_t held[HELD];
    struct frame_bench b;
    if (frame_bench_run(&kernel_frames, PAIRS, held, HELD, &b) != K_OK) {
        kprintf("bench: no frame is free to measure with; 'free' what the monitor holds.\n");
        return;
    }
    frame_bench_print(&kernel_frames, &b, "bench: ");
    /* Cycles say little without what ran them: the checks, and whose cycles they are. */
    if (kernel_frames.flags & FRAME_CHECK)
        kprintf("bench: a debug kernel: every free is checked and every frame poisoned "
                "(FRAME_CHECK, FRAME_POISON); a Release kernel (scripts/run.sh --release) has "
                "neither\n");
    else
        kprintf("bench: a release kernel: the allocator's debug checks are off\n");
    struct cpu_info cpu;
    arch_cpu_info(&cpu);
    if (strcmp(cpu.hypervisor, "TCGTCGTCGTCG") == 0)
        kprintf("bench: emulated (QEMU TCG): these are the emulator's cycles, not a CPU's\n");
    else if (cpu.hypervisor[0])
        kprintf("bench: a virtual CPU (hypervisor \"%s\"): cycles as the hypervisor counts "
                "them\n",
                cpu.hypervisor);
    else
        kprintf("bench: no hypervisor reported: a real CPU, or an emulator that does not say so "
                "(QEMU TCG without +hypervisor, Bochs)\n");
}

MONITOR_COMMAND(ktest, "ktest", 0, 0, "run the in-kernel tests, then come back here",
                "Every test of src/ktest/ with one line each and a summary. The tests need all\n"
                "memory: 'free' and 'unrun' what the monitor holds first.")
{
    (void)argc, (void)argv;
    uint64_t frames;
    unsigned runs;
    monitor_holdings(&frames, &runs);
    if (frames || runs) {
        kprintf("ktest: the tests need all memory back; the monitor holds %llu frame(s) and %u "
                "run(s): 'free' and 'unrun' them first.\n",
                (unsigned long long)frames, runs);
        return;
    }
    ktest_run_suite();
}

MONITOR_COMMAND(reboot, "reboot", 0, 0, "restart the machine",
                "The keyboard controller's reset line, then ACPI's reset register, then a triple\n"
                "fault: whichever works first.")
{
    (void)argc, (void)argv;
    power_reboot();
}

MONITOR_COMMAND(poweroff, "poweroff", 0, 0, "switch the machine off (ACPI S5)",
                "ACPI S5 as the DSDT's \\_S5 says, else QEMU's isa-debug-exit, else a sentence\n"
                "that it is safe to switch off.")
{
    (void)argc, (void)argv;
    power_off();
}
