/* SPDX-License-Identifier: 0BSD */
/*
 * The shared-frame table (src/mm/frame_ref.c): counts through share and unshare, memory that
 * grows and comes back with the number of shared frames (every storage frame counted by the test
 * store, tests/support/frame_ref_store.h), growth that finds no memory changing nothing, counts
 * that refuse to overflow, and panics on addresses and invariants the table can check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame_ref.h>

#include "frame_ref_store.h"
#include "host_support.h"

static struct ref_store st;
static struct frame_ref t;

static void fresh(uint64_t arena)
{
    ref_store_init(&st, arena);
    frame_ref_init(&t, ref_store_alloc, ref_store_free, &st);
}

/* The table's view of its memory and the store's must agree, and stay within the bound. */
static void check_memory(void)
{
    struct frame_ref_stats s = frame_ref_stats(&t);
    assert_int_equal(s.frames, st.held);
    assert_int_equal(s.bytes, st.held * PAGE_SIZE);
    assert_true(s.bytes <= ref_store_bound(s.shared));
}

/* A frame number spread over the whole 52-bit space, distinct for distinct i. */
static phys_addr_t spread(uint64_t i)
{
    return ((i * 0x5851f42d4c957f2dull) & ((FRAME_REF_PA_LIMIT - 1) & ~(PAGE_SIZE - 1))) |
           ((i & 0xff) << 12);
}

/*
 * An unshared frame counts 1 and its unshare says 0 (free it); sharing makes it 2, 3; unsharing
 * walks back 2, 1 (entry gone: no memory held), then 0. Frame 0 and the last frame below the limit
 * are frames like any other.
 */
static void test_round_trip(void **state)
{
    (void)state;
    fresh(16 * MiB);
    const phys_addr_t edge[] = {0x1234000, 0, FRAME_REF_PA_LIMIT - PAGE_SIZE};
    for (size_t i = 0; i < ARRAY_SIZE(edge); i++) {
        phys_addr_t pa = edge[i];
        assert_int_equal(frame_ref_count(&t, pa), 1);
        assert_int_equal(frame_ref_share(&t, pa), K_OK);
        assert_int_equal(frame_ref_count(&t, pa), 2);
        assert_int_equal(frame_ref_share(&t, pa), K_OK);
        assert_int_equal(frame_ref_count(&t, pa), 3);
        struct frame_ref_stats s = frame_ref_stats(&t);
        assert_int_equal(s.shared, 1);
        assert_int_equal(s.refs, 3);
        assert_int_equal(s.frames, 2); /* one slot frame, one index frame */
        assert_int_equal(frame_ref_count(&t, pa + PAGE_SIZE * (pa ? -1 : 1)), 1);
        assert_int_equal(frame_ref_unshare(&t, pa), 2);
        assert_int_equal(frame_ref_unshare(&t, pa), 1);
        assert_int_equal(frame_ref_count(&t, pa), 1);
        s = frame_ref_stats(&t);
        assert_int_equal(s.shared, 0);
        assert_int_equal(s.refs, 0);
        assert_int_equal(s.frames, 0);
        assert_int_equal(st.held, 0);
        assert_int_equal(frame_ref_unshare(&t, pa), 0);
    }
    frame_ref_destroy(&t);
}

/*
 * 100,000 frames shared twice each: the table grows by doubling with its memory in the bound at
 * every step; unsharing them all (in another order) shrinks it step by step to nothing, every
 * storage frame back in the store.
 */
