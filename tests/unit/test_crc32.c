/* SPDX-License-Identifier: 0BSD */
/* crc32_update(): known answers, and that splitting the input does not change the result. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/crc32.h>

/* The standard check value: CRC-32 of "123456789" is 0xCBF43926; of nothing, 0. */
static void test_known_answers(void **state)
{
    (void)state;
    assert_int_equal(crc32_update(0, "123456789", 9), 0xCBF43926);
    assert_int_equal(crc32_update(0, "", 0), 0);
    assert_int_equal(crc32_update(0, "a", 1), 0xE8B7BE43);
    assert_int_equal(crc32_update(0, "The quick brown fox jumps over the lazy dog", 43),
                     0x414FA339);
}

/* Feeding [0, 5) then [5, 9) gives the same CRC as [0, 9) in one call. */
static void test_incremental(void **state)
{
    (void)state;
    uint32_t c = crc32_update(0, "12345", 5);
    assert_int_equal(crc32_update(c, "6789", 4), 0xCBF43926);
}

/* Flipping one bit anywhere in 4 KiB changes the CRC. */
static void test_detects_bit_flip(void **state)
{
    (void)state;
    static unsigned char buf[4096];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (unsigned char)(i * 7 + 3);
    uint32_t good = crc32_update(0, buf, sizeof(buf));
    buf[2049] ^= 0x10;
    assert_int_not_equal(crc32_update(0, buf, sizeof(buf)), good);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_answers),
        cmocka_unit_test(test_incremental),
        cmocka_unit_test(test_detects_bit_flip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
