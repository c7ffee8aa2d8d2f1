/* SPDX-License-Identifier: 0BSD */
/*
 * The page-frame manager's checks: invalid and double frees, a corrupted free stack, frees in
 * holes, the cheap checks without FRAME_CHECK, and FRAME_POISON. The standard map is drawn in
 * frame_test.h.
 */
#include "frame_test.h"

/* Asserts the last panic message names pa (as 0x...) and contains what. */
static void assert_panic_names(phys_addr_t pa, const char *what)
{
    char addr[32];
    snprintf(addr, sizeof(addr), "0x%lx", (unsigned long)pa);
    if (!strstr(panic_message(), addr) || !strstr(panic_message(), what))
        fail_msg("panic \"%s\" does not name %s and \"%s\"", panic_message(), addr, what);
}

/*
 * Standard map with FRAME_CHECK; one frame allocated (64M - 4K), one freed again (64M - 8K),
 * a run at the top. Expect each invalid free to panic naming its address and what is wrong:
 * misaligned, outside RAM, the kernel, the firmware hole, low memory, a double free, a frame
 * the cursor never handed out, a frame still free in the list, a run frame, PHYS_NONE.
 */
static void test_invalid_frees_panic(void **state)
{
    (void)state;
    std_pool(FRAME_CHECK); /* the stack itself: a cache would hold the cursor's next frames */
    phys_addr_t a = stack_alloc(), b = stack_alloc();
    stack_free(b);
    phys_addr_t run = frame_alloc_run(&pool, 4, 0, 0, 0);
    check_stats(PAGE_SIZE + 4 * PAGE_SIZE);
    struct {
        phys_addr_t pa;
        const char *what;
    } bad[] = {
        {a + 1, "misaligned"},
        {64 * MiB, "outside RAM"},
        {1 * TiB, "outside RAM"},
        {3 * MiB, "kernel"},
        {40 * MiB + 8 * KiB, "reserved range [0x2800000, 0x2900000)"},
        {512 * KiB, "reserved range [0x0, 0x100000)"},
        {b, "double free"},
        {b - PAGE_SIZE, "never allocated"},
        {30 * MiB, "free in the region list"},
        {run + PAGE_SIZE, "frame_free_run"},
        {PHYS_NONE, "PHYS_NONE"},
    };
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        expect_panic(frame_free(&pool, bad[i].pa));
        assert_panic_names(bad[i].pa, bad[i].what);
    }
    /* Nothing changed: the pool still works and adds up. */
    check_stats(PAGE_SIZE + 4 * PAGE_SIZE);
    stack_free(a);
    expect_panic(frame_free(&pool, a));
    assert_panic_names(a, "double free");
    expect_panic(frame_free_run(&pool, 30 * MiB, 2));
    assert_panic_names(30 * MiB, "not a run");
    frame_free_run(&pool, run, 4);
    check_stats(0);
}

/*
 * FRAME_CHECK catches a corrupted free stack on allocation. Standard map, two frames freed so the
 * head batch holds them; then a slot is overwritten with (a) a misaligned value, (b) an address
 * past the end of RAM, (c) a frame that is still handed out.
 * Expect: each allocation that meets the bad slot panics naming the value and what is wrong.
 */
static void test_corrupted_stack_panics(void **state)
{
    (void)state;
    static const struct {
        phys_addr_t value; /* relative to `held` for (c) */
        const char *what;
    } cases[] = {{0x1234567, "misaligned"}, {1 * TiB, "outside RAM"}, {0, "already in use"}};
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        std_pool(FRAME_CHECK); /* the stack itself, no cache in front */
        phys_addr_t a = stack_alloc(), b = stack_alloc(), c = stack_alloc();
        stack_free(a); /* a becomes the head batch */
        stack_free(b); /* b is its first slot */
        struct frame_batch *batch = phys_to_virt(a);
        assert_int_equal(batch->count, 1);
        phys_addr_t bad = cases[i].value ? cases[i].value : c;
        batch->frames[0] = bad;
        expect_panic(stack_alloc());
        assert_panic_names(bad, cases[i].what);
    }
}

/*
 *   1M [free] 2M  (hole)  4M [free] 8M
 * Expect: freeing a frame in the hole panics as "not RAM" (FRAME_CHECK); a map with no free
 * range at all starts with an empty bitmap and hands out nothing.
 */
