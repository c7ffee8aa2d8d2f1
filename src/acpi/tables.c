/* SPDX-License-Identifier: 0BSD */
/*
 * ACPI root tables (include/frame64/acpi.h): the RSDP, the RSDT/XSDT and finding a table in
 * them. Fields are read byte by byte (tables need not be aligned) and every length is checked
 * against what the caller's map() made readable before a byte past the header is touched.
 */
#include <frame64/acpi.h>
#include <frame64/error.h>
#include <frame64/kstring.h>

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
    return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static int refuse(const char **why, const char *sentence)
{
    if (why)
        *why = sentence;
    return K_EINVAL;
}

int acpi_rsdp_parse(const void *p, size_t len, struct acpi_rsdp *out, const char **why)
{
    const uint8_t *b = p;
    if (!b || len < 20)
        return refuse(why, "the RSDP is shorter than its 20-byte ACPI 1.0 part");
    if (memcmp(b, "RSD PTR ", 8) != 0)
        return refuse(why, "the RSDP does not start with \"RSD PTR \"");
    if (sum(b, 20) != 0)
        return refuse(why, "the RSDP's checksum over its first 20 bytes is wrong");
    memset(out, 0, sizeof(*out));
    out->revision = b[15];
    memcpy(out->oem_id, b + 9, 6);
    out->rsdt = rd32(b + 16);
    if (out->revision >= 2) {
        if (len < 36)
            return refuse(why, "the ACPI 2.0+ RSDP is shorter than 36 bytes");
        uint32_t length = rd32(b + 20);
        if (length < 36 || length > len)
            return refuse(why, "the ACPI 2.0+ RSDP's length field is out of range");
        if (sum(b, length) != 0)
            return refuse(why, "the ACPI 2.0+ RSDP's extended checksum is wrong");
        out->xsdt = rd64(b + 24);
    }
    if (!out->rsdt && !out->xsdt)
        return refuse(why, "the RSDP points to neither an RSDT nor an XSDT");
    return K_OK;
}

const struct acpi_header *acpi_table_at(const struct acpi_mem *mem, phys_addr_t pa, const char *sig,
                                        const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    if (!pa) {
        *why = "the table address is 0";
        return NULL;
    }
    const uint8_t *h = mem->map(mem->ctx, pa, ACPI_HEADER_LEN);
    if (!h) {
        *why = "the table header cannot be read";
        return NULL;
    }
    if (sig && memcmp(h, sig, 4) != 0) {
        *why = "the table has another signature";
        return NULL;
    }
    uint32_t length = rd32(h + 4);
    if (length < ACPI_HEADER_LEN || length > ACPI_TABLE_MAX) {
        *why = "the table's length is smaller than its header or implausibly large";
        return NULL;
    }
    const uint8_t *t = mem->map(mem->ctx, pa, length);
    if (!t) {
        *why = "the table's length runs past readable memory";
        return NULL;
    }
    /* map() may hand out another view for the longer length: check the signature again there. */
    if ((sig && memcmp(t, sig, 4) != 0) || rd32(t + 4) != length) {
        *why = "the table changed between two reads";
        return NULL;
    }
    if (sum(t, length) != 0) {
        *why = "the table's checksum is wrong";
        return NULL;
    }
    return (const struct acpi_header *)t;
}

/* Validates the root table at pa: its signature, and at least a whole number of entries. */
static int root_open(struct acpi *a, phys_addr_t pa, bool xsdt, const char **why)
{
    const struct acpi_header *h = acpi_table_at(&a->mem, pa, xsdt ? "XSDT" : "RSDT", why);
    if (!h)
        return K_EINVAL;
    uint32_t esize = xsdt ? 8 : 4;
    uint32_t n = (h->length - ACPI_HEADER_LEN) / esize;
    a->root = pa;
    a->xsdt = xsdt;
    a->entries = (const uint8_t *)h + ACPI_HEADER_LEN;
    a->count = MIN(n, ACPI_ROOT_MAX);
    return K_OK;
}

int acpi_init(struct acpi *a, const struct acpi_mem *mem, const void *rsdp, size_t len,
              const char **why)
{
    const char *dummy;
    if (!why)
        why = &dummy;
    memset(a, 0, sizeof(*a));
    a->mem = *mem;
    int err = acpi_rsdp_parse(rsdp, len, &a->rsdp, why);
    if (err != K_OK)
        return err;
    if (a->rsdp.xsdt && root_open(a, a->rsdp.xsdt, true, why) == K_OK)
        return K_OK;
    if (a->rsdp.rsdt && root_open(a, a->rsdp.rsdt, false, why) == K_OK)
        return K_OK;
    /* *why says what was wrong with the last root table tried. */
    return K_EINVAL;
}

phys_addr_t acpi_entry(const struct acpi *a, uint32_t i)
{
    if (i >= a->count)
        return 0;
    return a->xsdt ? rd64(a->entries + 8 * (size_t)i) : rd32(a->entries + 4 * (size_t)i);
}

const struct acpi_header *acpi_find(const struct acpi *a, const char *sig, unsigned index,
                                    phys_addr_t *pa, const char **why)
{
    for (uint32_t i = 0; i < a->count; i++) {
        phys_addr_t at = acpi_entry(a, i);
        const struct acpi_header *t = acpi_table_at(&a->mem, at, sig, NULL);
        if (t && index-- == 0) {
            if (pa)
                *pa = at;
            return t;
        }
    }
    if (why)
        *why = "no valid table with that signature is listed in the root table";
    return NULL;
}
