/* SPDX-License-Identifier: 0BSD */
/*
 * initstack_build(): the image is parsed back the way a program's _start and libc read it
 * (argc, argv, envp, auxv through user addresses), for even and odd argc, and the errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <frame64/error.h>
#include <frame64/initstack.h>

#define TOP     0x7ffffffff000ull
#define BUFSIZE 4096
#define GUARD   0xa5

static const struct elf_plan plan = {
    .entry = 0x401234, .phdr_vaddr = 0x400040, .phent = 56, .phnum = 6};
static const uint8_t rnd[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static uint8_t buf[BUFSIZE];
static char why[ELF_WHY_SIZE];

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 8; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* The image byte at user address a (fails the test if a is outside [rsp, TOP)). */
static const uint8_t *at(const struct initstack *st, uint64_t a)
{
    assert_in_range(a, st->rsp, TOP - 1);
    return st->bytes + (a - st->rsp);
}

static uint64_t word(const struct initstack *st, uint64_t a)
{
    return get64(at(st, a));
}

/*
 * Builds for argv and reads it back: rsp 16-aligned and == TOP - len, the image at the end of
 * buf with the guard bytes before it untouched; argc, each argv string through its pointer,
 * the NULLs, the auxv in order, AT_RANDOM's 16 bytes, and the strings above the table.
 */
static void check_round_trip(unsigned argc, const char *const *argv)
{
    memset(buf, GUARD, sizeof(buf));
    struct initstack st;
    assert_int_equal(
        initstack_build(&plan, TOP, argc, argv, rnd, buf, sizeof(buf), &st, why, sizeof(why)),
        K_OK);
    assert_int_equal(st.rsp % 16, 0);
    assert_int_equal(st.rsp + st.len, TOP);
    assert_ptr_equal(st.bytes + st.len, buf + sizeof(buf));
    for (const uint8_t *p = buf; p < st.bytes; p++)
        assert_int_equal(*p, GUARD);

    uint64_t a = st.rsp;
    assert_int_equal(word(&st, a), argc);
    a += 8;
    uint64_t lowest_string = TOP;
    for (unsigned i = 0; i < argc; i++, a += 8) {
        uint64_t s = word(&st, a);
        assert_string_equal((const char *)at(&st, s), argv[i]);
        assert_in_range(s + strlen(argv[i]), s, TOP - 1); /* the NUL is inside too */
        lowest_string = s < lowest_string ? s : lowest_string;
    }
    assert_int_equal(word(&st, a), 0); /* argv NULL */
    a += 8;
    assert_int_equal(word(&st, a), 0); /* envp NULL */
    a += 8;
    const uint64_t want[][2] = {
        {AT_PAGESZ, 4096}, {AT_RANDOM, 0}, {AT_ENTRY, 0x401234}, {AT_PHDR, 0x400040},
        {AT_PHENT, 56},    {AT_PHNUM, 6},  {AT_BASE, 0},         {AT_NULL, 0},
    };
    for (unsigned i = 0; i < ARRAY_SIZE(want); i++, a += 16) {
        assert_int_equal(word(&st, a), want[i][0]);
        if (want[i][0] == AT_RANDOM) {
            uint64_t r = word(&st, a + 8);
            assert_in_range(r, a + 16, TOP - 16);
            assert_memory_equal(at(&st, r), rnd, 16);
        } else {
            assert_int_equal(word(&st, a + 8), want[i][1]);
        }
    }
    assert_true(a <= lowest_string); /* the strings sit above the table, not under it */
}

/* argc 1, 2, 3 and a long argument: both parities of the table's word count stay aligned. */
static void test_round_trip(void **state)
{
    (void)state;
    const char *one[] = {"hello_malloc"};
    check_round_trip(1, one);
    const char *two[] = {"churn", "12345"};
    check_round_trip(2, two);
    const char *three[] = {"a", "", "ccc"};
    check_round_trip(3, three);
    const char *none[] = {NULL};
    check_round_trip(0, none);
}

/*
 * argc 1 with an 11-byte string: 16 random + 11 string bytes + 20 words (160) = 187,
 * rounded to 192 bytes.
 */
static void test_exact_size(void **state)
{
    (void)state;
    const char *argv[] = {"0123456789"};
    struct initstack st;
    assert_int_equal(
        initstack_build(&plan, TOP, 1, argv, rnd, buf, sizeof(buf), &st, why, sizeof(why)), K_OK);
    assert_int_equal(st.len, 192);
    assert_int_equal(st.rsp, TOP - 192);
}

