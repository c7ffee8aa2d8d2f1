/* SPDX-License-Identifier: 0BSD */
/*
 * The MADT ("APIC"): which processors exist, where the I/O APICs are and how the ISA IRQs reach
 * them. After the header come the local APIC address and flags (8 bytes), then variable-length
 * entries: type, length, body. The walk never reads an
 * entry unless its two header bytes and its whole stated length lie inside the table, and stops
 * at the first entry that breaks that: after it nothing can be trusted.
 */
#include <frame64/acpi.h>
#include <frame64/error.h>
#include <frame64/kstring.h>

#define MADT_BODY        (ACPI_HEADER_LEN + 8)
#define ENTRY_LAPIC      0
#define ENTRY_IOAPIC     1
#define ENTRY_OVERRIDE   2
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

/* An I/O APIC entry (type 1, 12 bytes: id, reserved, address, GSI base). Return: an error or NULL.
 */
static const char *add_ioapic(struct acpi_madt *m, const uint8_t *e, uint8_t elen)
{
    if (elen < 12)
        return "a MADT I/O APIC entry is shorter than 12 bytes";
    if (m->ioapics == ACPI_MADT_IOAPICS_MAX)
        return "the MADT lists more I/O APICs than this kernel keeps (8)";
    struct acpi_ioapic *io = &m->ioapic[m->ioapics];
    io->id = e[2];
    io->address = ld32(e + 4);
    io->gsi_base = ld32(e + 8);
    if (io->address == 0)
        return "a MADT I/O APIC entry has its registers at address 0";
    m->ioapics++;
    return NULL;
}

/*
 * An interrupt source override (type 2, 10 bytes: bus, IRQ, GSI, flags). Only the ISA bus (0)
 * exists for it. Return: an error or NULL.
 */
static const char *add_override(struct acpi_madt *m, const uint8_t *e, uint8_t elen)
{
    if (elen < 10)
        return "a MADT interrupt source override is shorter than 10 bytes";
    if (e[2] != 0)
        return "a MADT interrupt source override names a bus other than ISA";
    if (e[3] > 15)
        return "a MADT interrupt source override names an ISA IRQ above 15";
    for (unsigned i = 0; i < m->overrides; i++)
        if (m->override[i].irq == e[3])
            return "the MADT overrides the same ISA IRQ twice";
    if (m->overrides == ACPI_MADT_OVERRIDES_MAX)
        return "the MADT has more interrupt source overrides than ISA IRQs";
    uint16_t flags;
    memcpy(&flags, e + 8, sizeof(flags));
    m->override[m->overrides++] = (struct acpi_irq_override){e[3], ld32(e + 4), flags};
    return NULL;
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
        } else if (type == ENTRY_IOAPIC || type == ENTRY_OVERRIDE) {
            const char *bad =
                type == ENTRY_IOAPIC ? add_ioapic(out, e, elen) : add_override(out, e, elen);
            if (bad) {
                *why = bad;
                return K_EINVAL;
            }
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

struct acpi_isa_route acpi_madt_isa_route(const struct acpi_madt *m, uint8_t irq)
{
    struct acpi_isa_route r = {irq, false, false};
    for (unsigned i = 0; i < m->overrides; i++) {
        if (m->override[i].irq != irq)
            continue;
        uint16_t f = m->override[i].flags;
        r.gsi = m->override[i].gsi;
        r.active_low = (f & 3) == 3;   /* 1: high, 3: low, 0 (and reserved 2): ISA's high */
        r.level = ((f >> 2) & 3) == 3; /* 1: edge, 3: level, 0 (and reserved 2): ISA's edge */
    }
    return r;
}

const struct acpi_ioapic *acpi_madt_ioapic_for(const struct acpi_madt *m, uint32_t gsi)
{
    const struct acpi_ioapic *best = NULL;
    for (unsigned i = 0; i < m->ioapics; i++)
        if (m->ioapic[i].gsi_base <= gsi && (!best || m->ioapic[i].gsi_base > best->gsi_base))
            best = &m->ioapic[i];
    return best;
}
