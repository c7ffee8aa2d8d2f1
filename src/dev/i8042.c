/* SPDX-License-Identifier: 0BSD */
/*
 * The PS/2 controller, polled: bytes from the keyboard arrive in the output buffer (port 0x60)
 * when bit 0 of the status port (0x64) is set; bit 5 marks the mouse's bytes, which are dropped.
 * The firmware leaves the controller translating to scancode set 1 with the keyboard enabled
 * (SeaBIOS, OVMF, and USB legacy emulation on PCs), which is what src/console/kbd.c decodes, so
 * nothing is reprogrammed. A machine without a controller reads 0xFF from the status port.
 */
#include <arch/cpu.h>
#include <frame64/console.h>
#include <frame64/devices.h>

#define DATA      0x60
#define STATUS    0x64
#define CMD       0x64
#define ST_OUTPUT 0x01 /* a byte is waiting in DATA */
#define ST_INPUT  0x02 /* the controller has not taken the last command yet */
#define ST_AUX    0x20 /* the waiting byte came from the mouse */
#define CMD_RESET 0xFE /* pulse output line 0: the CPU's reset */

static bool present;

static bool start(void)
{
    present = inb(STATUS) != 0xFF;
    /* Drop what piled up while nobody listened (key releases, the firmware's replies). */
    for (int i = 0; present && i < 64 && (inb(STATUS) & ST_OUTPUT); i++)
        (void)inb(DATA);
    return present;
}

static int read(void)
{
    if (!present)
        return -1;
    uint8_t st = inb(STATUS);
    if (!(st & ST_OUTPUT))
        return -1;
    uint8_t b = inb(DATA);
    return st & ST_AUX ? -1 : b;
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