static void test_hole_free_and_empty_map(void **state)
{
    (void)state;
    static const struct range map[] = {
        {1 * MiB, 2 * MiB, REGION_FREE},
        {4 * MiB, 8 * MiB, REGION_FREE},
    };
    make_map(8 * MiB, map, ARRAY_SIZE(map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    expect_panic(frame_free(&pool, 3 * MiB));
    assert_panic_names(3 * MiB, "not RAM");

    static const struct range none[] = {{0, 1 * MiB, REGION_LOWMEM}};
    make_map(8 * MiB, none, ARRAY_SIZE(none), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, FRAME_CHECK), K_OK);
    assert_int_equal(frame_alloc(&pool), PHYS_NONE);
    check_stats(0);
}

/*
 * Standard map without FRAME_CHECK. Expect: the cheap checks still panic (misaligned, outside
 * RAM), a low frame that the list says is not ours panics (the check comes free there), and a
 * bad run free is reported with a message instead of a panic.
 */
static void test_release_checks(void **state)
{
    (void)state;
    std_pool(0);
    phys_addr_t a = frame_alloc(&pool);
    expect_panic(frame_free(&pool, a + 8));
    assert_panic_names(a + 8, "misaligned");
    expect_panic(frame_free(&pool, 64 * MiB));
    assert_panic_names(64 * MiB, "outside RAM");
    expect_panic(frame_free(&pool, 3 * MiB));
    assert_panic_names(3 * MiB, "kernel");
    expect_panic(frame_free(&pool, 8 * MiB));
    assert_panic_names(8 * MiB, "free in the region list");
    kprintf_reset();
    frame_free_run(&pool, 8 * MiB, 2);
    assert_non_null(strstr(kprintf_output(), "frame_free_run(0x800000, 2 frames): not a run"));
    assert_int_equal(tag_at(8 * MiB), REGION_FREE);
    check_stats(PAGE_SIZE);

    /*
     *   0    1M                16M
     *   |low |     free         |     the cursor's first chunk is [14M, 16M), below the limit
     * Expect: freeing a frame of that chunk the cursor has not handed out yet panics (the
     * region list alone would take it back as free while the cursor still holds it).
     */
    static const struct range low_map[] = {
        {0, 1 * MiB, REGION_LOWMEM},
        {1 * MiB, 16 * MiB, REGION_FREE},
    };
    make_map(16 * MiB, low_map, ARRAY_SIZE(low_map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, 0), K_OK);
    assert_int_equal(frame_alloc(&pool), 16 * MiB - PAGE_SIZE);
    expect_panic(frame_free(&pool, 14 * MiB));
    assert_panic_names(14 * MiB, "never allocated");
    assert_int_equal(tag_at(14 * MiB), REGION_FRAMES);
    check_stats(PAGE_SIZE);
}

/*
 * Standard map with FRAME_POISON | FRAME_CHECK. Frames a..c freed, then written to:
 *   a: a slot of the head batch, written at offset 100  -> caught when a is reallocated
 *   head batch frame, written at offset 2000             -> caught when the head is handed out
 * Expect: panics naming the frame and the offset; clean frames pass; alloc_zeroed is zeroed.
 * Run on the stack itself (stack_alloc/stack_free) and through a CPU's cache, where the frames
 * wait in the cache instead of the head batch and are checked when the cache hands them out.
 */
static bool on_stack;

static phys_addr_t take(void)
{
    return on_stack ? stack_alloc() : frame_alloc(&pool);
}

static void give(phys_addr_t pa)
{
    if (on_stack)
        stack_free(pa);
    else
        frame_free(&pool, pa);
}

static void poison_checks(bool stack)
{
    on_stack = stack;
    std_pool(FRAME_POISON | FRAME_CHECK);
    phys_addr_t h = take(), a = take(), c = take();
    give(h); /* becomes the head batch */
    give(c);
    give(a);
    uint8_t *va = phys_to_virt(a);
    assert_int_equal(va[0], FRAME_POISON_BYTE);
    assert_int_equal(va[PAGE_SIZE - 1], FRAME_POISON_BYTE);
    va[100] = 0;
    expect_panic(take());
    assert_panic_names(a, "offset 100");
    assert_int_equal(take(), c); /* clean */

    ((uint8_t *)phys_to_virt(h))[2000] = 0x11;
    expect_panic(take());
    assert_panic_names(h, "offset 2000");

    std_pool(FRAME_POISON);
    for (int i = 0; i < 20; i++)
        held[i] = take();
    for (int i = 0; i < 20; i++)
        give(held[i]);
    /* a batch frame whose slots were used and emptied is handed out clean (re-poisoned) */
    for (int i = 0; i < 20; i++)
        assert_int_not_equal(take(), PHYS_NONE);
    give(held[5]);
    phys_addr_t z = frame_alloc_zeroed(&pool);
    assert_int_equal(z, held[5]);
    for (uint64_t i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(((uint8_t *)phys_to_virt(z))[i], 0);
}

static void test_poison(void **state)
{
    (void)state;
    poison_checks(true);
    poison_checks(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_frees_panic),
        cmocka_unit_test(test_corrupted_stack_panics),
        cmocka_unit_test(test_hole_free_and_empty_map),
        cmocka_unit_test(test_release_checks),
        cmocka_unit_test(test_poison),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
