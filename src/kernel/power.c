/* SPDX-License-Identifier: 0BSD */
/*
 * poweroff and reboot (include/frame64/power.h). The ACPI tables are read by the pure parser in
 * src/acpi/ (opened by kernel_acpi_open()). The firmware has usually
 * switched ACPI mode on already; if PM1a_CNT's SCI_EN is clear, the FADT's SMI command does it.
 */
#include <arch/cpu.h>
#include <frame64/acpi.h>
#include <frame64/devices.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kmap.h>
#include <frame64/kprintf.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>
#include <frame64/power.h>

#define SLP_EN         (1u << 13)
#define SCI_EN         1u
#define QEMU_EXIT_PORT 0xF4

static void spin(unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        cpu_relax();
}

static void acpi_s5(void)
{
    struct acpi a;
    struct acpi_fadt f;
    const char *why = "";
    uint8_t typa, typb;
    if (kernel_acpi_open(&a, &why) != K_OK || acpi_fadt_find(&a, &f, &why) != K_OK ||
        acpi_s5_find(&a, &f, &typa, &typb, &why) != K_OK) {
        kprintf("poweroff: no ACPI S5: %s.\n", why);
        return;
    }
    if (!f.pm1a_cnt || f.pm1a_cnt > 0xFFFF) {
        kprintf("poweroff: no ACPI S5: the FADT has no PM1a_CNT port.\n");
        return;
    }
    if (!(inw((uint16_t)f.pm1a_cnt) & SCI_EN) && f.smi_cmd && f.acpi_enable) {
        kprintf("poweroff: switching ACPI mode on (SMI command 0x%x)\n", f.smi_cmd);
        outb((uint16_t)f.smi_cmd, f.acpi_enable);
        for (int i = 0; i < 1000 && !(inw((uint16_t)f.pm1a_cnt) & SCI_EN); i++)
            spin(10000);
    }
    kprintf("poweroff: ACPI S5 (SLP_TYPa %u, SLP_TYPb %u) through PM1a_CNT 0x%x\n", typa, typb,
            f.pm1a_cnt);
    outw((uint16_t)f.pm1a_cnt, (uint16_t)(typa << 10 | SLP_EN));
    if (f.pm1b_cnt && f.pm1b_cnt <= 0xFFFF)
        outw((uint16_t)f.pm1b_cnt, (uint16_t)(typb << 10 | SLP_EN));
    spin(10000000);
    kprintf("poweroff: the machine is still on after ACPI S5.\n");
}

void power_off(void)
{
    acpi_s5();
    kprintf("poweroff: trying QEMU's isa-debug-exit (port 0x%x)\n", QEMU_EXIT_PORT);
    outb(QEMU_EXIT_PORT, 0);
    spin(1000000);
    kprintf("It is now safe to switch off the computer.\n");
    cpu_halt_forever();
}

static void acpi_reset(void)
{
    struct acpi a;
    struct acpi_fadt f;
    const char *why = "";
    if (kernel_acpi_open(&a, &why) != K_OK || acpi_fadt_find(&a, &f, &why) != K_OK) {
        kprintf("reboot: no ACPI reset register: %s.\n", why);
        return;
    }
    if (!f.reset_supported) {
        kprintf("reboot: the FADT offers no reset register.\n");
        return;
    }
    kprintf("reboot: ACPI reset register (%s 0x%llx, value 0x%x)\n",
            f.reset_reg.space == ACPI_SPACE_IO ? "port" : "memory",
            (unsigned long long)f.reset_reg.address, f.reset_value);
    if (f.reset_reg.space == ACPI_SPACE_IO && f.reset_reg.address <= 0xFFFF) {
        outb((uint16_t)f.reset_reg.address, f.reset_value);
    } else if (f.reset_reg.space == ACPI_SPACE_MEMORY) {
        volatile uint8_t *r = kmap_device(f.reset_reg.address, 1, KMAP_UNCACHED);
        if (r)
            *r = f.reset_value;
    }
    spin(10000000);
}

void power_reboot(void)
{
    kprintf("reboot: keyboard controller reset\n");
    i8042_reset_cpu();
    acpi_reset();
    kprintf("reboot: triple fault\n");
    struct __attribute__((packed)) {
        uint16_t limit;
        uint64_t base;
    } empty = {0, 0};
    __asm__ volatile("lidt %0; int3" : : "m"(empty));
    cpu_halt_forever();
}
