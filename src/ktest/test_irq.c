/* SPDX-License-Identifier: 0BSD */
/*
 * ktests of interrupts on: every CPU's timer ticks at the calibrated rate (against the TSC, also
 * calibrated against the PIT, with wide bounds: TCG delivers ticks late or merges them, never
 * early), COM1's and the keyboard's interrupts arrive through the I/O APIC, and frames allocated
 * and freed in the timer interrupt on every CPU, while each CPU churns frames of its own, are never
 * handed out twice and all come back.
 */
#include <frame64/arch.h>
#include <frame64/console.h>
#include <frame64/devices.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/ktest.h>
#include <frame64/phys.h>
#include <frame64/smp.h>

#define TICKS       20
#define GIVE_UP_NS  (20ull * 1000000000) /* a CPU whose timer stopped: fail, never hang */
#define MIN_PERCENT 50                   /* ticks cannot come early: a calibration error */
#define MAX_FACTOR  25                   /* late ticks under TCG on a busy host: generous */

static struct {
    uint64_t ticks, ns;
    bool interrupts;
} tick_res[CPU_MAX];

/* Waits for a tick edge, then for TICKS more, on this CPU, spinning (a dead timer cannot hang). */
static void count_ticks(void *arg)
{
    (void)arg;
    unsigned c = cpu_index();
    tick_res[c].interrupts = arch_irq_enabled();
    uint64_t give_up = time_ns() + GIVE_UP_NS, t = irq_ticks(c);
    while (irq_ticks(c) == t && time_ns() < give_up)
        arch_relax();
    uint64_t t0 = irq_ticks(c), n0 = time_ns();
    while (irq_ticks(c) - t0 < TICKS && time_ns() < give_up)
        arch_relax();
    tick_res[c].ticks = irq_ticks(c) - t0;
    tick_res[c].ns = time_ns() - n0;
}

KTEST(irq_timer_every_cpu)
{
    KT_ASSERT(irq_timer_hz() == IRQ_TIMER_HZ, "the timer does not run on every CPU");
    smp_run_all(count_ticks, NULL);
    uint64_t expect = TICKS * (1000000000ull / IRQ_TIMER_HZ);
    for (unsigned c = 0; c < cpu_count(); c++) {
        KT_ASSERT(tick_res[c].interrupts, "CPU %u ran work with interrupts off", c);
        KT_ASSERT(tick_res[c].ticks >= TICKS, "CPU %u: %llu of %u ticks in %llu ms", c,
                  (unsigned long long)tick_res[c].ticks, TICKS,
                  (unsigned long long)(tick_res[c].ns / 1000000));
        KT_ASSERT(tick_res[c].ns >= expect * MIN_PERCENT / 100 &&
                      tick_res[c].ns <= expect * MAX_FACTOR,
                  "CPU %u: %u ticks at %u Hz took %llu ms by the TSC, not about %llu", c, TICKS,
                  IRQ_TIMER_HZ, (unsigned long long)(tick_res[c].ns / 1000000),
                  (unsigned long long)(expect / 1000000));
    }
}

/* COM1 asked for one transmitter-empty interrupt: it arrives, through IRQ 4's table entry. */
KTEST(irq_com1)
{
    KT_ASSERT(irq_timer_hz(), "interrupts are not on");
    KT_ASSERT(irq_line_name(4), "IRQ 4 (COM1) is not routed though the interrupts are on");
    KT_ASSERT(arch_irq_enabled(), "the ktests run with interrupts off");
    uint64_t seen = serial_thre_irqs(), line = irq_line_count(4);
    if (!serial_irq_poke()) {
        kprintf("ktest: irq_com1: not applicable: no COM1\n");
        return;
    }
    uint64_t give_up = time_ns() + 2000000000ull;
    while (serial_thre_irqs() == seen && time_ns() < give_up)
        arch_relax();
    KT_ASSERT(serial_thre_irqs() > seen, "COM1's transmitter-empty interrupt never arrived");
    KT_ASSERT(irq_line_count(4) > line, "COM1's interrupt came, but not through IRQ 4");
}

/*
 * The PS/2 controller hands back a scancode as if typed: it must arrive through IRQ 1 and come
 * out of the keyboard's console input (started here as the monitor starts it).
 */
KTEST(irq_keyboard)
{
    KT_ASSERT(irq_timer_hz(), "interrupts are not on");
    size_t n;
    const struct console_input *in = console_input_list(&n), *kbd = NULL;
    for (size_t i = 0; i < n; i++)
        if (in[i].kind == CONSOLE_INPUT_SCANCODES)
            kbd = &in[i];
    if (!kbd || !kbd->start()) {
        kprintf("ktest: irq_keyboard: not applicable: no PS/2 controller\n");
        return;
    }
    KT_ASSERT(irq_line_name(1), "IRQ 1 (the keyboard) is not routed though the interrupts are on");
    while (kbd->read() >= 0) /* anything the firmware left */
        ;
    uint64_t line = irq_line_count(1);
    KT_ASSERT(i8042_irq_poke(0x1E), "the keyboard takes no interrupts though IRQ 1 is routed");
    uint64_t give_up = time_ns() + 2000000000ull;
    int b = -1;
    while (b < 0 && time_ns() < give_up)
        b = kbd->read();
    KT_ASSERT(b == 0x1E, "the poked scancode 0x1e came back as %d", b);
    KT_ASSERT(irq_line_count(1) > line, "the scancode came, but not through IRQ 1");
}

