/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness for the ACPI parser (src/acpi/). The first input byte picks the mode:
 *   raw       the rest is physical memory at ACPI_IMG_BASE, the RSDP at its start;
 *   template  (odd first byte) the good layout of tests/support/acpi_image.h with the input's
 *             (offset, value) pairs written over it, checksums resealed when the next bit says
 *             so, so the parser gets past its checksums and meets wrong lengths and pointers.
 * With bit 2 set in template mode, memory ends where the DSDT ends. In raw mode the bytes are also
 * given to acpi_s5_parse() as AML on their own (after a "Name (_S5, Package" prefix when bit 1
 * is set). The memory is a heap copy exactly its size, so ASan
 * reports any read past it. Every table the
 * parser returns must lie inside the memory, carry the signature asked for and sum to zero; any
 * refusal must come with a sentence; \_S5 values must be 3-bit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/acpi.h>
#include <frame64/error.h>

#include "acpi_image.h"

#define CHECK(cond, what)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_acpi: %s\n", what);                                              \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static struct acpi_img img;

static void check_table(const struct acpi_header *t, const char *sig)
{
    const uint8_t *p = (const uint8_t *)t;
    CHECK(p >= img.mem && p + ACPI_HEADER_LEN <= img.mem + img.size, "table header outside");
    CHECK(t->length >= ACPI_HEADER_LEN && p + t->length <= img.mem + img.size, "table outside");
    CHECK(!sig || memcmp(t->signature, sig, 4) == 0, "wrong signature returned");
    uint8_t s = 0;
    for (uint32_t i = 0; i < t->length; i++)
        s = (uint8_t)(s + p[i]);
    CHECK(s == 0, "table with a bad checksum returned");
}

static void run(void)
{
    const struct acpi_mem mem = {acpi_img_map, &img};
    struct acpi a;
    const char *why = NULL;
    if (acpi_init(&a, &mem, img.mem, img.size < 36 ? img.size : 36, &why) != K_OK) {
        CHECK(why && *why, "refusal without a sentence");
        return;
    }
    CHECK(a.count <= ACPI_ROOT_MAX, "too many root entries");
    for (uint32_t i = 0; i <= a.count; i++) {
        const struct acpi_header *t = acpi_table_at(&mem, acpi_entry(&a, i), NULL, &why);
        if (t)
            check_table(t, NULL);
    }
    static const char *const sigs[] = {"FACP", "APIC", "DSDT", "HPET"};
    for (size_t s = 0; s < sizeof(sigs) / sizeof(sigs[0]); s++)
        for (unsigned k = 0; k < 3; k++) {
            const struct acpi_header *t = acpi_find(&a, sigs[s], k, NULL, &why);
            if (t)
                check_table(t, sigs[s]);
            else
                CHECK(why && *why, "not found without a sentence");
        }
    static struct acpi_madt m;
    why = NULL;
    if (acpi_madt_find(&a, &m, &why) == K_OK)
        CHECK(m.listed <= ACPI_MADT_CPUS_MAX && m.listed <= m.cpus, "MADT counts do not add up");
    else
        CHECK(why && *why, "MADT refused without a sentence");
    struct acpi_fadt f;
    why = NULL;
    int err = acpi_fadt_find(&a, &f, &why);
    if (err != K_OK) {
        CHECK(why && *why, "FADT refused without a sentence");
        return;
    }
    uint8_t sa = 0xff, sb = 0xff;
    why = NULL;
    err = acpi_s5_find(&a, &f, &sa, &sb, &why);
    if (err == K_OK)
        CHECK(sa < 8 && sb < 8, "SLP_TYP wider than 3 bits");
    else
        CHECK(why && *why, "\\_S5 refused without a sentence");
}

/*
 * The bytes as AML on their own, in an allocation of exactly their size; with prefix, after
 * "Name (_S5, Package" so that package lengths and elements are reached at once.
 */
static void s5_alone(const uint8_t *data, size_t size, bool prefix)
{
    static const uint8_t head[] = {0x08, '_', 'S', '5', '_', 0x12};
    size_t n = (prefix ? sizeof(head) : 0) + size;
    uint8_t *aml = malloc(n ? n : 1);
    if (prefix)
        memcpy(aml, head, sizeof(head));
    memcpy(aml + (prefix ? sizeof(head) : 0), data, size);
    uint8_t sa = 0xff, sb = 0xff;
    const char *why = NULL;
    if (acpi_s5_parse(aml, n, &sa, &sb, &why) == K_OK)
        CHECK(sa < 8 && sb < 8, "SLP_TYP wider than 3 bits");
    else
        CHECK(why && *why, "\\_S5 refused without a sentence");
    free(aml);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t mode = data[0];
    data++, size--;
    if (!(mode & 1)) {
        img.size = size;
        img.mem = malloc(size ? size : 1);
        memcpy(img.mem, data, size);
        s5_alone(data, size, mode & 2);
    } else {
        img.size = ACPI_IMG_SIZE;
        img.mem = malloc(img.size);
        acpi_img_build(&img);
        for (size_t i = 0; i + 3 <= size; i += 3) {
            size_t off = ((size_t)data[i] << 8 | data[i + 1]) % img.size;
            img.mem[off] = data[i + 2];
        }
        if (mode & 2) {
            static const size_t tables[] = {ACPI_IMG_RSDT, ACPI_IMG_XSDT, ACPI_IMG_FACP,
                                            ACPI_IMG_APIC, ACPI_IMG_DSDT};
            acpi_img_seal_rsdp(img.mem);
            for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
                uint32_t len = (uint32_t)img.mem[tables[t] + 4] | (uint32_t)img.mem[tables[t] + 5]
                                                                      << 8;
                if (img.mem[tables[t] + 6] == 0 && img.mem[tables[t] + 7] == 0 &&
                    tables[t] + len <= img.size)
                    acpi_img_seal(img.mem, tables[t]);
            }
        }
    }
    if ((mode & 5) == 5) { /* the DSDT ends memory: move it into an allocation that ends there */
        size_t end = ACPI_IMG_DSDT + ACPI_HEADER_LEN + sizeof(acpi_img_aml);
        uint8_t *cut = malloc(end);
        memcpy(cut, img.mem, end);
        free(img.mem);
        img.mem = cut;
        img.size = end;
    }
    run();
    free(img.mem);
    return 0;
}
