/* SPDX-License-Identifier: 0BSD */
/*
 * The FADT ("FACP") fields that power off and reset need (include/frame64/acpi.h). The table grew
 * over ACPI revisions; a field is read only when the table's length covers it, and the 64-bit
 * X_ fields win over the 32-bit ones only when they are present and non-zero.
 */
#include <frame64/acpi.h>
#include <frame64/error.h>
#include <frame64/kstring.h>

/* Byte offsets in the FADT (ACPI 6.x, table 5.9). */
#define FADT_DSDT        40
#define FADT_SMI_CMD     48
#define FADT_ACPI_ENABLE 52
#define FADT_PM1A_CNT    64
#define FADT_PM1B_CNT    68
#define FADT_FLAGS       112
#define FADT_RESET_REG   116
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT      140
#define FADT_X_PM1A_CNT  172
#define FADT_X_PM1B_CNT  184
#define GAS_LEN          12

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static void rd_gas(const uint8_t *p, struct acpi_gas *g)
{
    g->space = p[0];
    g->bit_width = p[1];
    g->bit_offset = p[2];
    g->access_size = p[3];
    g->address = rd64(p + 4);
}

/* An X_PM1x_CNT_BLK that names an I/O port below 64 KiB, or 0. */
static uint32_t x_port(const uint8_t *t, uint32_t len, uint32_t off)
{
    if (len < off + GAS_LEN)
        return 0;
    struct acpi_gas g;
    rd_gas(t + off, &g);
    return g.space == ACPI_SPACE_IO && g.address && g.address <= 0xFFFF ? (uint32_t)g.address : 0;
}

int acpi_fadt_parse(const struct acpi_header *table, struct acpi_fadt *out, const char **why)
{
    const uint8_t *t = (const uint8_t *)table;
    uint32_t len = table->length;
    memset(out, 0, sizeof(*out));
    if (len < FADT_PM1B_CNT + 4) {
        if (why)
            *why = "the FADT is too short to hold PM1a_CNT_BLK";
        return K_EINVAL;
    }
    out->revision = table->revision;
    out->length = len;
    out->dsdt = rd32(t + FADT_DSDT);
    if (len >= FADT_X_DSDT + 8 && rd64(t + FADT_X_DSDT))
        out->dsdt = rd64(t + FADT_X_DSDT);
    out->smi_cmd = rd32(t + FADT_SMI_CMD);
    out->acpi_enable = t[FADT_ACPI_ENABLE];
    out->pm1a_cnt = rd32(t + FADT_PM1A_CNT);
    out->pm1b_cnt = rd32(t + FADT_PM1B_CNT);
    uint32_t xa = x_port(t, len, FADT_X_PM1A_CNT), xb = x_port(t, len, FADT_X_PM1B_CNT);
    if (xa)
        out->pm1a_cnt = xa;
    if (xb)
        out->pm1b_cnt = xb;
    if (len >= FADT_FLAGS + 4)
        out->flags = rd32(t + FADT_FLAGS);
    if (len >= FADT_RESET_VALUE + 1) {
        rd_gas(t + FADT_RESET_REG, &out->reset_reg);
        out->reset_value = t[FADT_RESET_VALUE];
        out->reset_supported =
            (out->flags & ACPI_FADT_RESET_REG_SUP) && out->reset_reg.address &&
            (out->reset_reg.space == ACPI_SPACE_IO || out->reset_reg.space == ACPI_SPACE_MEMORY);
    }
    return K_OK;
}

int acpi_fadt_find(const struct acpi *a, struct acpi_fadt *out, const char **why)
{
    const struct acpi_header *t = acpi_find(a, "FACP", 0, NULL, why);
    if (!t) {
        if (why)
            *why = "there is no valid FADT (FACP) in the ACPI tables";
        return K_ENOENT;
    }
    return acpi_fadt_parse(t, out, why);
}
