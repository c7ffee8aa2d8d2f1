/* SPDX-License-Identifier: 0BSD */
/*
 * The monitor's caches command: how often each CPU's frame cache served frame_alloc() and
 * frame_free() without the pool's lock, since boot. Typed before and after a workload, it gives
 * that workload's hit rate (bench/cachehits.sh does so around the fork test).
 */
#include <frame64/cpu.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/monitor.h>

/* "99.7%" for the part of calls that did not take the lock; "-" when there were none. */
static const char *hit_rate(char *buf, size_t size, uint64_t calls, uint64_t locked)
{
    if (calls == 0)
        return "-";
    uint64_t tenths = (calls - locked) * 1000 / calls;
    ksnprintf(buf, size, "%llu.%llu%%", (unsigned long long)(tenths / 10),
              (unsigned long long)(tenths % 10));
    return buf;
}

static void print_row(const char *who, const struct frame_cache_stats *s)
{
    char a[12], f[12];
    kprintf("%5s %12llu %9llu %6s %12llu %9llu %6s %6u\n", who, (unsigned long long)s->allocs,
            (unsigned long long)s->allocs_locked,
            hit_rate(a, sizeof(a), s->allocs, s->allocs_locked), (unsigned long long)s->frees,
            (unsigned long long)s->frees_locked, hit_rate(f, sizeof(f), s->frees, s->frees_locked),
            s->cached);
}

MONITOR_COMMAND(caches, "caches", 0, 0, "each CPU's frame cache: calls, lock trips, hit rate",
                "Counts since boot, per CPU: frame_alloc() and frame_free() calls, how many of\n"
                "them took the pool's lock (an empty cache refilled, a full one spilled, a frame\n"
                "below 16 MiB), the part served by the cache alone, and the frames cached now.")
{
    (void)argc, (void)argv;
    struct frame_cache_stats all = {0};
    kprintf("%5s %12s %9s %6s %12s %9s %6s %6s\n", "CPU", "ALLOCS", "LOCKED", "HITS", "FREES",
            "LOCKED", "HITS", "CACHED");
    for (unsigned cpu = 0; cpu < cpu_count(); cpu++) {
        struct frame_cache_stats s;
        char who[8];
        frame_cache_get_stats(&kernel_frames, cpu, &s);
        ksnprintf(who, sizeof(who), "%u", cpu);
        print_row(who, &s);
        all.allocs += s.allocs, all.allocs_locked += s.allocs_locked;
        all.frees += s.frees, all.frees_locked += s.frees_locked, all.cached += s.cached;
    }
    print_row("all", &all);
}
