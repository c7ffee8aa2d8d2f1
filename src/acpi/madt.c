/* SPDX-License-Identifier: 0BSD */
/*
 * The MADT ("APIC"): which processors exist. After the header come the local APIC address and
 * flags (8 bytes), then variable-length entries: type, length, body. The walk never reads an
 * entry unless its two header bytes and its whole stated length lie inside the table, and stops
 * at the first entry that breaks that: after it nothing can be trusted.
 */
#include <frame64/acpi.h>
#include <frame64/error.h>
#include <frame64/kstring.h>

#define MADT_BODY        (ACPI_HEADER_LEN + 8)
#define ENTRY_LAPIC      0
#define ENTRY_LAPIC_ADDR 5
#define ENTRY_X2APIC     9
#define CPU_ENABLED      1u
#define CPU_ONLINE_CAP   2u

static uint32_t ld32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof(v));
    return v;
}

static void add_cpu(struct acpi_madt *m, uint32_t apic_id, uint32_t flags)
{
    if (!(flags & (CPU_ENABLED | CPU_ONLINE_CAP))) {
        m->disabled++;
        return;
    }
    for (unsigned i = 0; i < m->listed; i++)
        if (m->apic_id[i] == apic_id)
            return; /* the same processor in an xAPIC and an x2APIC entry */
    m->cpus++;
    if (m->listed < ACPI_MADT_CPUS_MAX)
        m->apic_id[m->listed++] = apic_id;
}

int acpi_madt_parse(const struct acpi_header *table, struct acpi_madt *out, const char **why)
{
    const uint8_t *t = (const uint8_t *)table;
    uint32_t len = table->length;
    memset(out, 0, sizeof(*out));
    if (len < MADT_BODY) {
        *why = "the MADT is too short for its local APIC address";
        return K_EINVAL;
    }
    out->lapic = ld32(t + ACPI_HEADER_LEN);
    for (uint32_t off = MADT_BODY; off < len;) {
        uint8_t type = t[off], elen = len - off >= 2 ? t[off + 1] : 0;
        if (elen < 2 || elen > len - off) {
            *why = "a MADT entry is shorter than its header or runs past the table";
            return K_EINVAL;
        }
        const uint8_t *e = t + off;
        if (type == ENTRY_LAPIC) {
            if (elen < 8) {
                *why = "a MADT local APIC entry is shorter than 8 bytes";
                return K_EINVAL;
            }
            add_cpu(out, e[3], ld32(e + 4));
        } else if (type == ENTRY_X2APIC) {
            if (elen < 16) {
                *why = "a MADT x2APIC entry is shorter than 16 bytes";
                return K_EINVAL;
            }
            out->x2apic = true;
            add_cpu(out, ld32(e + 4), ld32(e + 8));
        } else if (type == ENTRY_LAPIC_ADDR && elen >= 12) {
            uint64_t a;
            memcpy(&a, e + 4, sizeof(a));
            out->lapic = a;
        }
        off += elen;
    }
    return K_OK;
}

int acpi_madt_find(const struct acpi *a, struct acpi_madt *out, const char **why)
{
    const struct acpi_header *t = acpi_find(a, "APIC", 0, NULL, why);
    if (!t) {
        *why = "there is no valid MADT (APIC) in the ACPI tables";
        return K_ENOENT;
    }
    return acpi_madt_parse(t, out, why);
}
