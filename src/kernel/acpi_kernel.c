/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's way into its ACPI tables (include/frame64/acpi.h's pure parser): the RSDP the boot
 * loader copied into the multiboot2 information, and acpi_map() below for the parser's reads --
 * the direct map where it reaches (tables in RAM), device mappings elsewhere (tables in reserved
 * memory past the end of RAM).
 */
#include <frame64/acpi.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kmap.h>
#include <frame64/phys.h>
#include <frame64/physmap.h>

/* Device mappings made for tables outside the direct map, kept for reuse (the window is finite). */
static struct {
    phys_addr_t base, end;
    const uint8_t *va;
} maps[8];

static const void *acpi_map(void *ctx, phys_addr_t pa, size_t len)
{
    (void)ctx;
    if (pa + len < pa)
        return NULL;
    if (pa + len <= physmap_limit())
        return phys_to_virt(pa);
    for (size_t i = 0; i < ARRAY_SIZE(maps); i++)
        if (maps[i].va && pa >= maps[i].base && pa + len <= maps[i].end)
            return maps[i].va + (pa - maps[i].base);
    for (size_t i = 0; i < ARRAY_SIZE(maps); i++) {
        if (maps[i].va)
            continue;
        phys_addr_t base = ALIGN_DOWN(pa, 2 * MiB), end = ALIGN_UP(pa + len, 2 * MiB);
        const uint8_t *va = kmap_device(base, end - base, KMAP_UNCACHED);
        if (!va)
            return NULL;
        maps[i].base = base, maps[i].end = end, maps[i].va = va;
        return va + (pa - base);
    }
    return NULL;
}

int kernel_acpi_open(struct acpi *a, const char **why)
{
    const struct acpi_mem mem = {acpi_map, NULL};
    const void *rsdp = boot_info.rsdp_new ? boot_info.rsdp_new : boot_info.rsdp_old;
    size_t len = boot_info.rsdp_new ? boot_info.rsdp_new_len : boot_info.rsdp_old_len;
    if (!rsdp) {
        *why = "the boot loader passed no ACPI RSDP";
        return K_ENOENT;
    }
    return acpi_init(a, &mem, rsdp, len, why);
}

int kernel_madt(const struct acpi_madt **m, const char **why)
{
    static struct acpi_madt madt;
    static const char *madt_why;
    static int err = 1; /* not read yet */
    if (err == 1) {
        struct acpi a;
        madt_why = "";
        err = kernel_acpi_open(&a, &madt_why);
        if (err == K_OK)
            err = acpi_madt_find(&a, &madt, &madt_why);
    }
    *m = &madt;
    *why = madt_why;
    return err;
}
