/* SPDX-License-Identifier: 0BSD */
/*
 * COM1 at 115200 8N1. The port is probed first (scratch register and a loopback test) so a
 * machine without one costs nothing, and every wait for the transmitter is bounded so a broken
 * UART can slow us down but never hang us. Polling the line-status register before each byte is
 * also what Bochs needs to keep every byte.
 */
#include <arch/cpu.h>
#include <frame64/console.h>
#include <frame64/devices.h>

#define COM1     0x3F8
#define REG_DATA 0
#define REG_IER  1
#define REG_FCR  2
#define REG_LCR  3
#define REG_MCR  4
#define REG_LSR  5
#define REG_SCR  7
#define LSR_DR   0x01 /* a received byte is waiting */
#define LSR_THRE 0x20

static bool present;

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
    outb(COM1 + REG_FCR, 0xC7);
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
    if (!present || !(inb(COM1 + REG_LSR) & LSR_DR))
        return -1;
    return inb(COM1 + REG_DATA);
}

CONSOLE_OUTPUT(serial, put);
CONSOLE_INPUT(serial, "COM1", CONSOLE_INPUT_TERMINAL, started, get);
