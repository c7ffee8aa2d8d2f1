/* SPDX-License-Identifier: 0BSD */
/*
 * frame_whereis() on the standard 64 MiB map (frame_test.h), batched and linked stacks:
 *   - before any allocation every free frame is "never seeded", the kernel's are another owner's,
 *     the firmware hole's too, and an address past 64 MiB is no RAM;
 *   - after 3 allocations (from the top of memory, the seed cursor's 2 MiB chunk below 64 MiB):
 *     the 3 are handed out, the rest of the chunk is carved but not handed out;
 *   - after freeing the middle one it is on the stack; a run is part of a run.
 */
#include "frame_test.h"

#include <frame64/frame_whereis.h>

/* The stack's states, without a cache in front (test_cached below has the cache's). */
static void check_states(unsigned flags)
{
    std_pool(flags);
    assert_int_equal(frame_whereis(&pool, 10 * MiB), FRAME_WHERE_UNSEEDED);
    assert_int_equal(frame_whereis(&pool, 3 * MiB), FRAME_WHERE_OTHER);
    assert_int_equal(frame_whereis(&pool, 40 * MiB + 123), FRAME_WHERE_OTHER);
    assert_int_equal(frame_whereis(&pool, 64 * MiB), FRAME_WHERE_NOT_RAM);
    phys_addr_t a = stack_alloc(), b = stack_alloc(), c = stack_alloc();
    assert_true(a != PHYS_NONE && b != PHYS_NONE && c != PHYS_NONE);
    assert_int_equal(frame_whereis(&pool, a), FRAME_WHERE_HANDED_OUT);
    assert_int_equal(frame_whereis(&pool, b + 100), FRAME_WHERE_HANDED_OUT); /* inside the frame */
    assert_int_equal(frame_whereis(&pool, c - PAGE_SIZE), FRAME_WHERE_CURSOR);
    stack_free(b);
    assert_int_equal(frame_whereis(&pool, b), FRAME_WHERE_STACKED);
    assert_int_equal(frame_whereis(&pool, a), FRAME_WHERE_HANDED_OUT);
    stack_free(c);
    assert_int_equal(frame_whereis(&pool, c), FRAME_WHERE_STACKED);
    assert_int_equal(frame_whereis(&pool, b), FRAME_WHERE_STACKED);
    phys_addr_t run = frame_alloc_run(&pool, 4, 0, 16 * MiB, 0);
    assert_true(run != PHYS_NONE);
    assert_int_equal(frame_whereis(&pool, run + 3 * PAGE_SIZE), FRAME_WHERE_RUN);
    assert_string_equal(frame_where_name(FRAME_WHERE_STACKED), "free, on the free stack");
    arena_destroy();
}

static void test_stack(void **state)
{
    (void)state;
    check_states(0);
    check_states(FRAME_CHECK | FRAME_POISON);
}

static void test_checked(void **state)
{
    (void)state;
    check_states(FRAME_CHECK | FRAME_POISON);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stack),
        cmocka_unit_test(test_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
