/* SPDX-License-Identifier: 0BSD */
/*
 * ring_put()/ring_get(): bytes come out in order, a full ring drops and counts, the indices wrap
 * at 2^32, and a producer thread and a consumer thread exchange a million bytes without losing,
 * duplicating or reordering one (the interrupt handler and the reader on two CPUs).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>
#include <string.h>

#include <frame64/ring.h>

static struct byte_ring r;

/* Empty: -1. Then 3 bytes in, the same 3 out in order, then empty again. */
static void test_order(void **state)
{
    (void)state;
    memset(&r, 0, sizeof(r));
    assert_int_equal(ring_get(&r), -1);
    assert_true(ring_put(&r, 'a'));
    assert_true(ring_put(&r, 0xFF));
    assert_true(ring_put(&r, 0));
    assert_int_equal(ring_get(&r), 'a');
    assert_int_equal(ring_get(&r), 0xFF); /* a byte, never mistaken for -1 */
    assert_int_equal(ring_get(&r), 0);
    assert_int_equal(ring_get(&r), -1);
}

/* RING_SIZE bytes fit; the next is dropped and counted; after one get, one more fits. */
static void test_full(void **state)
{
    (void)state;
    memset(&r, 0, sizeof(r));
    for (int i = 0; i < RING_SIZE; i++)
        assert_true(ring_put(&r, (uint8_t)i));
    assert_false(ring_put(&r, 1));
    assert_int_equal(r.dropped, 1);
    assert_int_equal(ring_get(&r), 0);
    assert_true(ring_put(&r, 7));
    for (int i = 1; i < RING_SIZE; i++)
        assert_int_equal(ring_get(&r), i & 0xFF);
    assert_int_equal(ring_get(&r), 7);
    assert_int_equal(ring_get(&r), -1);
}

/* Indices just below 2^32: the fill is still their difference across the wrap. */
static void test_wrap(void **state)
{
    (void)state;
    memset(&r, 0, sizeof(r));
    r.head = r.tail = UINT32_MAX - 2;
    for (int i = 0; i < RING_SIZE; i++)
        assert_true(ring_put(&r, (uint8_t)(i * 3)));
    assert_false(ring_put(&r, 0));
    for (int i = 0; i < RING_SIZE; i++)
        assert_int_equal(ring_get(&r), (uint8_t)(i * 3));
    assert_int_equal(ring_get(&r), -1);
}

#define STREAM 1000000

static void *producer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < STREAM;)
        if (ring_put(&r, (uint8_t)(i * 7 + (i >> 8))))
            i++;
    return NULL;
}

/* Two threads: every byte arrives once, in order (a retried put is not a loss). */
static void test_threads(void **state)
{
    (void)state;
    memset(&r, 0, sizeof(r));
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, NULL), 0);
    for (uint32_t i = 0; i < STREAM;) {
        int b = ring_get(&r);
        if (b < 0)
            continue;
        assert_int_equal(b, (uint8_t)(i * 7 + (i >> 8)));
        i++;
    }
    pthread_join(t, NULL);
    assert_int_equal(ring_get(&r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_wrap),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