static void test_grow_and_shrink(void **state)
{
    (void)state;
    fresh(64 * MiB);
    const uint64_t n = 100000;
    uint64_t last_frames = 0, grew = 0;
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(frame_ref_share(&t, spread(i)), K_OK);
        struct frame_ref_stats s = frame_ref_stats(&t);
        if (s.frames != last_frames) {
            check_memory();
            grew++;
            last_frames = s.frames;
        }
    }
    for (uint64_t i = 0; i < n; i += 7)
        assert_int_equal(frame_ref_share(&t, spread(i)), K_OK);
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(frame_ref_count(&t, spread(i)), i % 7 ? 2 : 3);
    struct frame_ref_stats s = frame_ref_stats(&t);
    assert_int_equal(s.shared, n);
    assert_int_equal(s.refs, 2 * n + (n + 6) / 7);
    assert_int_equal(grew, 10); /* none, then 512 slots to 256Ki: ten sizes */
    check_memory();

    uint64_t shrank = 0;
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = (k * 7919) % n; /* every i once: 7919 is prime, n is not its multiple */
        if (i % 7 == 0)
            assert_int_equal(frame_ref_unshare(&t, spread(i)), 2);
        assert_int_equal(frame_ref_unshare(&t, spread(i)), 1);
        s = frame_ref_stats(&t);
        if (s.frames != last_frames) {
            check_memory();
            shrank++;
            last_frames = s.frames;
        }
    }
    assert_true(shrank >= 5); /* a shrink below 1/8 lands at 1/2 or below: a quarter the size */
    assert_int_equal(st.held, 0);
    assert_int_equal(frame_ref_stats(&t).refs, 0);
    frame_ref_destroy(&t);
}

/*
 * At the growth threshold (384 of 512 slots), one frame shared and unshared 1,000 times rebuilds
 * the table once, not at each crossing: it shrinks back only below 1/8.
 */
static void test_hysteresis(void **state)
{
    (void)state;
    fresh(16 * MiB);
    for (uint64_t i = 0; i < 384; i++)
        assert_int_equal(frame_ref_share(&t, spread(i)), K_OK);
    assert_int_equal(frame_ref_stats(&t).slots, 512);
    uint64_t before = frame_ref_stats(&t).resizes;
    for (int k = 0; k < 1000; k++) {
        assert_int_equal(frame_ref_share(&t, spread(384)), K_OK);
        assert_int_equal(frame_ref_unshare(&t, spread(384)), 1);
    }
    assert_int_equal(frame_ref_stats(&t).slots, 1024);
    assert_int_equal(frame_ref_stats(&t).resizes, before + 1);
    for (uint64_t i = 0; i < 384; i++)
        assert_int_equal(frame_ref_unshare(&t, spread(i)), 1);
    assert_int_equal(st.held, 0);
    frame_ref_destroy(&t);
}

/*
 * Growth without memory: the first share into an empty table with no frames to take, and the
 * 385th share (growth to 1024 slots, which needs 3 frames) with only 2 to take, both return
 * K_ENOMEM with every count as it was, the frames taken for the half-built table given back, and
 * nothing held beyond the old table. A share of a frame already shared needs no memory. With
 * memory back the same share succeeds.
 */
static void test_enomem(void **state)
{
    (void)state;
    fresh(16 * MiB);
    st.limit = 0;
    assert_int_equal(frame_ref_share(&t, 0x5000), K_ENOMEM);
    assert_int_equal(frame_ref_count(&t, 0x5000), 1);
    assert_int_equal(frame_ref_stats(&t).shared, 0);
    assert_int_equal(st.held, 0);
    st.limit = UINT64_MAX;

    for (uint64_t i = 0; i < 384; i++)
        assert_int_equal(frame_ref_share(&t, spread(i)), K_OK);
    struct frame_ref_stats before = frame_ref_stats(&t);
    st.limit = st.held + 2;
    uint64_t allocs = st.allocs;
    assert_int_equal(frame_ref_share(&t, spread(384)), K_ENOMEM);
    assert_int_equal(st.allocs, allocs + 2); /* it did get partway */
    struct frame_ref_stats after = frame_ref_stats(&t);
    assert_int_equal(after.shared, before.shared);
    assert_int_equal(after.refs, before.refs);
    assert_int_equal(after.slots, before.slots);
    assert_int_equal(after.frames, before.frames);
    assert_int_equal(after.no_memory, before.no_memory + 1);
    assert_int_equal(st.held, before.frames);
    assert_int_equal(frame_ref_count(&t, spread(384)), 1);
    for (uint64_t i = 0; i < 384; i++)
        assert_int_equal(frame_ref_count(&t, spread(i)), 2);

    assert_int_equal(frame_ref_share(&t, spread(7)), K_OK); /* already shared: no growth */
    assert_int_equal(frame_ref_count(&t, spread(7)), 3);

    st.limit = UINT64_MAX;
    assert_int_equal(frame_ref_share(&t, spread(384)), K_OK);
    assert_int_equal(frame_ref_count(&t, spread(384)), 2);
    check_memory();
    assert_int_equal(frame_ref_unshare(&t, spread(7)), 2);
    for (uint64_t i = 0; i <= 384; i++)
        assert_int_equal(frame_ref_unshare(&t, spread(i)), 1);
    assert_int_equal(st.held, 0);
    frame_ref_destroy(&t);
}

