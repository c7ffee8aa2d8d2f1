/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_env_init(), vmspace_create() and vmspace_destroy(): the shared kernel half, the leak
 * accounting by category after a mixed workload, and the invariants destroy enforces.
 */
#include "vmspace_test.h"

/*
 *   template PML4: entries 256..511 -> 256 PDPTs;  create two spaces A, B
 * Expect: each costs exactly its PML4 (1 frame); entries 0..255 zero; 256..511 equal to the
 * template's (the same PDPT frames, so a kernel mapping made later below them is seen by all);
 * a kernel address does not translate through vmspace; destroy gives both frames back.
 */
static void test_kernel_half_shared(void **state)
{
    (void)state;
    struct vmspace a, b;
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    assert_int_equal(pool_in_use() - in_use0, 2);
    expect_stats(&a, 0, 0, 0, 0, 0);
    const uint64_t *pa = phys_to_virt(a.pml4), *pb = phys_to_virt(b.pml4);
    const uint64_t *k = phys_to_virt(VT_TEMPLATE);
    for (unsigned i = 0; i < 256; i++)
        assert_int_equal(pa[i] | pb[i], 0);
    for (unsigned i = 256; i < 512; i++) {
        assert_int_equal(pa[i], k[i]);
        assert_int_equal(pb[i], k[i]);
    }
    /* A kernel mapping added under a shared PDPT after create shows in both spaces. */
    uint64_t *pdpt = phys_to_virt(k[300] & PTE_ADDR_MASK);
    pdpt[0] = (5 * GiB) | PTE_PRESENT | PTE_HUGE;
    uint64_t kva = 0xffff000000000000ull | (uint64_t)300 << 39;
    assert_int_equal(pt_translate(a.pml4, kva + 77, NULL, NULL), 5 * GiB + 77);
    assert_int_equal(pt_translate(b.pml4, kva + 77, NULL, NULL), 5 * GiB + 77);
    assert_int_equal(tr(&a, kva), PHYS_NONE);
    pdpt[0] = 0;
    vmspace_destroy(&a);
    vmspace_destroy(&b);
    expect_pool_back();
}

/*
 *   flags 0x80; no flush callback; template at 0x1001
 * Expect: K_EINVAL each time. A template with kernel-half entries missing is fine (the kernel
 * uses only a few slots, all made at boot): copies then lack them too.
 */
static void test_env_init_refuses(void **state)
{
    (void)state;
    struct vmspace_env e2;
    uint64_t *k = phys_to_virt(VT_TEMPLATE);
    uint64_t saved = k[400];
    k[400] = 0;
    assert_int_equal(vmspace_env_init(&e2, &pool, VT_TEMPLATE, 0, fake_flush, &fl), K_OK);
    k[400] = saved;
    assert_int_equal(vmspace_env_init(&e2, &pool, VT_TEMPLATE, 0x80, fake_flush, &fl), K_EINVAL);
    assert_int_equal(vmspace_env_init(&e2, &pool, VT_TEMPLATE, 0, NULL, &fl), K_EINVAL);
    assert_int_equal(vmspace_env_init(&e2, &pool, VT_TEMPLATE + 1, 0, fake_flush, &fl), K_EINVAL);
    assert_int_equal(vmspace_env_init(&e2, &pool, VT_TEMPLATE, VMSPACE_NX, fake_flush, &fl), K_OK);
}

/*
 *   pool exhausted, then create
 * Expect: K_ENOMEM, nothing taken.
 */
static void test_create_out_of_memory(void **state)
{
    (void)state;
    struct vmspace a;
    exhaust(0);
    assert_int_equal(vmspace_create(&a, &env), K_ENOMEM);
    assert_int_equal(env.frames, 0);
    refill();
}

/*
 * A mixed workload in two spaces, then destroy:
 *   A: [1G-8K ===== 1G+8K) anon RW, all 4 pages touched      (2 PTs, 1 PD, 1 PDPT)
 *      [512G ... +1T) anon, untouched;  [2M, +4K) phys (device frame)
 *      [4M, +16K) populated, shared into B at [8M, +16K)
 *   B: [64T, +4K) touched
 * Expect: before destroy the categories are exactly as counted by hand and the identity holds;
 * after destroying A, B still maps the shared frames (freed once, later); after both, every
 * category is zero and the pool's counters are back where they started.
 */
