/* SPDX-License-Identifier: 0BSD */
/* Monitor commands over contiguous DMA runs (dma_alloc()): run, runs, unrun. */
#include <frame64/dma.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/monitor.h>

#include "monitor_internal.h"

#define MAX_RUNS 16

static struct {
    phys_addr_t base; /* PHYS_NONE: slot unused (0 is never a run: the first MiB is not free) */
    uint64_t bytes;
    enum dma_zone zone;
} runs[MAX_RUNS];
static unsigned nruns;

void monitor_holdings(uint64_t *frames, unsigned *count)
{
    *frames = monitor_held_frames();
    *count = nruns;
}

bool monitor_holds_run(phys_addr_t pa, phys_addr_t *base, uint64_t *bytes)
{
    for (unsigned i = 0; i < nruns; i++)
        if (pa >= runs[i].base && pa - runs[i].base < runs[i].bytes) {
            *base = runs[i].base;
            *bytes = runs[i].bytes;
            return true;
        }
    return false;
}

MONITOR_COMMAND(run, "run BYTES [isa|dma32|any]", 1, 2,
                "a contiguous DMA run from dma_alloc() (see 'runs', 'unrun')",
                "Takes BYTES (rounded up to 4 KiB) of physically contiguous memory for a device\n"
                "that reaches only the zone's addresses, and keeps it until 'unrun ADDR':\n"
                "  isa    below 16 MiB, at most 64 KiB: ISA DMA cannot cross a 64 KiB boundary\n"
                "  dma32  below 4 GiB, for 32-bit bus masters\n"
                "  any    anywhere (the default)\n"
                "dma32 and any come from above 16 MiB while memory there can serve them, giving\n"
                "the frame manager's free frames back to the region list if they must.\n"
                "The monitor keeps up to 16 runs; 'ktest' wants them all given back.")
{
    uint64_t bytes;
    unsigned z;
    char err[MONITOR_ERR_SIZE];
    if (monitor_run_args(argc, argv, &bytes, &z, err, sizeof(err)) != K_OK) {
        kprintf("%s\n", err);
        return;
    }
    enum dma_zone zone = (enum dma_zone)z;
    if (nruns == MAX_RUNS) {
        kprintf("run: the monitor keeps at most %d runs; 'unrun ADDR' one first.\n", MAX_RUNS);
        return;
    }
    char size[24];
    kformat_size(size, sizeof(size), bytes);
    phys_addr_t pa = dma_alloc(&kernel_frames, bytes, 0, zone);
    if (pa == PHYS_NONE) {
        kprintf("run: no contiguous %s is free in zone %s.\n", size, monitor_zone_name(zone));
        return;
    }
    runs[nruns].base = pa, runs[nruns].bytes = bytes, runs[nruns].zone = zone;
    nruns++;
    kprintf("run: [0x%llx, 0x%llx) (%s, zone %s)\n", (unsigned long long)pa,
            (unsigned long long)(pa + bytes), size, monitor_zone_name(zone));
}

MONITOR_COMMAND(runs, "runs", 0, 0, "the DMA runs the monitor keeps",
                "One line per run 'run' took: [base, end), its size and its zone.")
{
    (void)argc, (void)argv;
    if (!nruns)
        kprintf("runs: none (make one with 'run BYTES')\n");
    for (unsigned i = 0; i < nruns; i++) {
        char size[24];
        kprintf("runs: [0x%llx, 0x%llx) (%s, zone %s)\n", (unsigned long long)runs[i].base,
                (unsigned long long)(runs[i].base + runs[i].bytes),
                kformat_size(size, sizeof(size), runs[i].bytes), monitor_zone_name(runs[i].zone));
    }
}

MONITOR_COMMAND(unrun, "unrun ADDR", 1, 1, "give back the kept run that starts at ADDR",
                "ADDR is the base 'run' printed (see 'runs'); the whole run goes back to the\n"
                "region list (dma_free()).")
{
    (void)argc;
    uint64_t pa;
    if (!monitor_number(argv[1], &pa))
        return;
    for (unsigned i = 0; i < nruns; i++) {
        if (runs[i].base != pa)
            continue;
        dma_free(&kernel_frames, runs[i].base, runs[i].bytes);
        kprintf("unrun: gave back [0x%llx, 0x%llx)\n", (unsigned long long)runs[i].base,
                (unsigned long long)(runs[i].base + runs[i].bytes));
        runs[i] = runs[--nruns];
        return;
    }
    kprintf("unrun: no kept run starts at 0x%llx ('runs' lists them).\n", (unsigned long long)pa);
}