/*
 * A shrink that finds no memory is put off, not an error: the table keeps its size and its
 * counts, no_memory counts it, and the next unshare with memory available shrinks it to the size
 * its entries call for.
 */
static void test_shrink_put_off(void **state)
{
    (void)state;
    fresh(16 * MiB);
    for (uint64_t i = 0; i < 2000; i++)
        assert_int_equal(frame_ref_share(&t, spread(i)), K_OK);
    assert_int_equal(frame_ref_stats(&t).slots, 4096);
    st.limit = 0;
    for (uint64_t i = 0; i < 1900; i++)
        assert_int_equal(frame_ref_unshare(&t, spread(i)), 1);
    struct frame_ref_stats s = frame_ref_stats(&t);
    assert_int_equal(s.slots, 4096);
    assert_true(s.no_memory > 0);
    for (uint64_t i = 1900; i < 2000; i++)
        assert_int_equal(frame_ref_count(&t, spread(i)), 2);
    st.limit = UINT64_MAX;
    assert_int_equal(frame_ref_unshare(&t, spread(1900)), 1);
    assert_int_equal(frame_ref_stats(&t).slots, 512);
    check_memory();
    for (uint64_t i = 1901; i < 2000; i++)
        assert_int_equal(frame_ref_unshare(&t, spread(i)), 1);
    assert_int_equal(st.held, 0);
    frame_ref_destroy(&t);
}

/*
 * A batch: 1,000 frames with repeats share all (a repeated frame once per appearance); a batch
 * that would need growth without memory, or that pushes a count past FRAME_REF_MAX in its middle,
 * changes no count at all.
 */
static void test_share_many(void **state)
{
    (void)state;
    fresh(16 * MiB);
    static phys_addr_t batch[2000];
    for (size_t i = 0; i < 1000; i++)
        batch[i] = spread(i % 600);
    assert_int_equal(frame_ref_share_many(&t, batch, 1000), K_OK);
    for (uint64_t i = 0; i < 600; i++)
        assert_int_equal(frame_ref_count(&t, spread(i)), i < 400 ? 3 : 2);
    assert_int_equal(frame_ref_stats(&t).shared, 600);
    check_memory();

    for (size_t i = 0; i < ARRAY_SIZE(batch); i++)
        batch[i] = spread(i); /* 1,400 new: growth from 2048 slots to 4096 */
    assert_int_equal(frame_ref_stats(&t).slots, 2048);
    st.limit = st.held;
    struct frame_ref_stats before = frame_ref_stats(&t);
    assert_int_equal(frame_ref_share_many(&t, batch, ARRAY_SIZE(batch)), K_ENOMEM);
    assert_int_equal(frame_ref_stats(&t).refs, before.refs);
    assert_int_equal(frame_ref_stats(&t).shared, before.shared);
    assert_int_equal(frame_ref_count(&t, spread(700)), 1);
    st.limit = UINT64_MAX;

    /* spread(1999) at the maximum: the batch gets to its end before it is refused. */
    for (uint32_t k = 1; k < FRAME_REF_MAX; k++)
        assert_int_equal(frame_ref_share(&t, spread(1999)), K_OK);
    before = frame_ref_stats(&t);
    assert_int_equal(frame_ref_share_many(&t, batch, ARRAY_SIZE(batch)), K_ERANGE);
    assert_int_equal(frame_ref_stats(&t).refs, before.refs);
    assert_int_equal(frame_ref_stats(&t).shared, before.shared);
    assert_int_equal(frame_ref_count(&t, spread(0)), 3);
    assert_int_equal(frame_ref_count(&t, spread(700)), 1);
    assert_int_equal(frame_ref_count(&t, spread(1999)), FRAME_REF_MAX);
    check_memory();
    assert_int_equal(frame_ref_share_many(&t, batch, 0), K_OK);
}

