/* SPDX-License-Identifier: 0BSD */
/*
 * acpi_madt_parse()/_find(): the processors of the MADT -- local APIC and x2APIC entries, enabled
 * or online-capable, the address override -- and malformed tables refused with a sentence.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/acpi.h>
#include <frame64/error.h>

#include "acpi_image.h"

static uint8_t buf[ACPI_IMG_SIZE];
static struct acpi_img img = {.mem = buf, .size = sizeof(buf)};
static struct acpi a;
static struct acpi_madt m;
static const char *why;

static int setup(void **state)
{
    (void)state;
    acpi_img_build(&img);
    struct acpi_mem mem = {acpi_img_map, &img};
    assert_int_equal(acpi_init(&a, &mem, buf, 36, &why), K_OK);
    return 0;
}

/*
 *   MADT: LAPIC 0xfee00000 | lapic id 0 on | lapic id 1 on | lapic id 5 off | x2apic id 7 capable
 * Expect 3 usable processors (0, 1, 7), one disabled, the x2APIC flag, the address.
 */
static void test_madt_image(void **state)
{
    (void)state;
    assert_int_equal(acpi_madt_find(&a, &m, &why), K_OK);
    assert_int_equal(m.lapic, 0xfee00000);
    assert_int_equal(m.cpus, 3);
    assert_int_equal(m.listed, 3);
    assert_int_equal(m.disabled, 1);
    assert_true(m.x2apic);
    assert_int_equal(m.apic_id[0], 0);
    assert_int_equal(m.apic_id[1], 1);
    assert_int_equal(m.apic_id[2], 7);
}

/* The same processor in an xAPIC and an x2APIC entry counts once; an override moves the APIC. */
static void test_duplicate_and_override(void **state)
{
    (void)state;
    uint8_t *ap = buf + ACPI_IMG_APIC;
    static const uint8_t x2dup[16] = {9, 16, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0};
    memcpy(ap + 68, x2dup, sizeof(x2dup)); /* x2APIC id 1: the LAPIC entry's processor */
    static const uint8_t over[12] = {5, 12, 0, 0, 0, 0, 0xe0, 0xfe, 1, 0, 0, 0};
    memcpy(ap + 84, over, sizeof(over));
    acpi_img_w32(ap + 4, 96);
    acpi_img_seal(buf, ACPI_IMG_APIC);
    assert_int_equal(acpi_madt_find(&a, &m, &why), K_OK);
    assert_int_equal(m.cpus, 2);
    assert_int_equal(m.lapic, 0x1fee00000ull);
}

/*
 * Malformed: an entry of length 0, one running past the table, a LAPIC entry of 6 bytes, an
 * x2APIC entry of 12, a table shorter than its APIC address; and no MADT at all.
 * Expect K_EINVAL (K_ENOENT for none) with a sentence each time.
 */
static void test_malformed(void **state)
{
    (void)state;
    uint8_t *ap = buf + ACPI_IMG_APIC;
    const struct {
        size_t at;
        uint8_t value;
    } breaks[] = {{45, 0}, {45, 200}, {45, 6}, {69, 12}};
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        acpi_img_build(&img);
        ap[breaks[i].at] = breaks[i].value;
        acpi_img_seal(buf, ACPI_IMG_APIC);
        why = NULL;
        assert_int_equal(acpi_madt_find(&a, &m, &why), K_EINVAL);
        assert_non_null(why);
    }
    acpi_img_build(&img);
    acpi_img_w32(ap + 4, 40);
    acpi_img_seal(buf, ACPI_IMG_APIC);
    assert_int_equal(acpi_madt_parse((const struct acpi_header *)ap, &m, &why), K_EINVAL);
    assert_string_equal(why, "the MADT is too short for its local APIC address");
    acpi_img_build(&img);
    memcpy(ap, "XXXX", 4);
    acpi_img_seal(buf, ACPI_IMG_APIC);
    assert_int_equal(acpi_madt_find(&a, &m, &why), K_ENOENT);
    assert_string_equal(why, "there is no valid MADT (APIC) in the ACPI tables");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_madt_image, setup),
        cmocka_unit_test_setup(test_duplicate_and_override, setup),
        cmocka_unit_test_setup(test_malformed, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
