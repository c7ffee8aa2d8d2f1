/* SPDX-License-Identifier: 0BSD */
/*
 * The copy-on-write fault after vmspace_fork(): the first write copying, or taking the frame back
 * when its other owners are gone, flushed before the owner is given up; user-buffer checks doing
 * the same; out of memory changing nothing and saying why; protect keeping copy-on-write pages
 * read-only; share giving its source its own frames first.
 */
#include "vmspace_test.h"

static struct vmspace a, c;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    assert_int_equal(vmspace_create(&c, &env), K_OK);
    return 0;
}

/*
 *   A: [4M, +8K) RW populated ("parent" written at both pages);  fork into C;
 *   C writes page 0;  A writes page 0;  A writes page 1;  destroy C;  A writes page 1 again...
 * Expect: C's write copies: a new frame, writable, private, holding "parent", and A's frame and
 * text unchanged (count back to 1, only after the flush of C's old translation; still marked COW
 * in A); A's write then takes its frame back
 * without a copy (no frame taken from the pool). A's write to page 1 (count 2) copies; after C
 * is destroyed every frame but A's is back.
 */
static void test_fork_write_copies_then_reuses(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    strcpy(at(&a, 4 * MiB + 8), "parent"); /* after the guard word */
    strcpy(at(&a, 4 * MiB + PAGE_SIZE + 8), "parent");
    phys_addr_t f0 = tr(&a, 4 * MiB), f1 = tr(&a, 4 * MiB + PAGE_SIZE);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);

    uint64_t used = pool_in_use();
    guard(f0, 4 * MiB); /* C's old translation is flushed before A may take the frame back */
    fl.probe = f0;
    assert_int_equal(touch(&c, 4 * MiB, VM_WRITE), K_OK);
    assert_int_equal(fl.checked, 1);
    assert_int_equal(fl.probe_owners, 2); /* C gave up its owner only after the flush */
    assert_int_equal(pool_in_use(), used + 1);
    assert_int_not_equal(tr(&c, 4 * MiB), f0);
    assert_int_equal(leaf_flags(&c, 4 * MiB), PRIV_RW);
    assert_string_equal(at(&c, 4 * MiB + 8), "parent");
    strcpy(at(&c, 4 * MiB + 8), "child");
    assert_int_equal(tr(&a, 4 * MiB), f0);
    assert_string_equal(at(&a, 4 * MiB + 8), "parent");
    assert_int_equal(frame_ref_count(&env.refs, f0), 1);
    assert_true(leaf_flags(&a, 4 * MiB) & PTE_SW_COW);
    assert_int_equal(stats_of(&c).leaf_private, 1);
    assert_int_equal(stats_of(&c).leaf_cow, 1);

    used = pool_in_use();
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_OK);
    assert_int_equal(pool_in_use(), used); /* no copy */
    assert_int_equal(tr(&a, 4 * MiB), f0);
    assert_int_equal(leaf_flags(&a, 4 * MiB) & ~(PTE_ACCESSED | PTE_DIRTY), PRIV_RW);
    assert_string_equal(at(&c, 4 * MiB + 8), "child");

    assert_int_equal(touch(&a, 4 * MiB + PAGE_SIZE, VM_WRITE), K_OK);
    assert_int_not_equal(tr(&a, 4 * MiB + PAGE_SIZE), f1);
    assert_int_equal(tr(&c, 4 * MiB + PAGE_SIZE), f1);
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
    vmspace_destroy(&c);
    assert_int_equal(env_stats().shared, 0);
    expect_freed(f1); /* C held the last owner of A's old page 1 */
    struct vmspace *just_a[] = {&a};
    expect_identity(just_a, 1);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   A: [4M, +8K) RW populated;  fork into C;  destroy C;  A writes both pages
 * Expect: no copy (pool unchanged), A's frames made writable in place, COW cleared.
 */