/* A 192-byte image does not fit in 191 bytes; 0 bytes and a huge argc neither. */
static void test_does_not_fit(void **state)
{
    (void)state;
    const char *argv[] = {"0123456789"};
    struct initstack st;
    memset(buf, GUARD, sizeof(buf));
    assert_int_equal(initstack_build(&plan, TOP, 1, argv, rnd, buf, 191, &st, why, sizeof(why)),
                     K_ENOMEM);
    assert_string_equal(why, "the arguments do not fit in the 191-byte initial stack");
    assert_int_equal(initstack_build(&plan, TOP, 1, argv, rnd, buf, 192, &st, why, sizeof(why)),
                     K_OK);
    assert_int_equal(initstack_build(&plan, TOP, 1, argv, rnd, buf, 0, &st, why, sizeof(why)),
                     K_ENOMEM);
    static const char *many[600];
    for (unsigned i = 0; i < ARRAY_SIZE(many); i++)
        many[i] = "";
    assert_int_equal(initstack_build(&plan, TOP, ARRAY_SIZE(many), many, rnd, buf, sizeof(buf), &st,
                                     why, sizeof(why)),
                     K_ENOMEM);
}

/* stack_top 8 bytes off alignment, or so low the image would wrap below 0: K_EINVAL. */
static void test_bad_top(void **state)
{
    (void)state;
    const char *argv[] = {"x"};
    struct initstack st;
    assert_int_equal(
        initstack_build(&plan, TOP + 8, 1, argv, rnd, buf, sizeof(buf), &st, why, sizeof(why)),
        K_EINVAL);
    assert_string_equal(why, "stack top 0x7ffffffff008 is not 16-byte aligned");
    assert_int_equal(
        initstack_build(&plan, 0x80, 1, argv, rnd, buf, sizeof(buf), &st, why, sizeof(why)),
        K_EINVAL);
    assert_string_equal(why, "stack top 0x80 is too low for a 192-byte initial stack");
}

/*
 * argv {"prog", "-x"} and envp {"HOME=/", "TERM=vt100"}:
 *   rsp -> 2, &"prog", &"-x", NULL, &"HOME=/", &"TERM=vt100", NULL, auxv...
 * Expect each pointer to its string, both NULLs in place, AT_PAGESZ right after envp's NULL.
 * With argc 0, envp still follows argv's NULL.
 */
static void test_envp(void **state)
{
    (void)state;
    const char *argv[] = {"prog", "-x"}, *envp[] = {"HOME=/", "TERM=vt100"};
    struct initstack st;
    assert_int_equal(initstack_build_env(&plan, TOP, 2, argv, 2, envp, 0, rnd, buf, sizeof(buf),
                                         &st, why, sizeof(why)),
                     K_OK);
    uint64_t a = st.rsp;
    assert_int_equal(word(&st, a), 2);
    assert_string_equal((const char *)at(&st, word(&st, a + 8)), "prog");
    assert_string_equal((const char *)at(&st, word(&st, a + 16)), "-x");
    assert_int_equal(word(&st, a + 24), 0);
    assert_string_equal((const char *)at(&st, word(&st, a + 32)), "HOME=/");
    assert_string_equal((const char *)at(&st, word(&st, a + 40)), "TERM=vt100");
    assert_int_equal(word(&st, a + 48), 0);
    assert_int_equal(word(&st, a + 56), AT_PAGESZ);
    assert_int_equal(initstack_build_env(&plan, TOP, 0, argv, 1, envp, 0, rnd, buf, sizeof(buf),
                                         &st, why, sizeof(why)),
                     K_OK);
    a = st.rsp;
    assert_int_equal(word(&st, a), 0);
    assert_int_equal(word(&st, a + 8), 0);
    assert_string_equal((const char *)at(&st, word(&st, a + 16)), "HOME=/");
    assert_int_equal(word(&st, a + 24), 0);
    assert_int_equal(word(&st, a + 32), AT_PAGESZ);
}

/*
 * With a vDSO at 0x7fffc0001000: AT_SYSINFO_EHDR first, right after envp's NULL, then the rest as
 * without one, AT_BASE 0 last before AT_NULL; the image is one auxv pair (16 bytes) longer.
 */
static void test_vdso(void **state)
{
    (void)state;
    const char *argv[] = {"0123456789"};
    struct initstack st;
    assert_int_equal(initstack_build_env(&plan, TOP, 1, argv, 0, NULL, 0x7fffc0001000, rnd, buf,
                                         sizeof(buf), &st, why, sizeof(why)),
                     K_OK);
    assert_int_equal(st.len, 208);
    uint64_t a = st.rsp + 32;
    assert_int_equal(word(&st, a), AT_SYSINFO_EHDR);
    assert_int_equal(word(&st, a + 8), 0x7fffc0001000);
    assert_int_equal(word(&st, a + 16), AT_PAGESZ);
    assert_int_equal(word(&st, a + 16 * 7), AT_BASE);
    assert_int_equal(word(&st, a + 16 * 7 + 8), 0);
    assert_int_equal(word(&st, a + 16 * 8), AT_NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_envp),       cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_exact_size), cmocka_unit_test(test_does_not_fit),
        cmocka_unit_test(test_bad_top),    cmocka_unit_test(test_vdso),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
