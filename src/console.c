/* SPDX-License-Identifier: 0BSD */
/*
 * kprintf(): one formatter (src/lib/format.c) feeding every console: COM1, the VGA text screen
 * and the framebuffer console. The framebuffer can only be mapped once memory is up, so the
 * console keeps the last LOG_SIZE bytes printed and replays the last screenful of them when the
 * framebuffer console attaches: the boot log shows there too.
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
static char log[LOG_SIZE];
static uint64_t logged; /* bytes ever written; the ring holds the last min(logged, LOG_SIZE) */

static struct fbcon *fbc;

void console_emergency(void)
{
    emergency = true;
}

void console_putc(char c)
{
    if (c == '\n')
        serial_putc('\r');
    serial_putc(c);
    vga_putc(c);
    if (fbc)
        fbcon_putc(fbc, c);
    log[logged++ & (LOG_SIZE - 1)] = c;
}

struct fbcon *console_fbcon(void)
{
    return fbc;
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

static void put(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
}

void console_write(const char *s, size_t n)
{
    uint64_t flags = emergency ? 0 : irqlock_acquire(&lock);
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
    if (!emergency)
        irqlock_release(&lock, flags);
}

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
