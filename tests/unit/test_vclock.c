/* SPDX-License-Identifier: 0BSD */
/*
 * <frame64/vclock.h>: the arithmetic time_ns(), wallclock_ns() and the vDSO share, and its
 * sequence counter. Expect the 32.32 rate to give known times, no overflow for a TSC delta of
 * 2^60, the same result as a 64-bit-only computation over many rates and deltas, 0 before the
 * rate is set, and the counter odd only while the kernel writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <frame64/vclock.h>

/* The multiplier irq_init() sets for a TSC of hz. */
static uint64_t mult_for(uint64_t hz)
{
    return (1000000000ull << 32) / hz;
}

/* 2 GHz from tsc0 = 1000: 2e9 counts later is 1 s, realtime that plus the epoch. */
static void test_known_times(void **state)
{
    (void)state;
    struct vclock c = {.mode = VCLOCK_TSC, .tsc0 = 1000, .mult = mult_for(2000000000)};
    c.epoch_ns = 1700000000ull * 1000000000ull;
    assert_int_equal(vclock_mono_ns(&c, 1000), 0);
    assert_int_equal(vclock_mono_ns(&c, 1000 + 2000000000ull), 1000000000ull);
    assert_int_equal(vclock_mono_ns(&c, 1003), 1); /* 1.5 ns, rounded down */
    assert_int_equal(vclock_real_ns(&c, 1000 + 2000000000ull), c.epoch_ns + 1000000000ull);
}

/* Before irq_init() (mult 0) every reading is 0, as time_ns() was. */
static void test_no_rate(void **state)
{
    (void)state;
    struct vclock c = {.tsc0 = 5};
    assert_int_equal(vclock_mono_ns(&c, 123456789), 0);
    c.epoch_ns = 42;
    assert_int_equal(vclock_real_ns(&c, 123456789), 42);
}

/* A delta of 2^60 counts at 500 MHz (mult 2^33): 2^61 ns, which a 64-bit product would wrap. */
static void test_no_overflow(void **state)
{
    (void)state;
    struct vclock c = {.tsc0 = 7, .mult = mult_for(500000000)};
    assert_int_equal(c.mult, 1ull << 33);
    assert_int_equal(vclock_mono_ns(&c, 7 + (1ull << 60)), 1ull << 61);
}

/*
 * Against (a * 2^32 + b) * mult >> 32 == a * mult + (b * mult >> 32), computed in 64 bits, for
 * rates from 1 to 10 GHz (mult at most 2^32, so b * mult fits) and deltas up to 2^40 counts.
 */
static void test_matches_64bit(void **state)
{
    (void)state;
    uint64_t x = 0x9e3779b97f4a7c15ull;
    for (int i = 0; i < 100000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t hz = 1000000000ull + x % 9000000000ull;
        uint64_t delta = (x >> 11) & ((1ull << 40) - 1), tsc0 = x * 3;
        struct vclock c = {.tsc0 = tsc0, .mult = mult_for(hz)};
        uint64_t a = delta >> 32, b = delta & 0xffffffffull;
        uint64_t want = a * c.mult + ((b * c.mult) >> 32);
        assert_int_equal(vclock_mono_ns(&c, tsc0 + delta), want);
    }
}

/* The counter is odd between write_begin and write_end, and moves by 2 a write; a read copies. */
static void test_sequence(void **state)
{
    (void)state;
    struct vclock c = {0};
    vclock_write_begin(&c);
    assert_int_equal(c.seq & 1, 1);
    c.mult = 3, c.tsc0 = 4, c.epoch_ns = 5, c.mode = VCLOCK_TSC;
    vclock_write_end(&c);
    assert_int_equal(c.seq, 2);
    struct vclock r;
    vclock_read(&c, &r);
    assert_int_equal(r.seq, 2);
    assert_int_equal(r.mult, 3);
    assert_int_equal(r.tsc0, 4);
    assert_int_equal(r.epoch_ns, 5);
    assert_int_equal(r.mode, VCLOCK_TSC);
    assert_int_equal(sizeof(union vclock_page), 4096);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_times), cmocka_unit_test(test_no_rate),
        cmocka_unit_test(test_no_overflow), cmocka_unit_test(test_matches_64bit),
        cmocka_unit_test(test_sequence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