/*
 * A count stops at FRAME_REF_MAX: the next share is refused with K_ERANGE and the count stays;
 * unshare then walks it down again.
 */
static void test_overflow(void **state)
{
    (void)state;
    fresh(16 * MiB);
    for (uint32_t k = 1; k < FRAME_REF_MAX; k++)
        assert_int_equal(frame_ref_share(&t, 0x7000), K_OK);
    assert_int_equal(frame_ref_count(&t, 0x7000), FRAME_REF_MAX);
    assert_int_equal(frame_ref_share(&t, 0x7000), K_ERANGE);
    assert_int_equal(frame_ref_count(&t, 0x7000), FRAME_REF_MAX);
    assert_int_equal(frame_ref_stats(&t).refs, FRAME_REF_MAX);
    assert_int_equal(frame_ref_unshare(&t, 0x7000), FRAME_REF_MAX - 1);
    assert_int_equal(frame_ref_share(&t, 0x7000), K_OK);
}

/*
 * Broken invariants panic naming the frame, and leave the lock free (the next call works):
 * misaligned addresses and ones past 52 bits in every call, an unshare_shared of a frame the
 * table does not hold (also after its last share was undone), destroying a table that still
 * holds shared frames.
 */
static void test_panics(void **state)
{
    (void)state;
    fresh(16 * MiB);
    phys_addr_t one = 0x9000;
    expect_panic(frame_ref_share(&t, 0x9001));
    assert_non_null(strstr(panic_message(), "frame_ref_share(0x9001): misaligned"));
    expect_panic(frame_ref_count(&t, 0x9800));
    assert_non_null(strstr(panic_message(), "0x9800"));
    expect_panic(frame_ref_unshare(&t, 0x10));
    assert_non_null(strstr(panic_message(), "0x10"));
    expect_panic(frame_ref_share(&t, FRAME_REF_PA_LIMIT));
    assert_non_null(strstr(panic_message(), "0x10000000000000"));
    phys_addr_t bad[] = {one, 0x123};
    expect_panic(frame_ref_share_many(&t, bad, 2));
    assert_non_null(strstr(panic_message(), "0x123"));
    assert_int_equal(frame_ref_count(&t, one), 1); /* nothing of the bad batch was shared */

    expect_panic(frame_ref_unshare_shared(&t, one));
    assert_non_null(strstr(panic_message(), "frame_ref_unshare_shared(0x9000): not shared"));
    assert_int_equal(frame_ref_share(&t, one), K_OK);
    assert_int_equal(frame_ref_share(&t, one), K_OK);
    assert_int_equal(frame_ref_unshare_shared(&t, one), 2);
    assert_int_equal(frame_ref_unshare_shared(&t, one), 1);
    expect_panic(frame_ref_unshare_shared(&t, one));
    assert_non_null(strstr(panic_message(), "0x9000"));

    assert_int_equal(frame_ref_share(&t, one), K_OK);
    expect_panic(frame_ref_destroy(&t));
    assert_non_null(strstr(panic_message(), "1 frames are still shared"));
    assert_int_equal(frame_ref_unshare(&t, one), 1);
    frame_ref_destroy(&t);
    assert_int_equal(st.held, 0);
}

