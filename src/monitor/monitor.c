/* SPDX-License-Identifier: 0BSD */
/*
 * The monitor's loop: starts the framebuffer console and the keyboard, then polls COM1 and the
 * PS/2 controller forever, feeding both into one line editor, and runs each line it completes.
 */
#include <frame64/args.h>
#include <frame64/console.h>
#include <frame64/error.h>
#include <frame64/kbd.h>
#include <frame64/kprintf.h>
#include <frame64/lineedit.h>
#include <frame64/monitor.h>

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

void monitor_run(void)
{
    static struct lineedit le;
    static struct kbd kb;
    fbdev_start();
    bool keyboard = i8042_init();
    size_t n;
    const struct monitor_cmd *cmds = monitor_commands(&n);
    size_t dup = monitor_first_duplicate(cmds, n);
    if (dup < n)
        kprintf("monitor: command '%s' is registered twice; the first one runs\n", cmds[dup].name);
    lineedit_init(&le, echo, NULL);
    kbd_init(&kb);
    kprintf("frame64 monitor: type 'help' for commands\n");
    if (!serial_present() && !keyboard)
        kprintf("monitor: neither COM1 nor a PS/2 keyboard answered: nothing can be typed\n");
    else
        kprintf("monitor: input from %s%s%s\n", serial_present() ? "COM1" : "",
                serial_present() && keyboard ? " and " : "", keyboard ? "the PS/2 keyboard" : "");
    kprintf(PROMPT);
    for (;;) {
        int b = serial_getc();
        if (b >= 0)
            finished(&le, lineedit_serial(&le, (uint8_t)b));
        int k = i8042_read();
        struct kbd_event ev;
        if (k >= 0 && kbd_feed(&kb, (uint8_t)k, &ev))
            finished(&le, lineedit_key(&le, &ev));
        if (b < 0 && k < 0)
            console_input_pause();
    }
}
