/* SPDX-License-Identifier: 0BSD */
/*
 * Deliberate crashes for the boot tests of the fatal paths: "crash=panic" on the command line
 * calls panic(), "crash=pagefault" reads an unmapped address. Either must end in a readable dump
 * and a halted CPU, never a triple fault or a reboot.
 */
#include <frame64/cmdline.h>
#include <frame64/ktest.h>
#include <frame64/panic.h>

/* Nothing is mapped in this PML4 slot (between the direct map and the kernel). */
#define UNMAPPED_ADDRESS 0xFFFFC00000000000ull

void ktest_crash_if_asked(const char *cmdline)
{
    const char *how = cmdline_value(cmdline, "crash");
    if (cmdline_value_is(how, "panic"))
        panic("deliberate panic requested on the command line (crash=panic)");
    if (cmdline_value_is(how, "pagefault")) {
        volatile uint64_t *bad = (volatile uint64_t *)UNMAPPED_ADDRESS;
        (void)*bad;
    }
}