/* ---- frames from interrupt context ---- */

#define HOOK_HOLD  4  /* frames each CPU's timer interrupt keeps at a time */
#define HOOK_RUNS  30 /* ticks with frame traffic each CPU must see */
#define CHURN      16 /* frames the interrupted code holds at a time */
#define MARK(c, i) (0xF7A3E00000000000ull | ((uint64_t)(c) << 32) | (i))

static struct {
    phys_addr_t held[HOOK_HOLD];
    uint64_t marks[HOOK_HOLD];
    uint64_t runs, bad, none;
    bool on;
} hk[CPU_MAX];
static uint64_t churn_bad[CPU_MAX], churn_none[CPU_MAX];

static uint64_t *word(phys_addr_t pa)
{
    return phys_to_virt(pa);
}

/* In the timer interrupt: free the oldest frame this CPU's interrupt holds (its mark intact?),
 * allocate one in its place and mark it. */
static void tick_frames(unsigned c)
{
    if (!hk[c].on)
        return;
    unsigned slot = (unsigned)(hk[c].runs % HOOK_HOLD);
    phys_addr_t old = hk[c].held[slot];
    if (old) {
        hk[c].bad += *word(old) != hk[c].marks[slot];
        frame_free(&kernel_frames, old);
    }
    phys_addr_t pa = frame_alloc(&kernel_frames);
    hk[c].held[slot] = pa == PHYS_NONE ? 0 : pa;
    hk[c].none += pa == PHYS_NONE;
    if (pa != PHYS_NONE)
        *word(pa) = hk[c].marks[slot] = MARK(c, hk[c].runs) | 0x80000000u;
    hk[c].runs++;
}

/* The interrupted code: hold CHURN marked frames, check the marks, free them, until enough ticks
 * ran the hook here; then stop the hook on this CPU (interrupts off: it cannot be running) and
 * give its frames back. */
static void churn(void *arg)
{
    (void)arg;
    unsigned c = cpu_index();
    phys_addr_t f[CHURN];
    uint64_t give_up = time_ns() + GIVE_UP_NS;
    for (uint64_t round = 0; hk[c].runs < HOOK_RUNS && time_ns() < give_up; round++) {
        for (unsigned i = 0; i < CHURN; i++) {
            f[i] = frame_alloc(&kernel_frames);
            if (f[i] == PHYS_NONE)
                churn_none[c]++;
            else
                *word(f[i]) = MARK(c, round * CHURN + i);
        }
        for (unsigned i = 0; i < CHURN; i++) {
            if (f[i] == PHYS_NONE)
                continue;
            churn_bad[c] += *word(f[i]) != MARK(c, round * CHURN + i);
            frame_free(&kernel_frames, f[i]);
        }
    }
    arch_irq_disable();
    hk[c].on = false;
    for (unsigned s = 0; s < HOOK_HOLD; s++) {
        if (hk[c].held[s]) {
            hk[c].bad += *word(hk[c].held[s]) != hk[c].marks[s];
            frame_free(&kernel_frames, hk[c].held[s]);
        }
        hk[c].held[s] = 0;
    }
    arch_irq_enable();
}

KTEST(irq_frames_from_timer)
{
    KT_ASSERT(irq_timer_hz() == IRQ_TIMER_HZ, "the timer does not run on every CPU");
    struct frame_stats before, after;
    frame_get_stats(&kernel_frames, &before);
    for (unsigned c = 0; c < cpu_count(); c++) {
        hk[c] = (typeof(hk[c])){.on = true};
        churn_bad[c] = churn_none[c] = 0;
    }
    irq_set_tick_hook(tick_frames);
    smp_run_all(churn, NULL);
    irq_set_tick_hook(NULL);
    frame_get_stats(&kernel_frames, &after);
    for (unsigned c = 0; c < cpu_count(); c++) {
        KT_ASSERT(hk[c].runs >= HOOK_RUNS, "CPU %u: the timer ran the hook %llu times, not %u", c,
                  (unsigned long long)hk[c].runs, HOOK_RUNS);
        KT_ASSERT(!hk[c].bad && !churn_bad[c],
                  "CPU %u: %llu frames of the interrupt and %llu of the interrupted code were "
                  "overwritten: a frame was handed out twice",
                  c, (unsigned long long)hk[c].bad, (unsigned long long)churn_bad[c]);
        KT_ASSERT(!hk[c].none && !churn_none[c], "CPU %u: memory ran out (%llu, %llu times)", c,
                  (unsigned long long)hk[c].none, (unsigned long long)churn_none[c]);
    }
    KT_ASSERT(after.in_use == before.in_use &&
                  after.stacked + after.unseeded + after.reserved ==
                      before.stacked + before.unseeded + before.reserved,
              "frame counts did not come back: in use 0x%llx -> 0x%llx, free 0x%llx -> 0x%llx",
              (unsigned long long)before.in_use, (unsigned long long)after.in_use,
              (unsigned long long)(before.stacked + before.unseeded),
              (unsigned long long)(after.stacked + after.unseeded));
}
