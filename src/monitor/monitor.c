/* SPDX-License-Identifier: 0BSD */
/*
 * The monitor's loop: starts the framebuffer console and every input registered with
 * CONSOLE_INPUT, then reads those that answered forever, feeding them into one line editor
 * (terminal bytes as they are, scancodes through the keyboard decoder), and runs each line it
 * completes. Between bytes the boot CPU halts until an interrupt (docs/interrupts.md).
 */
#include <arch/cpu_local.h>
#include <frame64/arch.h>
#include <frame64/args.h>
#include <frame64/console.h>
#include <frame64/error.h>
#include <frame64/interrupts.h>
#include <frame64/kbd.h>
#include <frame64/kprintf.h>
#include <frame64/lineedit.h>
#include <frame64/monitor.h>
#include <frame64/sched.h>

#include "monitor_internal.h"

#define PROMPT "frame64> "

extern const struct monitor_cmd __start_monitor_cmds[], __stop_monitor_cmds[];

const struct monitor_cmd *monitor_commands(size_t *n)
{
    *n = (size_t)(__stop_monitor_cmds - __start_monitor_cmds);
    return __start_monitor_cmds;
}

bool monitor_number(const char *word, uint64_t *out)
{
    char err[ARGS_ERR_SIZE];
    if (args_number(word, out, err, sizeof(err)) == K_OK)
        return true;
    kprintf("%s\n", err);
    return false;
}

static void echo(void *ctx, const char *s, size_t n)
{
    (void)ctx;
    console_write(s, n);
}

static void run_line(const char *text)
{
    static char line[LINEEDIT_MAX + 1];
    size_t i = 0;
    for (; i < LINEEDIT_MAX && text[i]; i++)
        line[i] = text[i];
    line[i] = '\0';
    size_t n;
    const struct monitor_cmd *cmds = monitor_commands(&n), *cmd;
    char *argv[ARGS_MAX_WORDS], err[MONITOR_ERR_SIZE];
    int argc;
    if (monitor_parse(cmds, n, line, &cmd, &argc, argv, err, sizeof(err)) != K_OK)
        kprintf("%s\n", err);
    else if (cmd)
        cmd->run(argc, argv);
}

static void finished(struct lineedit *le, enum lineedit_status s)
{
    if (s == LINEEDIT_EDITING)
        return;
    if (s == LINEEDIT_LINE)
        run_line(lineedit_line(le));
    else
        kprintf("That line is longer than %d characters; it was ignored.\n", LINEEDIT_MAX);
    kprintf(PROMPT);
}

#define INPUTS_MAX 8 /* more registered inputs than this are not polled (and said so) */

/* Starts the inputs and says which answered. Return: a bit per input that did. */
static uint32_t start_inputs(const struct console_input *in, size_t n)
{
    uint32_t live = 0;
    unsigned count = 0;
    char names[160] = "";
    size_t len = 0;
    if (n > INPUTS_MAX)
        kprintf("monitor: %zu inputs are registered; only the first %d are read\n", n, INPUTS_MAX);
    for (size_t i = 0; i < n && i < INPUTS_MAX; i++)
        if (in[i].start())
            live |= 1u << i, count++;
    for (size_t i = 0, k = 0; i < n && i < INPUTS_MAX; i++) {
        if (!(live & (1u << i)))
            continue;
        k++;
        const char *sep = k == 1 ? "" : k == count ? " and " : ", ";
        len += (size_t)ksnprintf(names + len, sizeof(names) - len, "%s%s", sep, in[i].name);
        if (len >= sizeof(names))
            len = sizeof(names) - 1;
    }
    if (!live)
        kprintf("monitor: no input answered (COM1, a PS/2 keyboard): nothing can be typed\n");
    else
        kprintf("monitor: input from %s\n", names);
    return live;
}

/*
 * Nothing was waiting: halt until an interrupt (a device's byte, or the next tick, which also
 * rereads inputs whose line is not routed) instead of spinning. Without a timer (no local APIC)
 * interrupts stay off and a polled input needs a short spin instead: hlt might never wake.
 */
static void wait_for_input(void)
{
    if (irq_timer_hz()) {
        sched_sleep_until(time_ns() + 1); /* the next tick; other threads run meanwhile */
        arch_irq_enable();
        return;
    }
    for (int i = 0; i < 200; i++)
        arch_relax();
}

void monitor_run(void)
{
    static struct lineedit le;
    static struct kbd kb;
    fbdev_start();
    size_t n, nin;
    const struct monitor_cmd *cmds = monitor_commands(&n);
    const struct console_input *in = console_input_list(&nin);
    size_t dup = monitor_first_duplicate(cmds, n);
    if (dup < n)
        kprintf("monitor: command '%s' is registered twice; the first one runs\n", cmds[dup].name);
    lineedit_init(&le, echo, NULL);
    kbd_init(&kb);
    kprintf("frame64 monitor: type 'help' for commands\n");
    uint32_t live = start_inputs(in, nin);
    kprintf(PROMPT);
    for (;;) {
        /* Read with interrupts off: a byte that arrives after the last look ends the hlt. */
        uint64_t irq = arch_irq_save();
        int b[INPUTS_MAX];
        bool any = false;
        for (size_t i = 0; i < nin && i < INPUTS_MAX; i++) {
            b[i] = (live & (1u << i)) ? in[i].read() : -1;
            any |= b[i] >= 0;
        }
        if (!any) {
            wait_for_input();
            continue;
        }
        arch_irq_restore(irq);
        for (size_t i = 0; i < nin && i < INPUTS_MAX; i++) {
            struct kbd_event ev;
            if (b[i] < 0)
                continue;
            if (in[i].kind == CONSOLE_INPUT_TERMINAL)
                finished(&le, lineedit_serial(&le, (uint8_t)b[i]));
            else if (kbd_feed(&kb, (uint8_t)b[i], &ev))
                finished(&le, lineedit_key(&le, &ev));
        }
    }
}
