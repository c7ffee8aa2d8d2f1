/* SPDX-License-Identifier: 0BSD */
/*
 * Monitor commands over single frames: alloc, free, whoowns. Frames the monitor keeps are
 * chained through their own first 8 bytes (each holds the next one's address), so `alloc` can
 * keep every frame of the machine without a table of its own.
 */
#include <frame64/frame_whereis.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/monitor.h>
#include <frame64/phys.h>

#include "monitor_internal.h"

static phys_addr_t held = PHYS_NONE; /* the newest kept frame; PHYS_NONE: none */
static uint64_t held_count;

static phys_addr_t *link_of(phys_addr_t pa)
{
    return phys_to_virt(pa);
}

bool monitor_holds_frame(phys_addr_t pa)
{
    pa = ALIGN_DOWN(pa, PAGE_SIZE);
    for (phys_addr_t f = held; f != PHYS_NONE; f = *link_of(f))
        if (f == pa)
            return true;
    return false;
}

MONITOR_COMMAND(alloc, "alloc N", 1, 1, "allocate N frames and keep them (see 'free')",
                "Single 4 KiB frames from frame_alloc(), the top of memory first. Asking for more\n"
                "than is free takes all that is free, and says so.")
{
    (void)argc;
    uint64_t n;
    if (!monitor_number(argv[1], &n))
        return;
    if (n == 0) {
        kprintf("alloc: asking for 0 frames allocates nothing; give a count like 'alloc 16'.\n");
        return;
    }
    struct frame_stats s;
    frame_get_stats(&kernel_frames, &s);
    uint64_t avail = (s.stacked + s.unseeded) / PAGE_SIZE;
    if (n > avail)
        kprintf("alloc: only %llu frames are free; allocating those.\n", (unsigned long long)avail);
    phys_addr_t first = PHYS_NONE, last = PHYS_NONE;
    uint64_t got = 0;
    for (; got < n; got++) {
        phys_addr_t pa = frame_alloc(&kernel_frames);
        if (pa == PHYS_NONE)
            break;
        *link_of(pa) = held;
        held = pa;
        if (first == PHYS_NONE)
            first = pa;
        last = pa;
    }
    held_count += got;
    if (!got) {
        kprintf("alloc: no frame is free; 'free' gives back what the monitor holds.\n");
        return;
    }
    kprintf("alloc: %llu frame(s), first 0x%llx, last 0x%llx; the monitor holds %llu\n",
            (unsigned long long)got, (unsigned long long)first, (unsigned long long)last,
            (unsigned long long)held_count);
    if (got < n)
        kprintf("alloc: memory ran out after %llu of the %llu asked for.\n",
                (unsigned long long)got, (unsigned long long)n);
}

MONITOR_COMMAND(free, "free [ADDR]", 0, 1, "give back every kept frame, or the one at ADDR",
                "Frames go back to the frame manager's stack; those below 16 MiB go back to the\n"
                "region list, where ISA runs can use them.")
{
    if (argc == 1) {
        uint64_t n = 0;
        while (held != PHYS_NONE) {
            phys_addr_t pa = held;
            held = *link_of(pa);
            frame_free(&kernel_frames, pa);
            n++;
        }
        held_count = 0;
        kprintf("free: gave back %llu frame(s)\n", (unsigned long long)n);
        return;
    }
    uint64_t pa;
    if (!monitor_number(argv[1], &pa))
        return;
    for (phys_addr_t *at = &held; *at != PHYS_NONE; at = link_of(*at)) {
        if (*at != pa)
            continue;
        *at = *link_of(pa);
        frame_free(&kernel_frames, pa);
        held_count--;
        kprintf("free: gave back 0x%llx; the monitor holds %llu\n", (unsigned long long)pa,
                (unsigned long long)held_count);
        return;
    }
    kprintf("free: 0x%llx is not a frame the monitor holds (%s; 'whoowns 0x%llx' says more).\n",
            (unsigned long long)pa, IS_ALIGNED(pa, PAGE_SIZE) ? "see 'alloc'" : "not page-aligned",
            (unsigned long long)pa);
}

MONITOR_COMMAND(whoowns, "whoowns ADDR", 1, 1, "what the map and the frame manager say of ADDR",
                "The range of the map that holds ADDR and its owner; for the frame manager's\n"
                "memory whether the frame is free, a single frame or part of a run, and who\n"
                "keeps it.")
{
    (void)argc;
    uint64_t pa;
    if (!monitor_number(argv[1], &pa))
        return;
    const struct region *r = region_lookup(&kernel_memory, pa);
    if (!r) {
        kprintf("whoowns: 0x%llx is in no range of the memory map (no RAM or device known there)\n",
                (unsigned long long)pa);
        return;
    }
    char size[24];
    kprintf("whoowns: 0x%llx is in [0x%llx, 0x%llx) (%s), tagged %s\n", (unsigned long long)pa,
            (unsigned long long)r->base, (unsigned long long)r->end,
            kformat_size(size, sizeof(size), r->end - r->base), region_tag_name(r->tag));
    enum frame_where w = frame_whereis(&kernel_frames, pa);
    phys_addr_t base;
    uint64_t bytes;
    const char *who = "";
    if (w == FRAME_WHERE_HANDED_OUT && monitor_holds_frame(pa))
        who = ", kept by the monitor ('free' gives it back)";
    else if (w == FRAME_WHERE_RUN && monitor_holds_run(pa, &base, &bytes))
        who = ", a run kept by the monitor ('unrun' gives it back)";
    kprintf("whoowns: frame 0x%llx: %s%s\n", (unsigned long long)ALIGN_DOWN(pa, PAGE_SIZE),
            frame_where_name(w), who);
}

uint64_t monitor_held_frames(void)
{
    return held_count;
}
