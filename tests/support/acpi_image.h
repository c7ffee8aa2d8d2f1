/* SPDX-License-Identifier: 0BSD */
/*
 * Builds ACPI tables in a host buffer that stands for physical memory at ACPI_IMG_BASE, for the
 * ACPI unit tests and the fuzzer's template mode. The layout, as QEMU's firmware makes it:
 *
 *   base+0x000  RSDP (36 bytes, revision 2)     base+0x100  RSDT -> FACP, APIC
 *   base+0x200  XSDT -> FACP, APIC              base+0x300  FACP (length 244, rev 3)
 *   base+0x500  APIC (4 processors, one off)    base+0x600  DSDT with Name(_S5, Package{5,0,0,0})
 *
 * acpi_img_map() serves [ACPI_IMG_BASE, ACPI_IMG_BASE + size) and refuses everything else.
 */
#ifndef TEST_ACPI_IMAGE_H
#define TEST_ACPI_IMAGE_H

#include <stdint.h>
#include <string.h>

#include <frame64/acpi.h>

#define ACPI_IMG_BASE 0x7fe0000ull
#define ACPI_IMG_SIZE 0x1000
#define ACPI_IMG_RSDT 0x100
#define ACPI_IMG_XSDT 0x200
#define ACPI_IMG_FACP 0x300
#define ACPI_IMG_APIC 0x500
#define ACPI_IMG_DSDT 0x600

struct acpi_img {
    uint8_t *mem;
    size_t size;
};

static inline const void *acpi_img_map(void *ctx, phys_addr_t pa, size_t len)
{
    const struct acpi_img *img = ctx;
    if (pa < ACPI_IMG_BASE || pa - ACPI_IMG_BASE > img->size ||
        len > img->size - (pa - ACPI_IMG_BASE))
        return NULL;
    return img->mem + (pa - ACPI_IMG_BASE);
}

static inline void acpi_img_w32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static inline void acpi_img_w64(uint8_t *p, uint64_t v)
{
    acpi_img_w32(p, (uint32_t)v);
    acpi_img_w32(p + 4, (uint32_t)(v >> 32));
}

/* Sets byte at so that the n bytes from p sum to 0. */
static inline void acpi_img_fix(uint8_t *p, size_t n, size_t at)
{
    uint8_t s = 0;
    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    p[at] = (uint8_t)-s;
}

/* A table header at p with signature sig and length len; the checksum is fixed afterwards. */
static inline void acpi_img_header(uint8_t *p, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(p, sig, 4);
    acpi_img_w32(p + 4, len);
    p[8] = rev;
    memcpy(p + 10, "FRAME6", 6);
}

/* Recomputes the checksum of the table at offset off (its length from its header). */
static inline void acpi_img_seal(uint8_t *mem, size_t off)
{
    uint32_t len = (uint32_t)mem[off + 4] | (uint32_t)mem[off + 5] << 8 |
                   (uint32_t)mem[off + 6] << 16 | (uint32_t)mem[off + 7] << 24;
    acpi_img_fix(mem + off, len, 9);
}

static inline void acpi_img_seal_rsdp(uint8_t *mem)
{
    acpi_img_fix(mem, 20, 8);
    acpi_img_fix(mem, 36, 32);
}

/* The DSDT body: some AML before _S5 (a scope with a device), then the package. */
static const uint8_t acpi_img_aml[] = {
    0x10, 0x0a, 0x5c, '_', 'S', 'B',  '_',  0x5b, 0x82, 0x03, 'P',  'C', /* Scope(\_SB) Device... */
    0x08, '_',  'S',  '5', '_', 0x12, 0x07, 0x04, 0x0a, 0x05, 0x00, 0x00, 0x00, /* Name(_S5,..) */
};

/* Fills img->mem (size >= ACPI_IMG_SIZE) with the layout above, every checksum right. */
static inline void acpi_img_build(struct acpi_img *img)
{
    uint8_t *m = img->mem;
    memset(m, 0, img->size);
    memcpy(m, "RSD PTR ", 8);
    memcpy(m + 9, "FRAME6", 6);
    m[15] = 2;
    acpi_img_w32(m + 16, (uint32_t)(ACPI_IMG_BASE + ACPI_IMG_RSDT));
    acpi_img_w32(m + 20, 36);
    acpi_img_w64(m + 24, ACPI_IMG_BASE + ACPI_IMG_XSDT);
    acpi_img_seal_rsdp(m);

    acpi_img_header(m + ACPI_IMG_RSDT, "RSDT", 36 + 8, 1);
    acpi_img_w32(m + ACPI_IMG_RSDT + 36, (uint32_t)(ACPI_IMG_BASE + ACPI_IMG_FACP));
    acpi_img_w32(m + ACPI_IMG_RSDT + 40, (uint32_t)(ACPI_IMG_BASE + ACPI_IMG_APIC));
    acpi_img_seal(m, ACPI_IMG_RSDT);
    acpi_img_header(m + ACPI_IMG_XSDT, "XSDT", 36 + 16, 1);
    acpi_img_w64(m + ACPI_IMG_XSDT + 36, ACPI_IMG_BASE + ACPI_IMG_FACP);
    acpi_img_w64(m + ACPI_IMG_XSDT + 44, ACPI_IMG_BASE + ACPI_IMG_APIC);
    acpi_img_seal(m, ACPI_IMG_XSDT);

    uint8_t *f = m + ACPI_IMG_FACP;
    acpi_img_header(f, "FACP", 244, 3);
    acpi_img_w32(f + 40, (uint32_t)(ACPI_IMG_BASE + ACPI_IMG_DSDT));
    acpi_img_w32(f + 48, 0xb2);      /* SMI_CMD */
    f[52] = 0xf1;                    /* ACPI_ENABLE */
    acpi_img_w32(f + 64, 0x604);     /* PM1a_CNT_BLK */
    acpi_img_w32(f + 112, 1u << 10); /* RESET_REG_SUP */
    f[116] = ACPI_SPACE_IO;          /* RESET_REG: I/O 0xcf9 */
    f[117] = 8;
    acpi_img_w64(f + 120, 0xcf9);
    f[128] = 0x06;                                        /* RESET_VALUE */
    acpi_img_w64(f + 140, ACPI_IMG_BASE + ACPI_IMG_DSDT); /* X_DSDT */
    acpi_img_seal(m, ACPI_IMG_FACP);

    /* MADT: LAPIC at 0xfee00000; APIC IDs 0 and 1 enabled, 5 disabled, x2APIC 7 online-capable. */
    uint8_t *ap = m + ACPI_IMG_APIC;
    acpi_img_header(ap, "APIC", 84, 3);
    acpi_img_w32(ap + 36, 0xfee00000);
    acpi_img_w32(ap + 40, 1); /* PCAT_COMPAT */
    static const uint8_t lapics[3][8] = {
        {0, 8, 0, 0, 1, 0, 0, 0}, {0, 8, 1, 1, 1, 0, 0, 0}, {0, 8, 2, 5, 0, 0, 0, 0}};
    memcpy(ap + 44, lapics, sizeof(lapics));
    static const uint8_t x2[16] = {9, 16, 0, 0, 7, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0};
    memcpy(ap + 68, x2, sizeof(x2));
    acpi_img_seal(m, ACPI_IMG_APIC);

    acpi_img_header(m + ACPI_IMG_DSDT, "DSDT", (uint32_t)(36 + sizeof(acpi_img_aml)), 1);
    memcpy(m + ACPI_IMG_DSDT + 36, acpi_img_aml, sizeof(acpi_img_aml));
    acpi_img_seal(m, ACPI_IMG_DSDT);
}

#endif