/*
 * 200,000 random operations on 3,000 frames against an array of counts: every answer agrees with
 * the model and memory stays in the bound (the fuzzer does more; this one runs in every build).
 */
static void test_against_model(void **state)
{
    (void)state;
    fresh(16 * MiB);
    static uint32_t model[3000];
    for (size_t i = 0; i < ARRAY_SIZE(model); i++)
        model[i] = 1;
    uint64_t x = 88172645463325252ull, shared = 0;
    for (int k = 0; k < 200000; k++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        uint64_t i = (x >> 8) % ARRAY_SIZE(model);
        phys_addr_t pa = (i * 977 % 3000) * PAGE_SIZE; /* dense frame numbers: runs collide */
        if ((x & 3) < 2 - (shared > 2000)) {
            assert_int_equal(frame_ref_share(&t, pa), K_OK);
            shared += model[i]++ == 1;
        } else if (model[i] > 1) {
            assert_int_equal(frame_ref_unshare(&t, pa), --model[i]);
            shared -= model[i] == 1;
        }
        assert_int_equal(frame_ref_count(&t, pa), model[i]);
        assert_int_equal(frame_ref_stats(&t).shared, shared);
    }
    for (size_t i = 0; i < ARRAY_SIZE(model); i++)
        assert_int_equal(frame_ref_count(&t, (i * 977 % 3000) * PAGE_SIZE), model[i]);
    check_memory();
}

/*
 * One million frames shared (consecutive frame numbers, fork's common case): memory within the
 * bound and printed per shared frame at each size, every count 2; then all unshared and every
 * storage frame back.
 */
static void test_million(void **state)
{
    (void)state;
    fresh(128 * MiB);
    const uint64_t n = 1u << 20;
    printf("shared frames   table bytes   bytes per shared frame\n");
    for (uint64_t i = 0; i < n; i++) {
        assert_int_equal(frame_ref_share(&t, (1ull << 32) + i * PAGE_SIZE), K_OK);
        uint64_t m = i + 1;
        if ((m & (m - 1)) == 0 || m == 3 * (m & -m) / 1 || m % 100000 == 0) {
            struct frame_ref_stats s = frame_ref_stats(&t);
            assert_true(s.bytes <= ref_store_bound(m));
            if (m >= 1024 && ((m & (m - 1)) == 0 || m % 100000 == 0))
                printf("%13lu   %11lu   %6.1f\n", m, s.bytes, (double)s.bytes / m);
        }
    }
    check_memory();
    for (uint64_t i = 0; i < n; i += 4099)
        assert_int_equal(frame_ref_count(&t, (1ull << 32) + i * PAGE_SIZE), 2);
    assert_int_equal(frame_ref_count(&t, (1ull << 32) + n * PAGE_SIZE), 1);
    printf("peak storage %lu frames (the rebuild holds the old and new tables)\n", st.peak);
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(frame_ref_unshare(&t, (1ull << 32) + i * PAGE_SIZE), 1);
    assert_int_equal(st.held, 0);
    frame_ref_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_round_trip, arena_teardown),
        cmocka_unit_test_teardown(test_grow_and_shrink, arena_teardown),
        cmocka_unit_test_teardown(test_hysteresis, arena_teardown),
        cmocka_unit_test_teardown(test_enomem, arena_teardown),
        cmocka_unit_test_teardown(test_shrink_put_off, arena_teardown),
        cmocka_unit_test_teardown(test_share_many, arena_teardown),
        cmocka_unit_test_teardown(test_overflow, arena_teardown),
        cmocka_unit_test_teardown(test_panics, arena_teardown),
        cmocka_unit_test_teardown(test_against_model, arena_teardown),
        cmocka_unit_test_teardown(test_million, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
