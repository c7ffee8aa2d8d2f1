/* SPDX-License-Identifier: 0BSD */
/*
 * ACPI table parsing (pure): the RSDP, the RSDT/XSDT walk, finding a table by signature (its
 * checksum checked), the FADT's power-management fields and the DSDT's \_S5 package (the sleep
 * type values that ACPI S5 "soft off" writes to PM1a/PM1b_CNT). Nothing here touches hardware:
 * physical memory is reached only through the caller's map function, so the kernel can use its
 * direct map or device mappings and the host tests and fuzzer can hand in plain buffers. Every
 * length read from a table is checked against what map() said is readable; malformed tables are
 * refused with a sentence, never read past.
 *
 *   struct acpi a;
 *   const char *why;
 *   struct acpi_fadt f;
 *   uint8_t a5, b5;
 *   if (acpi_init(&a, &mem, rsdp, rsdp_len, &why) == K_OK &&
 *       acpi_fadt_find(&a, &f, &why) == K_OK && acpi_s5_find(&a, &f, &a5, &b5, &why) == K_OK)
 *       ... write (a5 << 10) | (1 << 13) to f.pm1a_cnt ...
 *
 * Later users (the MADT for SMP) call acpi_find() and parse the bytes it returns.
 */
#ifndef FRAME64_ACPI_H
#define FRAME64_ACPI_H

#include <frame64/types.h>

#define ACPI_HEADER_LEN 36        /* every system description table's header */
#define ACPI_TABLE_MAX  (4 * MiB) /* larger lengths are refused as corrupt */
#define ACPI_ROOT_MAX   1024      /* entries of the RSDT/XSDT read at most */

/* How the parser reaches physical memory. */
struct acpi_mem {
    /*
     * Returns a pointer through which the len bytes at physical pa can be read, or NULL when
     * they cannot (outside memory, nothing mapped). The pointer stays valid while the acpi lives.
     */
    const void *(*map)(void *ctx, phys_addr_t pa, size_t len);
    void *ctx;
};

