/* SPDX-License-Identifier: 0BSD */
/*
 * The time of day (CLOCK_REALTIME): the CMOS real-time clock read once at boot, carried forward
 * by time_ns(), the TSC-based monotonic clock. Nothing sets it later (no NTP, no settimeofday),
 * so it drifts with the TSC's calibration, which is as good as the PIT it was measured against.
 */
#include <frame64/arch.h>
#include <frame64/civil_time.h>
#include <frame64/devices.h>
#include <frame64/interrupts.h>
#include <frame64/kprintf.h>
#include <frame64/vclock.h>

/* wallclock_ns() - time_ns() is vclock_page.clock.epoch_ns (0: unknown), which the vDSO reads. */

void wallclock_init(void)
{
    struct civil_time t;
    if (!rtc_read(&t)) {
        kprintf("clock: no valid date in the CMOS real-time clock; the time of day starts at "
                "1970-01-01\n");
        return;
    }
    struct vclock *c = &vclock_page.clock;
    vclock_write_begin(c);
    __atomic_store_n(&c->epoch_ns, (uint64_t)civil_to_unix(&t) * 1000000000ull - time_ns(),
                     __ATOMIC_RELAXED);
    vclock_write_end(c);
    kprintf("clock: %04d-%02d-%02d %02d:%02d:%02d UTC from the CMOS real-time clock\n", t.year,
            t.month, t.day, t.hour, t.minute, t.second);
}

uint64_t wallclock_ns(void)
{
    return vclock_real_ns(&vclock_page.clock, arch_cycles());
}
