/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's console: kprintf() and every output registered with CONSOLE_OUTPUT (COM1 and the
 * VGA text screen in src/dev/, the framebuffer console here), and the inputs registered with
 * CONSOLE_INPUT that the monitor reads (COM1, the PS/2 keyboard). Their drivers fill a ring from
 * their interrupt where the kernel routed their line (frame64/irq.h) and poll the device where it
 * did not; the monitor halts between interrupts either way.
 */
#ifndef FRAME64_CONSOLE_H
#define FRAME64_CONSOLE_H

#include <frame64/types.h>

struct fbcon;

/*
 * An output every character the kernel prints goes to. A driver registers one with
 * CONSOLE_OUTPUT(id, put) and the console calls put() for each character, one CPU at a time under
 * its lock (without it on the way down: console_emergency()); put() does nothing while its device
 * is absent. The console names no device.
 */
struct console_output {
    const char *name;
    void (*put)(char c);
};
#define CONSOLE_OUTPUT(id, put_fn)                                                                 \
    static const struct console_output console_output_##id                                         \
        __attribute__((used, section("console_outputs"), aligned(8))) = {#id, put_fn}

/* How an input's bytes are to be read: as a terminal sends them, or as PC scancodes (set 1). */
enum console_input_kind { CONSOLE_INPUT_TERMINAL, CONSOLE_INPUT_SCANCODES };

/*
 * An input the monitor reads lines from. A driver registers one with CONSOLE_INPUT(id, name,
 * kind, start, read): start() probes the device (whether it answers), read() returns a waiting
 * byte or -1 and never waits. The monitor names no device.
 */
struct console_input {
    const char *name; /* for "monitor: input from ..." */
    enum console_input_kind kind;
    bool (*start)(void);
    int (*read)(void);
};
#define CONSOLE_INPUT(id, label, input_kind, start_fn, read_fn)                                    \
    static const struct console_input console_input_##id                                           \
        __attribute__((used, section("console_inputs"), aligned(8))) = {label, input_kind,         \
                                                                        start_fn, read_fn}

/* The registered outputs and inputs, in link order. */
const struct console_output *console_output_list(size_t *n);
const struct console_input *console_input_list(size_t *n);

/*
 * Starts the framebuffer console on the multiboot2 framebuffer (direct RGB, 16/24/32 bpp), mapped
 * write-combining through kmap_device(); prints "console: framebuffer ..." or why not. Needs the
 * kernel's page tables and frames (after memory bring-up). Idempotent.
 * Return: whether a framebuffer console runs.
 */
bool fbdev_start(void);

/*
 * Sends console output to c from now on, first replaying onto it the last lines printed before
 * (so the boot log shows). NULL detaches.
 */
void console_attach_fbcon(struct fbcon *c);
/*
 * The framebuffer console output goes to, or NULL. Its geometry may be read; drawing goes through
 * console_draw().
 */
struct fbcon *console_fbcon(void);

/* Runs draw(c, ctx) on the framebuffer console under the console's lock; nothing without one. */
void console_draw(void (*draw)(struct fbcon *c, void *ctx), void *ctx);

/* Writes n bytes to every console under kprintf()'s lock (the monitor's echo). */
void console_write(const char *s, size_t n);

/*
 * Starts every line kprintf() prints from now on with prefix (NULL: none again). A ktest that
 * provokes a message on purpose marks it this way ("ktest: expected: ..."), so that a passing run
 * prints nothing that reads like a failure (ktest_expected_begin()).
 */
void console_line_prefix(const char *prefix);

/* From now on kprintf() ignores its lock: the code that held it may be the code that died. */
void console_emergency(void);

#endif
