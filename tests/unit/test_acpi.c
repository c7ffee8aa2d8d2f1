/* SPDX-License-Identifier: 0BSD */
/*
 * The ACPI parser (src/acpi/) over tables built in a buffer (tests/support/acpi_image.h draws the
 * layout): the good path through the XSDT, the fallbacks to the RSDT, and every refusal.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>

#include <frame64/acpi.h>
#include <frame64/error.h>

#include "acpi_image.h"

static uint8_t buf[ACPI_IMG_SIZE];
static struct acpi_img img = {buf, sizeof(buf)};
static const struct acpi_mem mem = {acpi_img_map, &img};

static int setup(void **state)
{
    (void)state;
    acpi_img_build(&img);
    return 0;
}

/* QEMU-like tables: the XSDT is used, FACP and APIC found, FADT fields and \_S5 = {5, 0} read. */
static void test_good_path(void **state)
{
    (void)state;
    struct acpi a;
    const char *why = NULL;
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_OK);
    assert_true(a.xsdt);
    assert_int_equal(a.count, 2);
    assert_string_equal(a.rsdp.oem_id, "FRAME6");
    phys_addr_t pa;
    assert_non_null(acpi_find(&a, "APIC", 0, &pa, &why));
    assert_int_equal(pa, ACPI_IMG_BASE + ACPI_IMG_APIC);
    assert_null(acpi_find(&a, "APIC", 1, NULL, &why)); /* only one */
    assert_null(acpi_find(&a, "HPET", 0, NULL, &why));
    assert_non_null(why);
    struct acpi_fadt f;
    assert_int_equal(acpi_fadt_find(&a, &f, &why), K_OK);
    assert_int_equal(f.dsdt, ACPI_IMG_BASE + ACPI_IMG_DSDT);
    assert_int_equal(f.pm1a_cnt, 0x604);
    assert_int_equal(f.pm1b_cnt, 0);
    assert_int_equal(f.smi_cmd, 0xb2);
    assert_int_equal(f.acpi_enable, 0xf1);
    assert_true(f.reset_supported);
    assert_int_equal(f.reset_reg.address, 0xcf9);
    assert_int_equal(f.reset_value, 6);
    uint8_t sa = 9, sb = 9;
    assert_int_equal(acpi_s5_find(&a, &f, &sa, &sb, &why), K_OK);
    assert_int_equal(sa, 5);
    assert_int_equal(sb, 0);
}

/* Each RSDP fault is refused with a sentence: signature, 20-byte checksum, short, bad length. */
static void test_rsdp_refusals(void **state)
{
    (void)state;
    struct acpi_rsdp r;
    const char *why = NULL;
    assert_int_equal(acpi_rsdp_parse(buf, 19, &r, &why), K_EINVAL);
    buf[0] = 'X';
    assert_int_equal(acpi_rsdp_parse(buf, 36, &r, &why), K_EINVAL);
    assert_string_equal(why, "the RSDP does not start with \"RSD PTR \"");
    setup(NULL);
    buf[9]++; /* OEM id: the first checksum breaks */
    assert_int_equal(acpi_rsdp_parse(buf, 36, &r, &why), K_EINVAL);
    assert_string_equal(why, "the RSDP's checksum over its first 20 bytes is wrong");
    setup(NULL);
    assert_int_equal(acpi_rsdp_parse(buf, 35, &r, &why), K_EINVAL); /* 2.0 needs 36 */
    acpi_img_w32(buf + 20, 40); /* longer than the 36 bytes given */
    acpi_img_seal_rsdp(buf);
    assert_int_equal(acpi_rsdp_parse(buf, 36, &r, &why), K_EINVAL);
    assert_string_equal(why, "the ACPI 2.0+ RSDP's length field is out of range");
    setup(NULL);
    buf[33]++; /* extended checksum only */
    assert_int_equal(acpi_rsdp_parse(buf, 36, &r, &why), K_EINVAL);
    assert_string_equal(why, "the ACPI 2.0+ RSDP's extended checksum is wrong");
}