static void test_leak_accounting(void **state)
{
    (void)state;
    struct vmspace a, b;
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 1 * GiB - 8 * KiB, 16 * KiB, RW), K_OK);
    for (uint64_t va = 1 * GiB - 8 * KiB; va < 1 * GiB + 8 * KiB; va += PAGE_SIZE)
        assert_int_equal(touch(&a, va, VM_WRITE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 512 * GiB, 1 * TiB, RW), K_OK);
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, PAGE_SIZE, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RO), K_OK);
    assert_int_equal(vmspace_map_anon(&b, 64 * TiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(touch(&b, 64 * TiB, VM_READ), K_OK);

    /* A: leaves 4 + 4 populated; PTs at [1G-2M), [1G), [2M), [4M); PDs [0,1G), [1G,2G); 1 PDPT */
    expect_stats(&a, 8, 4, 2, 1, 1);
    assert_int_equal(stats_of(&a).phys, 1);
    assert_int_equal(stats_of(&a).areas, 4);
    /* B: 4 shared leaves + 1; PTs [8M), [64T); PDs 2; PDPTs 2 (64T is past the first 512G) */
    expect_stats(&b, 5, 2, 2, 2, 1);
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);

    phys_addr_t shared = tr(&a, 4 * MiB);
    vmspace_destroy(&a);
    assert_int_equal(tr(&b, 8 * MiB), shared); /* still B's: not freed with A */
    struct vmspace *just_b[] = {&b};
    expect_identity(just_b, 1);
    vmspace_destroy(&b);
    expect_pool_back();
}

/*
 *   A: [4M, +4K) touched; then a leaf written by hand at 6M-4K (same PT, in no area)
 * Expect: destroy panics naming 0x5ff000 (a leaf left while its tables are freed, as xv6's
 * freewalk does).
 */
static void test_destroy_leaf_left_panics(void **state)
{
    (void)state;
    struct vmspace a;
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(touch(&a, 4 * MiB, VM_READ), K_OK);
    int level;
    uint64_t *pte = pt_find(a.pml4, 4 * MiB, &level);
    assert_int_equal(level, 0);
    pte[512 - 1] = VT_DEVICE | PTE_PRESENT; /* 4M + 511 pages: same PT */
    expect_panic(vmspace_destroy(&a));
    assert_non_null(strstr(panic_message(), "5ff000 is still mapped"));
}

/*
 *   A created; kernel-half entry 511 of its PML4 overwritten
 * Expect: destroy panics naming the entry (the documented assumption was broken).
 */
static void test_destroy_kernel_half_changed_panics(void **state)
{
    (void)state;
    struct vmspace a;
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    ((uint64_t *)phys_to_virt(a.pml4))[511] = 0;
    expect_panic(vmspace_destroy(&a));
    assert_non_null(strstr(panic_message(), "entry 511 (kernel half)"));
}

/*
 *   A: [4M, +8K) touched, then A's PT count zeroed by hand
 * Expect: destroy panics: it frees a table the space does not count.
 */
static void test_destroy_miscounted_panics(void **state)
{
    (void)state;
    struct vmspace a;
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 2 * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    a.stats.pt = 0;
    expect_panic(vmspace_destroy(&a));
    assert_non_null(strstr(panic_message(), "does not count"));
    struct vmspace b;
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    b.stats.leaf = 3;
    expect_panic(vmspace_destroy(&b));
    assert_non_null(strstr(panic_message(), "3 leaf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_kernel_half_shared, vt_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_env_init_refuses, vt_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_create_out_of_memory, vt_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_leak_accounting, vt_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_destroy_leaf_left_panics, vt_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_destroy_kernel_half_changed_panics, vt_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(test_destroy_miscounted_panics, vt_setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
