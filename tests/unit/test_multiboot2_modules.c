/* SPDX-License-Identifier: 0BSD */
/*
 * mb2_parse() and mb2_module_next()/mb2_for_each_module(): module tags, counted and iterated,
 * and malformed ones skipped.
 */
#include "multiboot2_test.h"

/*
 * Modules between other tags:
 *   module A [0x300000,0x301000) | cmdline | module B [0x400000,0x400000) (empty)
 *   | mmap | module C [0x500000,0x5fffff) | end
 * Expect three modules, iterated in order with their strings; the empty one is still a module.
 */
static void test_several_modules(void **state)
{
    (void)state;
    struct mb2_module m;
    uint32_t cur;
    module(0x300000, 0x301000, "initrd");
    str_tag(MB2_TAG_CMDLINE, "");
    module(0x400000, 0x400000, "empty");
    mmap_tag(one_map, 1, 24);
    module(0x500000, 0x5fffff, "fs.img root=1");
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.module_count, 3);
    assert_string_equal(mb.cmdline, "");
    const char *names[] = {"initrd", "empty", "fs.img root=1"};
    const phys_addr_t starts[] = {0x300000, 0x400000, 0x500000};
    const phys_addr_t ends[] = {0x301000, 0x400000, 0x5fffff};
    size_t n = 0;
    mb2_for_each_module(&mb, cur, &m)
    {
        assert_true(n < 3);
        assert_string_equal(m.string, names[n]);
        assert_int_equal(m.start, starts[n]);
        assert_int_equal(m.end, ends[n]);
        n++;
    }
    assert_int_equal(n, 3);
    assert_false(mb2_module_next(&mb, &cur, &m)); /* stays exhausted */
}

/*
 * 300 modules, no fixed table:   mmap | module 0 | module 1 | ... | module 299 | end
 * Expect 300 counted and iterated, each with its own range and string.
 */
static void test_many_modules(void **state)
{
    (void)state;
    char name[16];
    mmap_tag(one_map, 1, 24);
    for (uint32_t i = 0; i < 300; i++) {
        snprintf(name, sizeof(name), "mod%u", i);
        module(0x1000000 + i * 0x1000, 0x1000000 + i * 0x1000 + 0x800, name);
    }
    end_tag();

    assert_int_equal(parse(), K_OK);
    assert_int_equal(mb.module_count, 300);
    struct mb2_module m;
    uint32_t cur, i = 0;
    mb2_for_each_module(&mb, cur, &m)
    {
        snprintf(name, sizeof(name), "mod%u", i);
        assert_string_equal(m.string, name);
        assert_int_equal(m.start, 0x1000000 + i * 0x1000);
        i++;
    }
    assert_int_equal(i, 300);
}

/*
 * A module whose string has no NUL, between two good modules:
 *   module "a" | module [start end "bad"] | module "c" | mmap | end
 * Expect the middle one skipped (at parse and by the iterator): count 2, "a" then "c".
 */
static void test_bad_module_unterminated(void **state)
{
    (void)state;
    uint32_t p[3] = {0x100000, 0x101000, 0x646162 /* "bad" with no NUL */};
    module(0x200000, 0x201000, "a");
    uint32_t off = tag(MB2_TAG_MODULE, p, 11);
    module(0x300000, 0x301000, "c");
    mmap_tag(one_map, 1, 24);
    end_tag();
    expect_warning("string is not NUL-terminated inside the tag; skipped");
    char want[64];
    snprintf(want, sizeof(want), "tag 3 (module) at offset 0x%x", off);
    assert_true(said(want));
    assert_int_equal(mb.module_count, 2);
    struct mb2_module m;
    uint32_t cur = 0;
    assert_true(mb2_module_next(&mb, &cur, &m));
    assert_string_equal(m.string, "a");
    assert_true(mb2_module_next(&mb, &cur, &m));
    assert_string_equal(m.string, "c");
    assert_false(mb2_module_next(&mb, &cur, &m));
}

/* A module ending below its start:   [0x300000 ... 0x200000). Expect it skipped, count 0. */
static void test_bad_module_inverted(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    module(0x300000, 0x200000, "backwards");
    end_tag();
    expect_warning("mb2: tag 3 (module) at offset 0x30: end 0x200000 is below start 0x300000");
    assert_int_equal(mb.module_count, 0);
    struct mb2_module m;
    uint32_t cur;
    mb2_for_each_module(&mb, cur, &m) fail_msg("no module expected");
}

/* A module tag of 16 bytes (start, end, no string). Expect "size 16 is too small (need 17)". */
static void test_bad_module_too_small(void **state)
{
    (void)state;
    uint32_t p[2] = {0x100000, 0x200000};
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_MODULE, p, 8);
    end_tag();
    expect_warning("mb2: tag 3 (module) at offset 0x30: size 16 is too small (need 17); skipped");
    assert_int_equal(mb.module_count, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_several_modules),     T(test_many_modules),         T(test_bad_module_unterminated),
        T(test_bad_module_inverted), T(test_bad_module_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
