/* SPDX-License-Identifier: 0BSD */
/* kprintf(): one formatter (src/lib/format.c) feeding every console. */
#include <arch/irqlock.h>
#include <frame64/console.h>
#include <frame64/kprintf.h>

/* One line at a time from one CPU: a lock keeps lines from interleaving once there are more. */
static struct irqlock lock = IRQLOCK_INIT;
/* Set on the way down (panic, fatal exception): the lock may be held by the code that died. */
static bool emergency;

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
}

static void put(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
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
