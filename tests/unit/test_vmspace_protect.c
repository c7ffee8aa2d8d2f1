/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_protect(): areas split and merged back, leaves rewritten and flushed, no-access pages
 * keeping their frames, holes and W^X refused.
 */
#include "vmspace_test.h"

static struct vmspace a;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    return 0;
}

/* The raw leaf for va (0 if none). */
static uint64_t raw_leaf(uint64_t va)
{
    int level;
    uint64_t *e = pt_find(a.pml4, va, &level);
    return level == 0 ? *e : 0;
}

/*
 *   [4M | 4M+4K   4M+8K | 4M+12K)  RW populated;  protect the middle two RO;  then RW again
 * Expect: 3 areas, the middle leaves lose PTE_WRITE (same frames), a write there is K_EACCES;
 * one flush of exactly the two pages; back to RW the areas merge into 1.
 */
static void test_protect_splits_and_merges(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    phys_addr_t mid = tr(&a, 4 * MiB + 4 * KiB);
    assert_int_equal(vmspace_protect(&a, 4 * MiB + 4 * KiB, 8 * KiB, RO), K_OK);
    assert_int_equal(stats_of(&a).areas, 3);
    assert_int_equal(tr(&a, 4 * MiB + 4 * KiB), mid);
    assert_int_equal(leaf_flags(&a, 4 * MiB + 4 * KiB),
                     PTE_PRESENT | PTE_USER | PTE_NX | PTE_SW_OWNED);
    assert_true(leaf_flags(&a, 4 * MiB) & PTE_WRITE);
    assert_true(leaf_flags(&a, 4 * MiB + 12 * KiB) & PTE_WRITE);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_WRITE), K_EACCES);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_READ), K_OK);
    assert_int_equal(fl.calls, 1);
    assert_int_equal(fl.log[0].start, 4 * MiB + 4 * KiB);
    assert_int_equal(fl.log[0].end, 4 * MiB + 12 * KiB);

    assert_int_equal(vmspace_protect(&a, 4 * MiB + 4 * KiB, 8 * KiB, RW), K_OK);
    assert_int_equal(stats_of(&a).areas, 1);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_WRITE), K_OK);
    expect_stats(&a, 4, 1, 1, 1, 1);
}

/*
 *   [4M, +8K) RW populated, "hello" written; protect to no access (VM_USER only); then RW
 * Expect: no access: nothing translates, reads are K_EACCES, yet the frames stay (same leaf
 * count, same pool use; the leaf keeps its frame with PTE_SW_NOACCESS); back to RW the same
 * frames return with "hello" in them.
 */
static void test_protect_no_access_keeps_frames(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    memcpy(phys_to_virt(f), "hello", 6);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 8 * KiB, VM_USER), K_OK);
    assert_int_equal(tr(&a, 4 * MiB), PHYS_NONE);
    assert_int_equal(raw_leaf(4 * MiB), f | PTE_SW_OWNED | PTE_SW_NOACCESS);
    assert_int_equal(touch(&a, 4 * MiB, VM_READ), K_EACCES);
    assert_int_equal(pool_in_use(), used);
    expect_stats(&a, 2, 1, 1, 1, 1);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(tr(&a, 4 * MiB), f);
    assert_string_equal(phys_to_virt(f), "hello");
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 8 * KiB, 0), K_OK);
    vmspace_destroy(&a); /* frees no-access frames like any */
    expect_pool_back();
}

/*
 *   [4M, +64K) anon untouched; protect RO; touch write, touch read; protect RW; touch write
 * Expect: the write is refused before any frame is taken; the read maps a read-only zero page;
 * after RW the same frame is writable (no second frame).
 */
static void test_protect_demand_area(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 64 * KiB, RW), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 64 * KiB, RO), K_OK);
    assert_int_equal(fl.calls, 0); /* no leaf changed */
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_WRITE), K_EACCES);
    expect_stats(&a, 0, 0, 0, 0, 1);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_READ), K_OK);
    assert_false(leaf_flags(&a, 4 * MiB + 8 * KiB) & PTE_WRITE);
    phys_addr_t f = tr(&a, 4 * MiB + 8 * KiB);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 64 * KiB, RW), K_OK);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_WRITE), K_OK);
    assert_int_equal(tr(&a, 4 * MiB + 8 * KiB), f);
    expect_stats(&a, 1, 1, 1, 1, 1);
}

