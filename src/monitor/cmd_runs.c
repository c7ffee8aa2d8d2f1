/* SPDX-License-Identifier: 0BSD */
/* Monitor commands over contiguous DMA runs (dma_alloc()): run, runs, unrun. */
#include <frame64/dma.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/monitor.h>

#include "monitor_internal.h"

#define MAX_RUNS 16

static struct {
    phys_addr_t base; /* PHYS_NONE: slot unused (0 is never a run: the first MiB is not free) */
    uint64_t bytes;
    enum dma_zone zone;
} runs[MAX_RUNS];
static unsigned nruns;

static const char *const zone_names[] = {"isa", "dma32", "any"};

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
                "a contiguous DMA run from dma_alloc() (see 'runs', 'unrun')")
{
    uint64_t bytes;
    if (!monitor_number(argv[1], &bytes))
        return;
    enum dma_zone zone = DMA_ZONE_ANY;
    if (argc == 3) {
        unsigned z = 0;
        while (z < ARRAY_SIZE(zone_names) && strcmp(argv[2], zone_names[z]) != 0)
            z++;
        if (z == ARRAY_SIZE(zone_names)) {
            kprintf("run: '%s' is not a zone; say isa (below 16 MiB), dma32 (below 4 GiB) or "
                    "any.\n",
                    argv[2]);
            return;
        }
        zone = (enum dma_zone)z;
    }
    if (bytes == 0 || bytes > 64 * GiB) {
        kprintf("run: a run is 1 byte to 64 GiB (rounded up to 4 KiB), not %llu.\n",
                (unsigned long long)bytes);
        return;
    }
    if (nruns == MAX_RUNS) {
        kprintf("run: the monitor keeps at most %d runs; 'unrun ADDR' one first.\n", MAX_RUNS);
        return;
    }
    bytes = ALIGN_UP(bytes, PAGE_SIZE);
    char size[24];
    kformat_size(size, sizeof(size), bytes);
    phys_addr_t pa = dma_alloc(&kernel_frames, bytes, 0, zone);
    if (pa == PHYS_NONE) {
        kprintf("run: no contiguous %s is free in zone %s.\n", size, zone_names[zone]);
        return;
    }
    runs[nruns].base = pa, runs[nruns].bytes = bytes, runs[nruns].zone = zone;
    nruns++;
    kprintf("run: [0x%llx, 0x%llx) (%s, zone %s)\n", (unsigned long long)pa,
            (unsigned long long)(pa + bytes), size, zone_names[zone]);
}

MONITOR_COMMAND(runs, "runs", 0, 0, "the DMA runs the monitor keeps")
{
    (void)argc, (void)argv;
    if (!nruns)
        kprintf("runs: none (make one with 'run BYTES')\n");
    for (unsigned i = 0; i < nruns; i++) {
        char size[24];
        kprintf("runs: [0x%llx, 0x%llx) (%s, zone %s)\n", (unsigned long long)runs[i].base,
                (unsigned long long)(runs[i].base + runs[i].bytes),
                kformat_size(size, sizeof(size), runs[i].bytes), zone_names[runs[i].zone]);
    }
}

MONITOR_COMMAND(unrun, "unrun ADDR", 1, 1, "give back the kept run that starts at ADDR")
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
