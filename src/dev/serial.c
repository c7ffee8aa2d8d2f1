/* SPDX-License-Identifier: 0BSD */
/*
 * COM1 at 115200 8N1. The port is probed first (scratch register and a loopback test) so a
 * machine without one costs nothing, and every wait for the transmitter is bounded so a broken
 * UART can slow us down but never hang us. Polling the line-status register before each byte is
 * also what Bochs needs to keep every byte, so sending stays polled. Receiving is by interrupt
 * once the kernel routed IRQ 4 (a byte at a time: the FIFO's trigger level is 1): the handler
 * moves the bytes into a ring the monitor reads; without the line, the monitor polls the port.
 */
#include <arch/cpu.h>
#include <frame64/console.h>
#include <frame64/devices.h>
#include <frame64/irq.h>
#include <frame64/ring.h>

#define COM1           0x3F8
#define REG_DATA       0
#define REG_IER        1
#define REG_IIR        2 /* read */
#define REG_FCR        2 /* write */
#define REG_LCR        3
#define REG_MCR        4
#define REG_LSR        5
#define REG_MSR        6
#define REG_SCR        7
#define LSR_DR         0x01 /* a received byte is waiting */
#define LSR_THRE       0x20
#define IER_RDA        0x01 /* interrupt: received data (or the FIFO's timeout) */
#define IER_THRE       0x02 /* interrupt: the transmitter holding register is empty */
#define IIR_NONE       0x01 /* no interrupt pending */
#define MCR_OUT2       0x08 /* gates the UART's interrupt onto the ISA line on PCs */
#define HANDLER_ROUNDS 64   /* a UART that never stops interrupting cannot keep the CPU */

static bool present, by_irq;
static struct byte_ring rx;
static uint64_t thre_irqs;

bool serial_init(void)
{
    outb(COM1 + REG_SCR, 0x5A); /* no UART keeps what we write to the scratch register */
    if (inb(COM1 + REG_SCR) != 0x5A)
        return present = false;
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, 0x80); /* DLAB: divisor 1 = 115200 baud */
    outb(COM1 + REG_DATA, 0x01);
    outb(COM1 + REG_IER, 0x00);
    outb(COM1 + REG_LCR, 0x03); /* 8N1 */
    outb(COM1 + REG_FCR, 0x07); /* FIFOs on and cleared, receive trigger level 1 byte */
    outb(COM1 + REG_MCR, 0x13); /* loopback: what we send must come back */
    outb(COM1 + REG_DATA, 0xA5);
    for (int i = 0; i < 100000 && !(inb(COM1 + REG_LSR) & 1); i++)
        cpu_relax();
    present = inb(COM1 + REG_DATA) == 0xA5;
    outb(COM1 + REG_MCR, 0x03); /* DTR, RTS, loopback off */
    return present;
}

static bool started(void)
{
    return present; /* probed once, at the start of kmain() */
}

static void send(uint8_t b)
{
    for (int i = 0; i < 200000 && !(inb(COM1 + REG_LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(COM1 + REG_DATA, b);
}

/* A terminal wants "\r\n" to end a line. */
static void put(char c)
{
    if (!present)
        return;
    if (c == '\n')
        send('\r');
    send((uint8_t)c);
}

static int get(void)
{
    if (by_irq)
        return ring_get(&rx);
    if (!present || !(inb(COM1 + REG_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + REG_DATA);
}

/* IRQ 4: everything the UART has pending, until its IIR says nothing is. */
static void on_irq(void)
{
    for (int i = 0; i < HANDLER_ROUNDS; i++) {
        uint8_t iir = inb(COM1 + REG_IIR);
        if (iir & IIR_NONE)
            return;
        switch (iir & 0x0E) {
        case 0x04: /* received data */
        case 0x0C: /* the FIFO's character timeout */
            while (inb(COM1 + REG_LSR) & LSR_DR)
                ring_put(&rx, inb(COM1 + REG_DATA));
            break;
        case 0x02: /* transmitter empty: only serial_irq_poke() asks for it, once */
            outb(COM1 + REG_IER, IER_RDA);
            thre_irqs++;
            break;
        case 0x06: /* line status (an overrun): reading LSR clears it */
            (void)inb(COM1 + REG_LSR);
            break;
        default: /* modem status: reading MSR clears it */
            (void)inb(COM1 + REG_MSR);
            break;
        }
    }
}

static void routed(bool yes)
{
    if (!present || !yes)
        return;
    while (inb(COM1 + REG_LSR) & LSR_DR) /* typed before anyone listened */
        ring_put(&rx, inb(COM1 + REG_DATA));
    outb(COM1 + REG_MCR, 0x03 | MCR_OUT2);
    outb(COM1 + REG_IER, IER_RDA);
    by_irq = true;
}

bool serial_irq_poke(void)
{
    if (by_irq)
        outb(COM1 + REG_IER, IER_RDA | IER_THRE); /* the holding register is empty: at once */
    return by_irq;
}

uint64_t serial_thre_irqs(void)
{
    return __atomic_load_n(&thre_irqs, __ATOMIC_RELAXED);
}

CONSOLE_OUTPUT(serial, put);
CONSOLE_INPUT(serial, "COM1", CONSOLE_INPUT_TERMINAL, started, get);
IRQ_LINE(serial, "COM1", 4, on_irq, routed);
