/* SPDX-License-Identifier: 0BSD */
/*
 * memmap_find_room(): where a list can live before it describes anything -- the highest place
 * inside one available entry, clear of every other entry and of the ranges to avoid, at or above
 * 1 MiB and below the given limit -- and memmap_list_bound().
 */
#include "memmap_test.h"

static phys_addr_t room(const struct memmap_entry *e, size_t n, uint64_t bytes, phys_addr_t below,
                        const struct memmap_entry *avoid, size_t navoid)
{
    struct memmap_source src = {.count = n, .get = NULL, .ctx = (void *)e};
    struct memmap_source av = {.count = navoid, .ctx = (void *)avoid};
    src.get = av.get = array_entry;
    return memmap_find_room(&src, bytes, below, navoid ? &av : NULL);
}

#define ROOM(bytes, below, ...)                                                                    \
    ({                                                                                             \
        const struct memmap_entry in_[] = {__VA_ARGS__};                                           \
        room(in_, ARRAY_SIZE(in_), (bytes), (below), NULL, 0);                                     \
    })

/*
 *   av[1M-16M)  av[32M-64M)  (listed low first), below 128M, 64K
 * Expect the top of the highest entry: 64M-64K. Below 40M: 40M-64K. Below 20M: 16M-64K.
 */
static void test_room_highest(void **state)
{
    (void)state;
    assert_int_equal(ROOM(64 * K, 128 * M, {1 * M, 15 * M, AV}, {32 * M, 32 * M, AV}),
                     64 * M - 64 * K);
    assert_int_equal(ROOM(64 * K, 40 * M, {32 * M, 32 * M, AV}, {1 * M, 15 * M, AV}),
                     40 * M - 64 * K);
    assert_int_equal(ROOM(64 * K, 20 * M, {32 * M, 32 * M, AV}, {1 * M, 15 * M, AV}),
                     16 * M - 64 * K);
}

/*
 *   av[32M-64M) with res[62M+1K, 63M) inside (rounded outward to [62M, 63M)), 2M wanted
 * Expect the window moved below the reservation: [60M, 62M). An ACPI or bad entry, or an
 * unknown type, blocks the same way; two conflicts stacked below each other move it twice.
 */
static void test_room_avoids_other_entries(void **state)
{
    (void)state;
    assert_int_equal(
        ROOM(2 * M, 128 * M, {32 * M, 32 * M, AV}, {62 * M + 1 * K, 1 * M - 1 * K, RES}), 60 * M);
    assert_int_equal(ROOM(2 * M, 128 * M, {32 * M, 32 * M, AV}, {63 * M, 4 * K, NVS},
                          {61 * M, 4 * K, RECL}, {59 * M + 4 * K, 4 * K, 9}),
                     57 * M + 4 * K);
    assert_int_equal(ROOM(2 * M, 128 * M, {32 * M, 32 * M, AV}, {33 * M, 31 * M, BADM}),
                     PHYS_NONE); /* only [32M, 33M) is clear: too small */
}

/*
 *   av[32M-64M), a module at [62M+100, 63M) and the kernel at [40M, 41M) to avoid
 * Expect 1M at [63M, 64M) above the module; 2M at [60M, 62M), below the module rounded outward to
 * its page; 21M at [41M, 62M) between kernel and module; 22M nowhere ([32M, 40M) is too small).
 */
static void test_room_avoids_boot_data(void **state)
{
    (void)state;
    const struct memmap_entry map[] = {{32 * M, 32 * M, AV}};
    const struct memmap_entry boot[] = {{62 * M + 100, 1 * M - 100, REGION_MODULE},
                                        {40 * M, 1 * M, REGION_KERNEL},
                                        {0, 0, REGION_CMDLINE}}; /* an empty range: no conflict */
    assert_int_equal(room(map, 1, 1 * M, 128 * M, boot, 3), 63 * M);
    assert_int_equal(room(map, 1, 2 * M, 128 * M, boot, 3), 60 * M);
    assert_int_equal(room(map, 1, 21 * M, 128 * M, boot, 3), 41 * M);
    assert_int_equal(room(map, 1, 22 * M, 128 * M, boot, 3), PHYS_NONE);
}

/*
 *   av[0-2M)  1M wanted: only [1M, 2M) is allowed (never below 1 MiB). 1M+4K: PHYS_NONE.
 *   av[1M+100, 2M-100) rounded inward to [1M+4K, 2M-4K): 1M-8K fits exactly there.
 *   av[1M-2M) av[2M-3M): 1.5M does not fit: room lies inside one entry.
 *   a zero-length available entry and a size of 0: PHYS_NONE.
 */
static void test_room_edges(void **state)
{
    (void)state;
    assert_int_equal(ROOM(1 * M, 4 * G, {0, 2 * M, AV}), 1 * M);
    assert_int_equal(ROOM(1 * M + 4 * K, 4 * G, {0, 2 * M, AV}), PHYS_NONE);
    assert_int_equal(ROOM(1 * M - 8 * K, 4 * G, {1 * M + 100, 1 * M - 200, AV}), 1 * M + 4 * K);
    assert_int_equal(ROOM(1 * M + 512 * K, 4 * G, {1 * M, 1 * M, AV}, {2 * M, 1 * M, AV}),
                     PHYS_NONE);
    assert_int_equal(ROOM(4 * K, 4 * G, {8 * M, 0, AV}), PHYS_NONE);
    assert_int_equal(ROOM(0, 4 * G, {8 * M, 1 * M, AV}), PHYS_NONE);
    /* An entry that wraps the address space is clamped, not wrapped: [1M, 4G) below 4G. */
    assert_int_equal(ROOM(4 * K, 4 * G, {1 * M, UINT64_MAX, AV}), 4 * G - 4 * K);
    /* One whose base rounds up past the top (found by fuzz_bootinfo) holds nothing. */
    assert_int_equal(ROOM(4 * K, PHYS_ADDR_MAX, {UINT64_MAX - 3, 1 * M, AV}), PHYS_NONE);
    assert_int_equal(ROOM(4 * K, 4 * G, {UINT64_MAX - 3, 1 * M, AV}), PHYS_NONE);
}

/* memmap_list_bound(): 2n + 1 for n entries, two per carve-out, plus the slack. */
static void test_list_bound(void **state)
{
    (void)state;
    assert_int_equal(memmap_list_bound(0, 0), 1 + MEMMAP_LIST_SLACK);
    assert_int_equal(memmap_list_bound(1000, 10), 2001 + 20 + MEMMAP_LIST_SLACK);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_room_highest),
        T(test_room_avoids_other_entries),
        T(test_room_avoids_boot_data),
        T(test_room_edges),
        T(test_list_bound),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