/* Revision 0 (ACPI 1.0, 20 bytes) ignores the XSDT fields and walks the RSDT. */
static void test_rsdp_v1_uses_rsdt(void **state)
{
    (void)state;
    buf[15] = 0;
    acpi_img_seal_rsdp(buf);
    struct acpi a;
    const char *why;
    assert_int_equal(acpi_init(&a, &mem, buf, 20, &why), K_OK);
    assert_false(a.xsdt);
    assert_int_equal(a.root, ACPI_IMG_BASE + ACPI_IMG_RSDT);
    assert_non_null(acpi_find(&a, "FACP", 0, NULL, &why));
}

/* An XSDT with a wrong checksum falls back to the RSDT; both broken: refused. */
static void test_xsdt_broken_falls_back(void **state)
{
    (void)state;
    buf[ACPI_IMG_XSDT + 20]++;
    struct acpi a;
    const char *why;
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_OK);
    assert_false(a.xsdt);
    buf[ACPI_IMG_RSDT + 5] = 0xff; /* length 0xff2c: past the 4 KiB of memory */
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_EINVAL);
    assert_string_equal(why, "the table's length runs past readable memory");
}

/* A listed table with a bad checksum, a short length or an unmapped address is skipped. */
static void test_find_skips_bad_tables(void **state)
{
    (void)state;
    struct acpi a;
    const char *why;
    buf[ACPI_IMG_APIC + 20]++;
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_OK);
    assert_null(acpi_find(&a, "APIC", 0, NULL, &why));
    assert_null(acpi_table_at(&mem, ACPI_IMG_BASE + ACPI_IMG_APIC, "APIC", &why));
    assert_string_equal(why, "the table's checksum is wrong");
    acpi_img_w32(buf + ACPI_IMG_APIC + 4, 35);
    assert_null(acpi_table_at(&mem, ACPI_IMG_BASE + ACPI_IMG_APIC, NULL, &why));
    assert_string_equal(why, "the table's length is smaller than its header or implausibly large");
    assert_null(acpi_table_at(&mem, ACPI_IMG_BASE + ACPI_IMG_SIZE - 10, NULL, &why));
    assert_string_equal(why, "the table header cannot be read");
    assert_null(acpi_table_at(&mem, 0, NULL, &why));
}

/* An ACPI 1.0 FADT (116 bytes): no reset register, no X_ fields; shorter than 72: refused. */
static void test_fadt_short(void **state)
{
    (void)state;
    acpi_img_w32(buf + ACPI_IMG_FACP + 4, 116);
    acpi_img_seal(buf, ACPI_IMG_FACP);
    struct acpi a;
    struct acpi_fadt f;
    const char *why;
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_OK);
    assert_int_equal(acpi_fadt_find(&a, &f, &why), K_OK);
    assert_false(f.reset_supported);
    assert_int_equal(f.dsdt, ACPI_IMG_BASE + ACPI_IMG_DSDT); /* from the 32-bit field */
    acpi_img_w32(buf + ACPI_IMG_FACP + 4, 70);
    acpi_img_seal(buf, ACPI_IMG_FACP);
    assert_int_equal(acpi_fadt_find(&a, &f, &why), K_EINVAL);
    assert_string_equal(why, "the FADT is too short to hold PM1a_CNT_BLK");
}

/* X_PM1a_CNT_BLK (I/O space) wins over PM1a_CNT_BLK; a memory-space one is ignored. */
static void test_fadt_x_fields(void **state)
{
    (void)state;
    uint8_t *f = buf + ACPI_IMG_FACP;
    f[172] = ACPI_SPACE_IO;
    acpi_img_w64(f + 176, 0x1804);
    acpi_img_seal(buf, ACPI_IMG_FACP);
    struct acpi_fadt out;
    const char *why;
    assert_int_equal(acpi_fadt_parse((const struct acpi_header *)f, &out, &why), K_OK);
    assert_int_equal(out.pm1a_cnt, 0x1804);
    f[172] = ACPI_SPACE_MEMORY;
    assert_int_equal(acpi_fadt_parse((const struct acpi_header *)f, &out, &why), K_OK);
    assert_int_equal(out.pm1a_cnt, 0x604);
}