/*
 *   [4M, +4K) and [4M+8K, +4K), a hole between;  protect [4M, +12K);  protect [8M, +4K)
 * Expect: K_ENOENT both times, nothing changed.
 */
static void test_protect_hole_refused(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 4 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 8 * KiB, 4 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 12 * KiB, RO), K_ENOENT);
    assert_int_equal(vmspace_protect(&a, 8 * MiB, 4 * KiB, RO), K_ENOENT);
    assert_true(leaf_flags(&a, 4 * MiB) & PTE_WRITE);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_int_equal(fl.calls, 0);
}

/*
 *   [4M, +4K) RW; protect RW|X, VM_POPULATE, misaligned, the kernel half
 * Expect: K_EPERM, K_EINVAL, K_EINVAL, K_EFAULT.
 */
static void test_protect_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 4 * KiB, RW | VM_EXEC), K_EPERM);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 4 * KiB, RO | VM_POPULATE), K_EINVAL);
    assert_int_equal(vmspace_protect(&a, 4 * MiB + 1, 4 * KiB, RO), K_EINVAL);
    assert_int_equal(vmspace_protect(&a, 0xffff800000000000ull, 4 * KiB, RO), K_EFAULT);
}

/*
 *   [4M, +4K) RW populated; protect RX; then RW
 * Expect: RX: no PTE_WRITE, no PTE_NX; executing is allowed, writing is not; RW: NX again.
 */
static void test_protect_exec(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 4 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(touch(&a, 4 * MiB, VM_EXEC), K_EACCES);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 4 * KiB, RX), K_OK);
    assert_int_equal(leaf_flags(&a, 4 * MiB), PTE_PRESENT | PTE_USER | PTE_SW_OWNED);
    assert_int_equal(touch(&a, 4 * MiB, VM_EXEC), K_OK);
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_EACCES);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 4 * KiB, RW), K_OK);
    assert_true(leaf_flags(&a, 4 * MiB) & PTE_NX);
}

/*
 *   [2M, +4K) -> a device frame, RW, uncached; protect RO
 * Expect: the caching bits stay, only PTE_WRITE goes.
 */
static void test_protect_keeps_caching(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, 4 * KiB, RW | VM_UNCACHED), K_OK);
    assert_int_equal(vmspace_protect(&a, 2 * MiB, 4 * KiB, RO), K_OK);
    assert_int_equal(leaf_flags(&a, 2 * MiB), PTE_PRESENT | PTE_USER | PTE_NX | PTE_PCD | PTE_PWT);
    assert_int_equal(tr(&a, 2 * MiB), VT_DEVICE);
}

/*
 *   170 areas (one full list frame), the first [4M, +12K) populated RW; pool emptied;
 *   protect its middle page RO (two splits: 172 areas need more list frames)
 * Expect: K_ENOMEM, the page still writable, 170 areas; with frames back it succeeds.
 */
static void test_protect_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 12 * KiB, RW | VM_POPULATE), K_OK);
    for (unsigned i = 1; i < 170; i++)
        assert_int_equal(vmspace_map_anon(&a, 1 * GiB + i * 2 * PAGE_SIZE, PAGE_SIZE, RW), K_OK);
    exhaust(0);
    assert_int_equal(vmspace_protect(&a, 4 * MiB + 4 * KiB, PAGE_SIZE, RO), K_ENOMEM);
    assert_true(leaf_flags(&a, 4 * MiB + 4 * KiB) & PTE_WRITE);
    assert_int_equal(stats_of(&a).areas, 170);
    refill();
    assert_int_equal(vmspace_protect(&a, 4 * MiB + 4 * KiB, PAGE_SIZE, RO), K_OK);
    assert_int_equal(stats_of(&a).areas, 172);
    assert_false(leaf_flags(&a, 4 * MiB + 4 * KiB) & PTE_WRITE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_protect_splits_and_merges, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_no_access_keeps_frames, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_demand_area, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_hole_refused, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_bad_arguments, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_exec, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_keeps_caching, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect_out_of_memory, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
