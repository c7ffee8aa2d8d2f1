/* SPDX-License-Identifier: 0BSD */
/*
 * The legacy 8259 PICs. The BIOS leaves them routing the timer and keyboard to vectors 8 and 9,
 * which in long mode are #DF and a reserved exception: with interrupts ever enabled (user code
 * runs with IF set) a tick would look like a double fault. Nothing is routed through them, so
 * every line is masked.
 */
#include <arch/cpu.h>
#include <frame64/arch.h>

void arch_mask_legacy_irqs(void)
{
    outb(0x21, 0xFF); /* master data port: mask IRQ 0-7 */
    outb(0xA1, 0xFF); /* slave: mask IRQ 8-15 */
}