/* \_S5 forms: One/Zero elements, a '\' root prefix, a long PkgLength; refusals and absence. */
static void test_s5_forms(void **state)
{
    (void)state;
    uint8_t sa, sb;
    const char *why;
    const uint8_t ones[] = {0x08, '\\', '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x01, 0x0a, 0x07};
    assert_int_equal(acpi_s5_parse(ones, sizeof(ones), &sa, &sb, &why), K_OK);
    assert_int_equal(sa, 1);
    assert_int_equal(sb, 7);
    /* PkgLength with one more byte: lead 0x40 | low nibble, then bits 4-11. */
    const uint8_t two[] = {0x08, '_',  'S',  '5',  '_',  0x12, 0x47,
                           0x00, 0x02, 0x00, 0x0b, 0x03, 0x00};
    assert_int_equal(acpi_s5_parse(two, sizeof(two), &sa, &sb, &why), K_OK);
    assert_int_equal(sa, 0);
    assert_int_equal(sb, 3);
    const uint8_t method[] = {0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4, 0x00};
    assert_int_equal(acpi_s5_parse(method, sizeof(method), &sa, &sb, &why), K_EINVAL);
    assert_string_equal(why, "\\_S5 is a method here, which needs an AML interpreter");
    const uint8_t none[] = {0x08, '_', 'S', '4', '_', 0x12, 0x04, 0x02, 0x00, 0x00};
    assert_int_equal(acpi_s5_parse(none, sizeof(none), &sa, &sb, &why), K_ENOENT);
    /* The package claims more bytes than the DSDT has. */
    const uint8_t cut[] = {0x08, '_', 'S', '5', '_', 0x12, 0x09, 0x02, 0x0a};
    assert_int_equal(acpi_s5_parse(cut, sizeof(cut), &sa, &sb, &why), K_EINVAL);
    assert_string_equal(why, "\\_S5's package length runs past the DSDT");
    /* A byte constant cut off at the package's end. */
    const uint8_t trunc[] = {0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x0a, 0x05};
    assert_int_equal(acpi_s5_parse(trunc, sizeof(trunc), &sa, &sb, &why), K_EINVAL);
    assert_string_equal(why, "\\_S5's package does not start with two constants");
    const uint8_t notpkg[] = {0x08, '_', 'S', '5', '_', 0x0a, 0x05};
    assert_int_equal(acpi_s5_parse(notpkg, sizeof(notpkg), &sa, &sb, &why), K_EINVAL);
}

/* A DSDT whose checksum broke: \_S5 is not read from it. */
static void test_s5_bad_dsdt(void **state)
{
    (void)state;
    buf[ACPI_IMG_DSDT + 40]++;
    struct acpi a;
    struct acpi_fadt f;
    const char *why;
    uint8_t sa, sb;
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_OK);
    assert_int_equal(acpi_fadt_find(&a, &f, &why), K_OK);
    assert_int_equal(acpi_s5_find(&a, &f, &sa, &sb, &why), K_EINVAL);
    assert_string_equal(why, "the table's checksum is wrong");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_good_path, setup),
        cmocka_unit_test_setup(test_rsdp_refusals, setup),
        cmocka_unit_test_setup(test_rsdp_v1_uses_rsdt, setup),
        cmocka_unit_test_setup(test_xsdt_broken_falls_back, setup),
        cmocka_unit_test_setup(test_find_skips_bad_tables, setup),
        cmocka_unit_test_setup(test_fadt_short, setup),
        cmocka_unit_test_setup(test_fadt_x_fields, setup),
        cmocka_unit_test_setup(test_s5_forms, setup),
        cmocka_unit_test_setup(test_s5_bad_dsdt, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
