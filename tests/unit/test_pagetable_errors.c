/* SPDX-License-Identifier: 0BSD */
/*
 * pt_map(), pt_unmap() and pt_translate() on bad input: non-canonical addresses, bad arguments,
 * running out of table frames, and the panics for broken invariants.
 */
#include "pagetable_test.h"

/*
 *   0x0000800000000000 (first non-canonical), 0xffff7ffffffff000 (last non-canonical),
 *   [0x00007ffffffff000, +8K) runs off the lower half
 * Expect: K_EINVAL from map and unmap, no frame used; translate says not mapped.
 */
static void test_noncanonical(void **state)
{
    (void)state;
    assert_int_equal(map(0x0000800000000000ull, 0, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0xffff7ffffffff000ull, 0, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x00007ffffffff000ull, 0, 2 * PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x00007ffffffff000ull, 0, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(bump.count, 3);
    assert_non_null(strstr(kprintf_output(), "canonical"));
    assert_int_equal(pt_unmap(PML4, 0x0000800000000000ull, PAGE_SIZE), K_EINVAL);
    assert_int_equal(tr(0x0000800000000000ull), PHYS_NONE);
    assert_int_equal(tr(0x00007ffffffff000ull), 0);
}

/*
 *   virt 0x1001 / phys 0x1001 / size 0x1001 / size 0 / HUGE or bit 9 in flags / page size bit 8
 *   phys [2^52 - 4K, +8K) past what an entry holds
 * Expect: K_EINVAL for each (K_ERANGE for the last), no frame used, tables untouched.
 */
static void test_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(map(0x1001, 0x1000, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1001, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, 0x1001, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, 0, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, PTE_HUGE, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, 1u << 9, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, 0, 8), K_EINVAL);
    assert_int_equal(map(0x1000, ((uint64_t)1 << 52) - PAGE_SIZE, 2 * PAGE_SIZE, 0, PT_4K),
                     K_ERANGE);
    assert_int_equal(map(0x1000, (uint64_t)1 << 52, PAGE_SIZE, 0, PT_4K), K_ERANGE);
    assert_int_equal(pt_unmap(PML4, 0x1000, 0), K_EINVAL);
    assert_int_equal(pt_unmap(PML4, 0x1800, PAGE_SIZE), K_EINVAL);
    assert_int_equal(bump.count, 0);
    assert_int_equal(pml4_entry(0), 0);
    /* the highest phys an entry holds is fine */
    assert_int_equal(map(0x1000, ((uint64_t)1 << 52) - PAGE_SIZE, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(tr(0x1fff), ((uint64_t)1 << 52) - 1);
}

/*
 *   virt [0, 4M) at 4K; frames for PDPT, PD and the PT of [0, 2M) only, then none
 *   [0 ...... 2M) mapped | [2M ...... 4M) not
 * Expect: K_ENOMEM, [0, 2M) translates, 2M does not, a message; a retry with frames completes.
 */
static void test_enomem_part_way(void **state)
{
    (void)state;
    bump.limit = 3;
    assert_int_equal(map(0, 0x10000000, 4 * MiB, PTE_WRITE, PT_4K), K_ENOMEM);
    assert_int_equal(bump.count, 3);
    assert_int_equal(tr(0), 0x10000000);
    assert_int_equal(tr(2 * MiB - 1), 0x10000000 + 2 * MiB - 1);
    assert_int_equal(tr(2 * MiB), PHYS_NONE);
    assert_non_null(strstr(kprintf_output(), "out of table frames at 200000"));

    bump.limit = UINT64_MAX;
    assert_int_equal(map(0, 0x10000000, 4 * MiB, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(bump.count, 4);
    assert_int_equal(tr(4 * MiB - 1), 0x10000000 + 4 * MiB - 1);
}

/*
 *   virt [0, 2M) at 4K, no frame at all
 * Expect: K_ENOMEM and the PML4 is still all zeroes (nothing half-linked).
 */
static void test_enomem_first_frame(void **state)
{
    (void)state;
    static const uint8_t zero[PAGE_SIZE];
    bump.limit = 0;
    assert_int_equal(map(0, 0, 2 * MiB, 0, PT_4K), K_ENOMEM);
    assert_memory_equal(phys_to_virt(PML4), zero, PAGE_SIZE);
}

/*
 * Broken invariants: a misaligned PML4, an allocator handing out a misaligned frame, a PML4
 * entry with the reserved PS bit (present, for pt_translate and pt_link_pdpt; not present).
 * Expect: each panics naming the address.
 */
static phys_addr_t bad_alloc(void *ctx, int level)
{
    (void)ctx, (void)level;
    return 0x2008;
}

static void test_broken_invariants_panic(void **state)
{
    (void)state;
    expect_panic(pt_translate(PML4 + 8, 0, NULL, NULL));
    assert_non_null(strstr(panic_message(), "PML4 at 1008"));
    expect_panic(pt_unmap(PML4 + 8, 0, PAGE_SIZE));
    expect_panic(pt_map(PML4, 0, 0, PAGE_SIZE, 0, PT_4K, bad_alloc, NULL));
    assert_non_null(strstr(panic_message(), "allocator returned 2008"));

    ((uint64_t *)phys_to_virt(PML4))[1] = 0x3000 | PTE_PRESENT | PTE_HUGE;
    expect_panic(tr(512 * GiB));
    assert_non_null(strstr(panic_message(), "reserved PS bit"));
    expect_panic(pt_link_pdpt(PML4, 512 * GiB, bump_alloc, &bump));
    assert_non_null(strstr(panic_message(), "reserved PS bit"));
    /* Every walk applies the one rule, present or not: nothing here ever writes PS there. */
    ((uint64_t *)phys_to_virt(PML4))[2] = PTE_HUGE;
    expect_panic(tr(1024 * GiB));
    assert_non_null(strstr(panic_message(), "reserved PS bit"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_noncanonical, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_enomem_part_way, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_enomem_first_frame, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_broken_invariants_panic, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
