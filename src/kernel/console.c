/* SPDX-License-Identifier: 0BSD */
/*
 * kprintf(): one formatter (src/lib/format.c) feeding every output registered with CONSOLE_OUTPUT
 * (the drivers' COM1 and VGA text screen, and the framebuffer console here). The framebuffer can
 * only be mapped once memory is up, so the console keeps the last LOG_SIZE bytes printed and
 * replays the last screenful of them when the framebuffer console attaches: the boot log shows
 * there too.
 */
#include <frame64/irqlock.h>
#include <frame64/console.h>
#include <frame64/fbcon.h>
#include <frame64/kprintf.h>

/* One line at a time from one CPU: a lock keeps lines from interleaving once there are more. */
static struct irqlock lock = IRQLOCK_INIT("console", LOCK_RANK_CONSOLE);
/* Set on the way down (panic, fatal exception): the lock may be held by the code that died. */
static bool emergency;

#define LOG_SIZE 16384 /* a power of two: the ring's index wraps with a mask */
static char log[LOG_SIZE] GUARDED_BY(lock);
/* Bytes ever written; the ring holds the last min(logged, LOG_SIZE). */
static uint64_t logged GUARDED_BY(lock);

static struct fbcon *fbc GUARDED_BY(lock);

void console_emergency(void)
{
    emergency = true;
}

extern const struct console_output __start_console_outputs[], __stop_console_outputs[];
extern const struct console_input __start_console_inputs[], __stop_console_inputs[];

const struct console_output *console_output_list(size_t *n)
{
    *n = (size_t)(__stop_console_outputs - __start_console_outputs);
    return __start_console_outputs;
}

const struct console_input *console_input_list(size_t *n)
{
    *n = (size_t)(__stop_console_inputs - __start_console_inputs);
    return __start_console_inputs;
}

static void fb_putc(char c) REQUIRES(lock);
static void fb_putc(char c)
{
    if (fbc)
        fbcon_putc(fbc, c);
}

CONSOLE_OUTPUT(framebuffer, fb_putc);

/* One character to every output; the caller holds the lock (or the console is in emergency). */
static void console_putc(char c) REQUIRES(lock);
static void console_putc(char c)
{
    for (const struct console_output *o = __start_console_outputs; o < __stop_console_outputs; o++)
        o->put(c);
    log[logged++ & (LOG_SIZE - 1)] = c;
}

void console_draw(void (*draw)(struct fbcon *c, void *ctx), void *ctx)
{
    uint64_t flags = irqlock_acquire(&lock);
    if (fbc)
        draw(fbc, ctx);
    irqlock_release(&lock, flags);
}

struct fbcon *console_fbcon(void)
{
    uint64_t flags = irqlock_acquire(&lock);
    struct fbcon *c = fbc;
    irqlock_release(&lock, flags);
    return c;
}

void console_attach_fbcon(struct fbcon *c)
{
    uint64_t flags = irqlock_acquire(&lock);
    fbc = c;
    if (c) {
        /* From the start of the rows-th last line (or of what the ring still holds). */
        uint64_t held = logged < LOG_SIZE ? logged : LOG_SIZE, from = logged - held;
        uint32_t lines = 0;
        for (uint64_t i = logged; i > from; i--)
            if (log[(i - 1) & (LOG_SIZE - 1)] == '\n' && ++lines == c->rows) {
                from = i;
                break;
            }
        for (uint64_t i = from; i < logged; i++)
            fbcon_putc(c, log[i & (LOG_SIZE - 1)]);
    }
    irqlock_release(&lock, flags);
}

static const char *line_prefix GUARDED_BY(lock);
static bool line_start GUARDED_BY(lock) = true; /* kprintf()'s last character ended a line */

void console_line_prefix(const char *prefix)
{
    uint64_t flags = irqlock_acquire(&lock);
    line_prefix = prefix;
    irqlock_release(&lock, flags);
}

static void put(char c, void *ctx) REQUIRES(lock);
static void put(char c, void *ctx)
{
    (void)ctx;
    if (line_start && line_prefix && !emergency) /* a panic is never "expected" */
        for (const char *p = line_prefix; *p; p++)
            console_putc(*p);
    console_putc(c);
    line_start = c == '\n';
}

/*
 * console_write() and kprintf() take the lock unless the console is in emergency mode (the code
 * that died may hold it): a condition the compile-time analysis cannot follow, so it is told to
 * skip these two. Everything they call says it needs the lock.
 */
void console_write(const char *s, size_t n) NO_THREAD_SAFETY_ANALYSIS;
void console_write(const char *s, size_t n)
{
    uint64_t flags = emergency ? 0 : irqlock_acquire(&lock);
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
    if (!emergency)
        irqlock_release(&lock, flags);
}

int kprintf(const char *fmt, ...) NO_THREAD_SAFETY_ANALYSIS;
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (emergency) {
        int n = kvformat(put, NULL, fmt, ap);
        va_end(ap);
        return n;
    }
    uint64_t flags = irqlock_acquire(&lock);
    int n = kvformat(put, NULL, fmt, ap);
    irqlock_release(&lock, flags);
    va_end(ap);
    return n;
}