/* The common header of every table (packed as in the ACPI specification). */
struct acpi_header {
    char signature[4];
    uint32_t length; /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum; /* the bytes of the whole table sum to 0 mod 256 */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

/* What the RSDP says, once it checked out. */
struct acpi_rsdp {
    uint8_t revision; /* 0: ACPI 1.0 (RSDT only); 2 and up: XSDT too */
    char oem_id[7];   /* NUL-terminated */
    phys_addr_t rsdt; /* 0 if none */
    phys_addr_t xsdt; /* 0 if none (or revision 0) */
};

/* A validated root table, for acpi_find(). */
struct acpi {
    struct acpi_mem mem;
    struct acpi_rsdp rsdp;
    phys_addr_t root; /* the XSDT when usable, else the RSDT */
    bool xsdt;        /* entries are 8 bytes (XSDT) rather than 4 (RSDT) */
    const uint8_t *entries;
    uint32_t count; /* entries in the root table (at most ACPI_ROOT_MAX) */
};

/* A generic address structure (register location) as the FADT gives it. */
struct acpi_gas {
    uint8_t space; /* ACPI_SPACE_* */
    uint8_t bit_width, bit_offset, access_size;
    uint64_t address;
};
enum { ACPI_SPACE_MEMORY = 0, ACPI_SPACE_IO = 1, ACPI_SPACE_PCI = 2 };

/* FADT flags this code reads. */
#define ACPI_FADT_RESET_REG_SUP (1u << 10)
#define ACPI_FADT_HW_REDUCED    (1u << 20)

/* The power-management fields of the FADT ("FACP"), 64-bit X_ fields preferred where valid. */
struct acpi_fadt {
    uint8_t revision;
    uint32_t length;
    phys_addr_t dsdt;     /* X_DSDT when present and non-zero, else DSDT; 0 if none */
    uint32_t smi_cmd;     /* I/O port that takes acpi_enable; 0: ACPI is always on */
    uint8_t acpi_enable;  /* value for smi_cmd that turns ACPI mode on */
    uint32_t pm1a_cnt;    /* I/O port of PM1a_CNT (0: none) */
    uint32_t pm1b_cnt;    /* I/O port of PM1b_CNT (0: none) */
    uint32_t flags;       /* ACPI_FADT_* (0 before revision 2's length) */
    bool reset_supported; /* the reset register below can be used */
    struct acpi_gas reset_reg;
    uint8_t reset_value;
};

/*
 * Checks the RSDP copy at p (len bytes readable): signature "RSD PTR ", the ACPI 1.0 checksum
 * over 20 bytes and, for revision 2 and up, the length field (36..len) and the extended checksum.
 * Return: K_OK and *out, or K_EINVAL with *why.
 */
int acpi_rsdp_parse(const void *p, size_t len, struct acpi_rsdp *out, const char **why);

/*
 * Maps and checks the table at pa: its header is readable, its length is at least the header and
 * at most ACPI_TABLE_MAX, the whole table is readable and its checksum is right; sig (4 characters,
 * or NULL for any) must match. Return: the table, or NULL with *why.
 */
const struct acpi_header *acpi_table_at(const struct acpi_mem *mem, phys_addr_t pa, const char *sig,
                                        const char **why);

/*
 * Parses the RSDP at rsdp (len bytes) and validates the root table it points to: the XSDT when
 * the RSDP is 2.0+ and its XSDT checks out, otherwise the RSDT.
 * Return: K_OK; K_EINVAL (RSDP or both root tables unusable) with *why.
 */
int acpi_init(struct acpi *a, const struct acpi_mem *mem, const void *rsdp, size_t len,
              const char **why);

/* The physical address of root entry i (< a->count); 0 past the end. */
phys_addr_t acpi_entry(const struct acpi *a, uint32_t i);

/*
 * The index-th (0 = first) valid table with signature sig (4 characters) among the root's
 * entries; entries that do not check out are skipped. *pa (if not NULL) gets its address.
 * Return: the table (length and checksum verified), or NULL with *why.
 */
const struct acpi_header *acpi_find(const struct acpi *a, const char *sig, unsigned index,
                                    phys_addr_t *pa, const char **why);

/*
 * Reads the FADT fields above from table (length already verified, e.g. by acpi_find()).
 * Return: K_OK, or K_EINVAL with *why when it is too short to hold PM1a_CNT_BLK.
 */
int acpi_fadt_parse(const struct acpi_header *table, struct acpi_fadt *out, const char **why);

/* acpi_find("FACP") then acpi_fadt_parse(). Return: as acpi_fadt_parse(), or K_ENOENT. */
int acpi_fadt_find(const struct acpi *a, struct acpi_fadt *out, const char **why);

/*
 * Finds the \_S5 package in AML (the DSDT's body, len bytes): "Name (_S5, Package () {a, b,...})"
 * with a and b as Zero, One, Ones or Byte/Word/DWord constants; *slp_typa and *slp_typb get their
 * low 3 bits (the SLP_TYP field). A _S5 defined as a method, or a package too short, is refused.
 * Return: K_OK, K_ENOENT (no _S5 object) or K_EINVAL (one that cannot be read), with *why.
 */
int acpi_s5_parse(const uint8_t *aml, size_t len, uint8_t *slp_typa, uint8_t *slp_typb,
                  const char **why);

/* Maps the DSDT the FADT names and runs acpi_s5_parse() over its body. Return: as that. */
int acpi_s5_find(const struct acpi *a, const struct acpi_fadt *fadt, uint8_t *slp_typa,
                 uint8_t *slp_typb, const char **why);

/* ---- the MADT ("APIC"): the processors ---- */

#define ACPI_MADT_CPUS_MAX                                                                         \
    256 /* processors listed at most (later entries are counted, not kept)                         \
         */

#define ACPI_MADT_IOAPICS_MAX   8  /* I/O APICs kept (more are refused: no PC has them) */
#define ACPI_MADT_OVERRIDES_MAX 16 /* one per ISA IRQ at most */

/* An I/O APIC (type 1): its registers and the first global system interrupt (GSI) it serves. */
struct acpi_ioapic {
    uint8_t id;
    uint32_t address;
    uint32_t gsi_base;
};

/* ISA IRQ to GSI (type 2), with the MPS INTI flags' polarity and trigger mode. */
struct acpi_irq_override {
    uint8_t irq;
    uint32_t gsi;
    uint16_t flags; /* bits 0-1 polarity, 2-3 trigger (0: the bus's default) */
};

/* Where an ISA IRQ arrives at the I/O APICs, after the overrides. */
struct acpi_isa_route {
    uint32_t gsi;
    bool active_low; /* ISA default: active high */
    bool level;      /* ISA default: edge-triggered */
};

struct acpi_madt {
    phys_addr_t lapic; /* the local APICs' registers (the 64-bit override if present) */
    unsigned cpus;     /* usable processors (enabled, or online-capable) listed */
    unsigned listed;   /* of those, kept in apic_id[] */
    unsigned disabled; /* entries neither enabled nor online-capable */
    bool x2apic;       /* some came from x2APIC entries (type 9) */
    uint32_t apic_id[ACPI_MADT_CPUS_MAX];
    unsigned ioapics;   /* in ioapic[] */
    unsigned overrides; /* in override[] */
    struct acpi_ioapic ioapic[ACPI_MADT_IOAPICS_MAX];
    struct acpi_irq_override override[ACPI_MADT_OVERRIDES_MAX];
};

/*
 * Reads the processors and interrupt routing of a MADT (length already verified): local APIC
 * entries (type 0), x2APIC entries (type 9), the LAPIC address override (type 5), I/O APICs
 * (type 1) and interrupt source overrides (type 2, ISA bus only); an entry shorter than its type
 * needs, or running past the table, ends the walk with an error, as do more I/O APICs or
 * overrides than fit, an override of an IRQ above 15 or of the same IRQ twice, and I/O APICs at
 * address 0. An APIC ID listed twice counts once.
 * Return: K_OK; K_EINVAL with *why for a table too short or a malformed entry.
 */
int acpi_madt_parse(const struct acpi_header *table, struct acpi_madt *out, const char **why);

/* acpi_find("APIC") then acpi_madt_parse(). Return: as acpi_madt_parse(), or K_ENOENT. */
int acpi_madt_find(const struct acpi *a, struct acpi_madt *out, const char **why);

/*
 * Where ISA IRQ irq (0-15) arrives: its override's GSI and flags, or GSI irq, active high,
 * edge-triggered, as ISA lines are when no override says otherwise. A polarity or trigger
 * value the specification reserves (2) is read as the bus default.
 */
struct acpi_isa_route acpi_madt_isa_route(const struct acpi_madt *m, uint8_t irq);

/* The I/O APIC of m whose inputs start at or below gsi and closest to it, or NULL. */
const struct acpi_ioapic *acpi_madt_ioapic_for(const struct acpi_madt *m, uint32_t gsi);

/*
 * Opens the kernel's ACPI tables from the RSDP in the boot information (src/kernel/acpi_kernel.c).
 * Return: K_OK; K_ENOENT (no RSDP was passed) or acpi_init()'s error, with *why.
 */
int kernel_acpi_open(struct acpi *a, const char **why);

/*
 * The MADT, read and parsed once (the first call) for everyone who needs it: SMP bring-up and the
 * interrupt controllers, on the boot CPU during boot. Return: K_OK with *m set; else the error of
 * the first read, with *why.
 */
int kernel_madt(const struct acpi_madt **m, const char **why);

#endif
