/* SPDX-License-Identifier: 0BSD */
/*
 * pt_map() into empty tables, read back with pt_translate(): each page size, mixed sizes at
 * unaligned edges, alignment limits, the higher half, and the flags of leaves and intermediates.
 */
#include "pagetable_test.h"

/*
 *   virt 0x400000 [4K] -> phys 0x123000
 * Expect: PDPT + PD + PT (3 frames), first and last byte translate, both neighbours unmapped.
 */
static void test_map_4k(void **state)
{
    (void)state;
    uint64_t f, sz;
    assert_int_equal(map(0x400000, 0x123000, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(pt_translate(PML4, 0x400000, &f, &sz), 0x123000);
    assert_int_equal(sz, PAGE_SIZE);
    assert_int_equal(f, PTE_PRESENT | PTE_WRITE);
    assert_int_equal(tr(0x400fff), 0x123fff);
    assert_int_equal(pt_translate(PML4, 0x401000, &f, &sz), PHYS_NONE);
    assert_int_equal(f, 0);
    assert_int_equal(sz, 0);
    assert_int_equal(tr(0x3fffff), PHYS_NONE);
    assert_int_equal(bump.count, 3);
    assert_int_equal(pt_tables_needed(0x400000, PAGE_SIZE, PT_4K), 3);
}

/*
 *   virt [2M, 4M) -> phys [1G, 1G+2M), one 2 MiB page
 * Expect: PDPT + PD (2 frames), HUGE in the leaf flags, offsets carried through, 4M unmapped.
 */
static void test_map_2m(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB, 1 * GiB, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(page_size_at(2 * MiB), 2 * MiB);
    assert_true(flags_at(2 * MiB) & PTE_HUGE);
    assert_int_equal(tr(2 * MiB + 0x12345), 1 * GiB + 0x12345);
    assert_int_equal(tr(4 * MiB - 1), 1 * GiB + 2 * MiB - 1);
    assert_int_equal(tr(4 * MiB), PHYS_NONE);
    assert_int_equal(tr(2 * MiB - 1), PHYS_NONE);
    assert_int_equal(bump.count, 2);
}

/*
 *   virt [1G, 2G) -> phys [3G, 4G), one 1 GiB page (2 MiB also allowed)
 * Expect: only the PDPT (1 frame), page size 1 GiB, the last byte maps to 4G-1, 2G unmapped.
 */
static void test_map_1g(void **state)
{
    (void)state;
    assert_int_equal(map(1 * GiB, 3 * GiB, 1 * GiB, 0, PT_1G | PT_2M), K_OK);
    assert_int_equal(page_size_at(1 * GiB + 5 * MiB), 1 * GiB);
    assert_int_equal(tr(2 * GiB - 1), 4 * GiB - 1);
    assert_int_equal(tr(2 * GiB), PHYS_NONE);
    assert_int_equal(flags_at(1 * GiB), PTE_PRESENT | PTE_HUGE);
    assert_int_equal(bump.count, 1);
}

/*
 *   virt  1M      2M              4M      5M
 *         [ 4K x256 | one 2M page   | 4K x256 )
 * Expect: 4K pages at the unaligned edges, 2M in the middle; PDPT + PD + 2 PTs = 4 frames.
 */
static void test_mixed_unaligned(void **state)
{
    (void)state;
    assert_int_equal(map(1 * MiB, 1 * MiB, 4 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(page_size_at(1 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(2 * MiB - 1), PAGE_SIZE);
    assert_int_equal(page_size_at(2 * MiB), 2 * MiB);
    assert_int_equal(page_size_at(4 * MiB - 1), 2 * MiB);
    assert_int_equal(page_size_at(4 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(5 * MiB - 1), PAGE_SIZE);
    assert_int_equal(tr(3 * MiB + 7), 3 * MiB + 7);
    assert_int_equal(tr(5 * MiB), PHYS_NONE);
    assert_int_equal(tr(1 * MiB - 1), PHYS_NONE);
    assert_int_equal(bump.count, 4);
    assert_int_equal(pt_tables_needed(1 * MiB, 4 * MiB, PT_2M), 4);
}

/*
 *   virt [2M, 6M) -> phys [2M+4K, 6M+4K): virt 2M-aligned, phys not
 * Expect: 4K pages throughout (phys decides too), PDPT + PD + 2 PTs.
 */
static void test_phys_alignment_limits_size(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB, 2 * MiB + PAGE_SIZE, 4 * MiB, 0, PT_2M | PT_1G), K_OK);
    assert_int_equal(page_size_at(2 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(4 * MiB), PAGE_SIZE);
    assert_int_equal(tr(6 * MiB - 1), 6 * MiB + PAGE_SIZE - 1);
    assert_int_equal(bump.count, 4);
}

/*
 *   virt [0, 1G) -> phys [0, 1G), only 4 KiB pages allowed
 * Expect: 262144 4K pages in 512 PTs + PD + PDPT = 514 frames, as pt_tables_needed says.
 */
static void test_only_4k_allowed(void **state)
{
    (void)state;
    assert_int_equal(map(0, 0, 1 * GiB, 0, PT_4K), K_OK);
    assert_int_equal(page_size_at(512 * MiB), PAGE_SIZE);
    assert_int_equal(tr(1 * GiB - 1), 1 * GiB - 1);
    assert_int_equal(bump.count, 514);
    assert_int_equal(pt_tables_needed(0, 1 * GiB, PT_4K), 514);
}

/*
 *   virt 0xffffffff80000000 [4M) -> phys [0, 4M), 2 MiB pages     (PML4[511], PDPT[510])
 *   virt 0xfffffffffffff000 [4K) -> phys 0x5000                   (last page of memory)
 * Expect: both translate, PML4[511] present; the end of the range wrapping to 0 is fine.
 */
static void test_higher_half(void **state)
{
    (void)state;
    assert_int_equal(map(KERNEL_VMA, 0, 4 * MiB, PTE_WRITE | PTE_GLOBAL, PT_2M), K_OK);
    assert_int_equal(tr(KERNEL_VMA + 3 * MiB + 1), 3 * MiB + 1);
    assert_int_equal(page_size_at(KERNEL_VMA), 2 * MiB);
    assert_true(pml4_entry(511) & PTE_PRESENT);
    assert_int_equal(pml4_entry(256), 0);
    assert_int_equal(bump.count, 2);
    assert_int_equal(map(0xfffffffffffff000ull, 0x5000, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(tr(0xffffffffffffffffull), 0x5fff);
    assert_int_equal(tr(0xffffffffffffe000ull), PHYS_NONE);
}

/*
 *   0x1000 WRITE|NX|GLOBAL|PCD, 0x2000 read-only, 0x200000 [2M] USER|WRITE
 * Expect: each leaf has exactly its flags (+PRESENT, +HUGE for 2M); intermediates are
 *         PRESENT|WRITE without NX, and get USER once a user page lies below them.
 */
static void test_flags(void **state)
{
    (void)state;
    uint64_t f = PTE_WRITE | PTE_NX | PTE_GLOBAL | PTE_PCD;
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, f, PT_4K), K_OK);
    assert_int_equal(map(0x2000, 0x2000, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(flags_at(0x1000), f | PTE_PRESENT);
    assert_int_equal(flags_at(0x2000), PTE_PRESENT);
    assert_int_equal(pml4_entry(0) & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE);

    assert_int_equal(map(2 * MiB, 2 * MiB, 2 * MiB, PTE_USER | PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(flags_at(2 * MiB), PTE_PRESENT | PTE_USER | PTE_WRITE | PTE_HUGE);
    assert_int_equal(pml4_entry(0) & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE | PTE_USER);
    assert_false(flags_at(0x1000) & PTE_USER);
}

/*
 *   0x1000 mapped, then PDPT[0] (an intermediate entry) made read-only + NX by someone else;
 *   then map 0x3000 WRITE through it
 * Expect: pt_map widens PDPT[0] to PRESENT|WRITE without NX.
 */
static void test_existing_intermediate_widened(void **state)
{
    (void)state;
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, 0, PT_4K), K_OK);
    uint64_t *pdpt = phys_to_virt(pml4_entry(0) & PTE_ADDR_MASK);
    pdpt[0] = (pdpt[0] & PTE_ADDR_MASK) | PTE_PRESENT | PTE_NX;
    assert_int_equal(map(0x3000, 0x3000, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(pdpt[0] & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_map_4k, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_map_2m, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_map_1g, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_mixed_unaligned, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_phys_alignment_limits_size, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_only_4k_allowed, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_higher_half, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_flags, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_existing_intermediate_widened, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
