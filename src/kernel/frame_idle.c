/* SPDX-License-Identifier: 0BSD */
/*
 * A CPU that goes idle gives its cached frames back to the shared stack (IDLE_WORK,
 * include/frame64/sched.h). Parked in a cache, the last frames freed keep their 2 MiB areas from
 * going whole: after a large free in random order, one cached frame in each of up to 510 areas
 * holds every one of them on the stack, and the single frames handed out next are spread over
 * them all (docs/performance.md, "Fragmentation"). Runs and 2 MiB requests gather every cache
 * anyway before they drain; this is for the areas that would go whole meanwhile. Linux's per-CPU
 * page lists decay the same way on a CPU that stops using them. The next burst on this CPU
 * refills its cache with one node of the stack, under one lock.
 */
#include <frame64/frame.h>
#include <frame64/kernel.h>
#include <frame64/sched.h>

static void give_back_cache(unsigned cpu)
{
    (void)cpu; /* frame_cache_drain() works on this CPU's cache; an empty one costs no lock */
    frame_cache_drain(&kernel_frames);
}

IDLE_WORK(frame_cache, give_back_cache);
