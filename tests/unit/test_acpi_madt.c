/* SPDX-License-Identifier: 0BSD */
/*
 * acpi_madt_parse()/_find(): the processors of the MADT -- local APIC and x2APIC entries, enabled
 * or online-capable, the address override --, its I/O APICs and ISA interrupt source overrides,
 * and malformed tables refused with a sentence.
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

/* Appends the routing entries: I/O APICs at 0xfec00000 (GSI 0) and 0xfec01000 (GSI 24), then
 * IRQ 0 -> GSI 2 (bus defaults), IRQ 9 -> 9 active high level, IRQ 4 -> 20 active low level, IRQ
 * 1 -> 1 with the reserved value 2 for both fields. Return: the new table length. */
static uint32_t add_routing(uint8_t *ap)
{
    static const uint8_t entries[] = {
        1, 12, 2, 0, 0x00, 0x00, 0xc0, 0xfe, 0,  0, 0, 0, /* I/O APIC 2 */
        1, 12, 3, 0, 0x00, 0x10, 0xc0, 0xfe, 24, 0, 0, 0, /* I/O APIC 3 */
        2, 10, 0, 0, 2,    0,    0,    0,    0,  0,       /* IRQ 0 -> GSI 2 */
        2, 10, 0, 9, 9,    0,    0,    0,    13, 0,       /* IRQ 9: high, level */
        2, 10, 0, 4, 20,   0,    0,    0,    15, 0,       /* IRQ 4 -> 20: low, level */
        2, 10, 0, 1, 1,    0,    0,    0,    10, 0,       /* IRQ 1: reserved values */
    };
    memcpy(ap + 84, entries, sizeof(entries));
    return 84 + sizeof(entries);
}

/* The I/O APICs and overrides are kept; ISA IRQs resolve through them or to the defaults. */
static void test_routing(void **state)
{
    (void)state;
    uint8_t *ap = buf + ACPI_IMG_APIC;
    acpi_img_w32(ap + 4, add_routing(ap));
    acpi_img_seal(buf, ACPI_IMG_APIC);
    assert_int_equal(acpi_madt_find(&a, &m, &why), K_OK);
    assert_int_equal(m.cpus, 3);
    assert_int_equal(m.ioapics, 2);
    assert_int_equal(m.ioapic[0].id, 2);
    assert_int_equal(m.ioapic[0].address, 0xfec00000);
    assert_int_equal(m.ioapic[1].gsi_base, 24);
    assert_int_equal(m.overrides, 4);
    struct acpi_isa_route r = acpi_madt_isa_route(&m, 0);
    assert_int_equal(r.gsi, 2);
    assert_false(r.active_low);
    assert_false(r.level);
    r = acpi_madt_isa_route(&m, 9);
    assert_int_equal(r.gsi, 9);
    assert_false(r.active_low);
    assert_true(r.level);
    r = acpi_madt_isa_route(&m, 4);
    assert_int_equal(r.gsi, 20);
    assert_true(r.active_low);
    assert_true(r.level);
    r = acpi_madt_isa_route(&m, 1);
    assert_int_equal(r.gsi, 1);
    assert_false(r.active_low);
    assert_false(r.level);
    r = acpi_madt_isa_route(&m, 3); /* no override */
    assert_int_equal(r.gsi, 3);
    assert_false(r.active_low || r.level);
    assert_ptr_equal(acpi_madt_ioapic_for(&m, 20), &m.ioapic[0]);
    assert_ptr_equal(acpi_madt_ioapic_for(&m, 24), &m.ioapic[1]);
    assert_ptr_equal(acpi_madt_ioapic_for(&m, 30), &m.ioapic[1]);
}

/*
 * Malformed routing: a short I/O APIC entry, one at address 0, a short override, one for bus 1,
 * one for IRQ 16, the same IRQ twice, nine I/O APICs. Expect K_EINVAL with the sentence.
 */
static void test_routing_malformed(void **state)
{
    (void)state;
    uint8_t *ap = buf + ACPI_IMG_APIC;
    const struct {
        size_t at;
        uint8_t value;
        const char *why;
    } breaks[] = {
        {85, 10, "a MADT I/O APIC entry is shorter than 12 bytes"},
        {88, 0, "a MADT I/O APIC entry has its registers at address 0"}, /* 32 bits */
        {109, 8, "a MADT interrupt source override is shorter than 10 bytes"},
        {110, 1, "a MADT interrupt source override names a bus other than ISA"},
        {111, 16, "a MADT interrupt source override names an ISA IRQ above 15"},
        {121, 0, "the MADT overrides the same ISA IRQ twice"},
    };
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        acpi_img_build(&img);
        uint32_t len = add_routing(ap);
        if (breaks[i].at == 88)
            acpi_img_w32(ap + 88, 0);
        else
            ap[breaks[i].at] = breaks[i].value;
        acpi_img_w32(ap + 4, len);
        acpi_img_seal(buf, ACPI_IMG_APIC);
        why = NULL;
        assert_int_equal(acpi_madt_find(&a, &m, &why), K_EINVAL);
        assert_string_equal(why, breaks[i].why);
    }
    acpi_img_build(&img);
    for (int i = 0; i < 9; i++) {
        static const uint8_t io[12] = {1, 12, 2, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0};
        memcpy(ap + 84 + 12 * i, io, sizeof(io));
    }
    acpi_img_w32(ap + 4, 84 + 12 * 9);
    acpi_img_seal(buf, ACPI_IMG_APIC);
    assert_int_equal(acpi_madt_find(&a, &m, &why), K_EINVAL);
    assert_string_equal(why, "the MADT lists more I/O APICs than this kernel keeps (8)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_madt_image, setup),
        cmocka_unit_test_setup(test_duplicate_and_override, setup),
        cmocka_unit_test_setup(test_malformed, setup),
        cmocka_unit_test_setup(test_routing, setup),
        cmocka_unit_test_setup(test_routing_malformed, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