static void test_fork_parent_write_after_child_exit(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    phys_addr_t f0 = tr(&a, 4 * MiB);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    vmspace_destroy(&c);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_check_user(&a, 4 * MiB, 8 * KiB, VM_WRITE), K_OK);
    assert_int_equal(pool_in_use(), used);
    assert_int_equal(tr(&a, 4 * MiB), f0);
    assert_false(leaf_flags(&a, 4 * MiB) & PTE_SW_COW);
    assert_true(leaf_flags(&a, 4 * MiB + PAGE_SIZE) & PTE_WRITE);
    assert_int_equal(stats_of(&a).leaf_private, 2);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   A: [4M, +8K) RW populated;  fork into C;  pool empty;  C writes 4M
 * Expect: K_ENOMEM and nothing changed (C's leaf still the shared frame, COW); the kill line says
 * why in words; with the pool refilled the write copies.
 */
static void test_cow_fault_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    exhaust(0);
    assert_int_equal(touch(&c, 4 * MiB, VM_WRITE), K_ENOMEM);
    assert_int_equal(tr(&c, 4 * MiB), f);
    assert_int_equal(leaf_flags(&c, 4 * MiB) & ~(PTE_ACCESSED | PTE_DIRTY), COW_RO);
    assert_int_equal(frame_ref_count(&env.refs, f), 2);
    assert_string_equal(vmspace_fault_reason_in(&c, K_ENOMEM, VM_WRITE | VM_USER, 4 * MiB),
                        "out of memory copying a page it shares with its parent or child since "
                        "fork");
    assert_string_equal(vmspace_fault_reason_in(&c, K_ENOMEM, VM_READ, 4 * MiB), "out of memory");
    assert_int_equal(vmspace_check_user(&c, 4 * MiB, 1, VM_WRITE), K_ENOMEM);
    refill();
    assert_int_equal(touch(&c, 4 * MiB, VM_WRITE), K_OK);
    assert_int_not_equal(tr(&c, 4 * MiB), f);
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
}

/*
 *   A: [4M, +8K) RW populated;  fork into C;  A protects page 0 RO, then RW again; page 1 to no
 *   access, then RW
 * Expect: the COW leaves stay read-only through RW (PTE_WRITE never set on them), the no-access
 * one keeps its frame and mark; each write then copies (the frames still have 2 owners).
 */
static void test_fork_protect_keeps_cow(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    phys_addr_t f0 = tr(&a, 4 * MiB), f1 = tr(&a, 4 * MiB + PAGE_SIZE);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, PAGE_SIZE, RO), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(leaf_flags(&a, 4 * MiB) & ~(PTE_ACCESSED | PTE_DIRTY), COW_RO);
    assert_int_equal(vmspace_protect(&a, 4 * MiB + PAGE_SIZE, PAGE_SIZE, VM_USER), K_OK);
    uint64_t flags;
    assert_int_equal(vmspace_translate(&a, 4 * MiB + PAGE_SIZE, &flags), PHYS_NONE);
    assert_int_equal(touch(&a, 4 * MiB + PAGE_SIZE, VM_READ), K_EACCES);
    assert_int_equal(vmspace_protect(&a, 4 * MiB + PAGE_SIZE, PAGE_SIZE, RW), K_OK);
    assert_int_equal(tr(&a, 4 * MiB + PAGE_SIZE), f1);
    assert_int_equal(leaf_flags(&a, 4 * MiB + PAGE_SIZE) & ~(PTE_ACCESSED | PTE_DIRTY), COW_RO);
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_OK);
    assert_int_equal(touch(&a, 4 * MiB + PAGE_SIZE, VM_WRITE), K_OK);
    assert_int_not_equal(tr(&a, 4 * MiB), f0);
    assert_int_not_equal(tr(&a, 4 * MiB + PAGE_SIZE), f1);
    assert_int_equal(stats_of(&a).leaf_private, 2);
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
}

/*
 *   A: [4M, +8K) RW populated, fork into C;  share C's [4M, +8K) into A at [32M, +8K)
 * Expect: C's COW pages get their own frames first (the share is of C's memory, not of A's): A's
 * 4M still maps its old frame, A's 32M maps C's new one, SHARED.
 */
static void test_share_breaks_cow(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    assert_int_equal(vmspace_share(&a, 32 * MiB, &c, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(tr(&a, 4 * MiB), f);
    assert_int_not_equal(tr(&c, 4 * MiB), f);
    assert_int_equal(tr(&a, 32 * MiB), tr(&c, 4 * MiB));
    assert_int_equal(leaf_flags(&c, 4 * MiB) & (PTE_SW_COW | PTE_SW_SHARED), PTE_SW_SHARED);
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
    vmspace_destroy(&a);
    vmspace_destroy(&c);
    expect_pool_back();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fork_write_copies_then_reuses, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_parent_write_after_child_exit, setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(test_cow_fault_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_protect_keeps_cow, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_breaks_cow, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
