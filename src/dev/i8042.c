/* SPDX-License-Identifier: 0BSD */
/*
 * The PS/2 controller: bytes from the keyboard arrive in the output buffer (port 0x60) when bit
 * 0 of the status port (0x64) is set; bit 5 marks the mouse's bytes, which are dropped. The
 * firmware leaves the controller translating to scancode set 1 with the keyboard enabled
 * (SeaBIOS, OVMF, and USB legacy emulation on PCs), which is what src/console/kbd.c decodes.
 * When the kernel routed IRQ 1, start() turns the keyboard's interrupt on in the controller's
 * configuration byte (and the mouse's clock off: nothing reads it, and a mouse byte left in the
 * buffer would hold up the keyboard's) and the handler moves the bytes into a ring; otherwise
 * the keyboard is polled. A machine without a controller reads 0xFF from the status port.
 */
#include <arch/cpu.h>
#include <arch/cpu_local.h>
#include <frame64/console.h>
#include <frame64/devices.h>
#include <frame64/irq.h>
#include <frame64/ring.h>

#define DATA           0x60
#define STATUS         0x64
#define CMD            0x64
#define ST_OUTPUT      0x01 /* a byte is waiting in DATA */
#define ST_INPUT       0x02 /* the controller has not taken the last command yet */
#define ST_AUX         0x20 /* the waiting byte came from the mouse */
#define CMD_RESET      0xFE /* pulse output line 0: the CPU's reset */
#define CMD_READ_CFG   0x20
#define CMD_WRITE_CFG  0x60
#define CMD_KBD_OFF    0xAD
#define CMD_KBD_ON     0xAE
#define CMD_WRITE_OBUF 0xD2 /* the next data byte comes back as if the keyboard sent it */
#define CFG_KBD_IRQ    0x01
#define CFG_AUX_IRQ    0x02
#define CFG_AUX_OFF    0x20
#define WAIT           100000
#define HANDLER_ROUNDS 16

static bool present, routed_ok, by_irq;
static struct byte_ring rx;

static bool wait_input_empty(void)
{
    for (int i = 0; i < WAIT; i++)
        if (!(inb(STATUS) & ST_INPUT))
            return true;
    return false;
}

/* The configuration byte with the keyboard's interrupt on. Return: whether the controller took it.
 */
static bool enable_irq(void)
{
    if (!wait_input_empty())
        return false;
    outb(CMD, CMD_KBD_OFF); /* no key byte mixes with the answer below */
    for (int i = 0; i < 64 && (inb(STATUS) & ST_OUTPUT); i++)
        (void)inb(DATA);
    int cfg = -1;
    if (wait_input_empty()) {
        outb(CMD, CMD_READ_CFG);
        for (int i = 0; i < WAIT && cfg < 0; i++)
            if (inb(STATUS) & ST_OUTPUT)
                cfg = inb(DATA);
    }
    bool ok = cfg >= 0 && wait_input_empty();
    if (ok) {
        outb(CMD, CMD_WRITE_CFG);
        ok = wait_input_empty();
        if (ok)
            outb(DATA, (uint8_t)((cfg | CFG_KBD_IRQ | CFG_AUX_OFF) & ~CFG_AUX_IRQ));
    }
    if (wait_input_empty())
        outb(CMD, CMD_KBD_ON);
    return ok;
}

static bool start(void)
{
    present = inb(STATUS) != 0xFF;
    /* Drop what piled up while nobody listened (key releases, the firmware's replies). */
    for (int i = 0; present && i < 64 && (inb(STATUS) & ST_OUTPUT); i++)
        (void)inb(DATA);
    if (present && routed_ok && !by_irq) {
        uint64_t irq = arch_irq_save(); /* the handler must not take the answer as a key */
        by_irq = enable_irq();
        arch_irq_restore(irq);
    }
    return present;
}

/*
 * The ring first: even where start() could not set the configuration byte, the firmware may have
 * left the keyboard's interrupt on. Polling then runs with interrupts off, so the handler cannot
 * take the byte between the status and the data read.
 */
static int read(void)
{
    int b = ring_get(&rx);
    if (b >= 0 || by_irq || !present)
        return b;
    uint64_t irq = arch_irq_save();
    uint8_t st = inb(STATUS);
    if (st & ST_OUTPUT) {
        uint8_t v = inb(DATA);
        b = st & ST_AUX ? -1 : v;
    }
    arch_irq_restore(irq);
    return b;
}

/* IRQ 1: every byte waiting (the keyboard's to the ring, a stray mouse byte dropped). */
static void on_irq(void)
{
    for (int i = 0; i < HANDLER_ROUNDS; i++) {
        uint8_t st = inb(STATUS);
        if (!(st & ST_OUTPUT) || st == 0xFF)
            return;
        uint8_t b = inb(DATA);
        if (!(st & ST_AUX))
            ring_put(&rx, b);
    }
}

static void routed(bool yes)
{
    routed_ok = yes;
}

bool i8042_irq_poke(uint8_t b)
{
    if (!by_irq || !wait_input_empty())
        return false;
    outb(CMD, CMD_WRITE_OBUF);
    if (!wait_input_empty())
        return false;
    outb(DATA, b);
    return true;
}

void i8042_reset_cpu(void)
{
    for (int i = 0; i < 100000 && (inb(STATUS) & ST_INPUT); i++)
        cpu_relax();
    outb(CMD, CMD_RESET);
    for (int i = 0; i < 1000000; i++)
        cpu_relax(); /* the reset takes a moment; return only if it did not come */
}

CONSOLE_INPUT(i8042, "the PS/2 keyboard", CONSOLE_INPUT_SCANCODES, start, read);
IRQ_LINE(i8042, "the PS/2 keyboard", 1, on_irq, routed);
