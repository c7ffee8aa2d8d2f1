/* SPDX-License-Identifier: 0BSD */
/*
 * kmem: small objects in pages of one class each. The pages come from aligned_alloc() here and
 * are counted, so each test checks that every page comes back when every object does.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <frame64/kmem.h>

#include "host_support.h"

static long pages_out;
static bool refuse;

static void *take(void *ctx)
{
    (void)ctx;
    if (refuse)
        return NULL;
    void *p = aligned_alloc(KMEM_PAGE, KMEM_PAGE);
    memset(p, 0xA5, KMEM_PAGE); /* kmem must zero what it hands out */
    pages_out++;
    return p;
}

static void give(void *ctx, void *p)
{
    (void)ctx;
    pages_out--;
    free(p);
}

static const struct kmem_ops ops = {.page_alloc = take, .page_free = give};

static int setup(void **state)
{
    (void)state;
    pages_out = 0;
    refuse = false;
    return 0;
}

/*
 * 1,000 objects of each of 24 bytes (class 32) and 200 bytes (class 256): zeroed, distinct,
 * writable. Expect the pages a class needs (126 per page for 32 bytes, 15 for 256) and, after
 * freeing all in an interleaved order, no page held.
 */
static void test_alloc_free_all(void **state)
{
    (void)state;
    struct kmem m;
    kmem_init(&m, &ops, NULL);
    static void *a[1000], *b[1000];
    for (int i = 0; i < 1000; i++) {
        a[i] = kmem_alloc(&m, 24);
        b[i] = kmem_alloc(&m, 200);
        assert_non_null(a[i]);
        assert_non_null(b[i]);
        for (int k = 0; k < 24; k++)
            assert_int_equal(((unsigned char *)a[i])[k], 0);
        memset(a[i], 0x11, 24);
        memset(b[i], 0x22, 200);
    }
    unsigned per32 = (KMEM_PAGE - KMEM_HEADER) / 32, per256 = (KMEM_PAGE - KMEM_HEADER) / 256;
    assert_int_equal(m.pages, (1000 + per32 - 1) / per32 + (1000 + per256 - 1) / per256);
    assert_int_equal(pages_out, (long)m.pages);
    assert_int_equal(kmem_objects(&m), 2000);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(((unsigned char *)a[i])[23], 0x11);
    for (int i = 0; i < 1000; i += 2)
        kmem_free(&m, a[i]);
    for (int i = 999; i >= 0; i--)
        kmem_free(&m, b[i]);
    for (int i = 1; i < 1000; i += 2)
        kmem_free(&m, a[i]);
    assert_int_equal(m.pages, 0);
    assert_int_equal(pages_out, 0);
    assert_int_equal(kmem_objects(&m), 0);
}

/* Sizes 0 and past KMEM_MAX are refused; KMEM_MAX itself fits two to a page. */
static void test_sizes(void **state)
{
    (void)state;
    struct kmem m;
    kmem_init(&m, &ops, NULL);
    assert_null(kmem_alloc(&m, 0));
    assert_null(kmem_alloc(&m, KMEM_MAX + 1));
    void *x = kmem_alloc(&m, KMEM_MAX), *y = kmem_alloc(&m, KMEM_MAX);
    assert_non_null(x);
    assert_non_null(y);
    assert_int_equal(m.pages, 1);
    kmem_free(&m, x);
    kmem_free(&m, y);
    kmem_free(&m, NULL);
    assert_int_equal(pages_out, 0);
}

/* No page to be had: NULL, and nothing counted. */
static void test_out_of_pages(void **state)
{
    (void)state;
    struct kmem m;
    kmem_init(&m, &ops, NULL);
    refuse = true;
    assert_null(kmem_alloc(&m, 64));
    assert_int_equal(m.pages, 0);
    assert_int_equal(kmem_objects(&m), 0);
}

/*
 * Frees kmem did not hand out: a pointer into the middle of an object, the same object twice, a
 * page that is not kmem's. Expect a panic naming the address each time, the lists untouched.
 */
static void test_bad_frees(void **state)
{
    (void)state;
    struct kmem m;
    kmem_init(&m, &ops, NULL);
    char *x = kmem_alloc(&m, 100), *y = kmem_alloc(&m, 100);
    expect_panic(kmem_free(&m, x + 8));
    assert_non_null(strstr(panic_message(), "not an object's start"));
    kmem_free(&m, x);
    expect_panic(kmem_free(&m, x));
    assert_non_null(strstr(panic_message(), "double free"));
    void *foreign = aligned_alloc(KMEM_PAGE, KMEM_PAGE);
    memset(foreign, 0, KMEM_PAGE);
    expect_panic(kmem_free(&m, (char *)foreign + 128));
    assert_non_null(strstr(panic_message(), "not in a kmem page"));
    free(foreign);
    kmem_free(&m, y);
    assert_int_equal(pages_out, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_alloc_free_all, setup),
        cmocka_unit_test_setup(test_sizes, setup),
        cmocka_unit_test_setup(test_out_of_pages, setup),
        cmocka_unit_test_setup(test_bad_frees, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
