/*
 * Deliberate crashes for the boot tests of the fatal paths: "crash=panic" on the command line
 * calls panic(), "crash=pagefault" reads an unmapped address. Either must end in a readable dump
 * and a halted CPU, never a triple fault or a reboot.
 */
#include <frame64/kstring.h>
#include <frame64/ktest.h>
#include <frame64/panic.h>

/* Nothing is mapped in this PML4 slot (between the direct map and the kernel). */
#define UNMAPPED_ADDRESS 0xFFFFC00000000000ull

void ktest_crash_if_asked(const char *cmdline)
{
    for (const char *p = cmdline; p && *p; p++) {
        if (p != cmdline && p[-1] != ' ')
            continue;
        if (strncmp(p, "crash=panic", 11) == 0)
            panic("deliberate panic requested on the command line (crash=panic)");
        if (strncmp(p, "crash=pagefault", 15) == 0) {
            volatile uint64_t *bad = (volatile uint64_t *)UNMAPPED_ADDRESS;
            (void)*bad;
        }
    }
}
