/* SPDX-License-Identifier: 0BSD */
/*
 * pt_audit(): effective permissions across all four levels, as the CPU computes them: W only if
 * every level is writable, X only if no level has NX (when NX is on), U only if every level is.
 */
#include "pagetable_test.h"

#include <frame64/ptaudit.h>

/* The entry for virt at level (3 = PML4 .. 0 = PT), found by walking from the PML4. */
static uint64_t *entry(uint64_t virt, int level)
{
    phys_addr_t t = PML4;
    for (int l = 3;; l--) {
        uint64_t *e = (uint64_t *)phys_to_virt(t) + ((virt >> (12 + 9 * l)) & 511);
        if (l == level)
            return e;
        t = *e & PTE_ADDR_MASK;
    }
}

/*
 *   text  [KV, KV+8K)       R-X     rodata [KV+8K, +4K) R-- NX     data [KV+12K, +8K) RW- NX
 *   direct map [DM, DM+4M)  RW- NX (2 MiB pages)
 * Expect nothing W+X, 4M + 20K mapped, nothing user-reachable.
 */
static void test_clean_kernel(void **state)
{
    (void)state;
    uint64_t kv = 0xffffffff80000000ull;
    assert_int_equal(map(kv, 2 * MiB, 8 * KiB, 0, PT_4K), K_OK);
    assert_int_equal(map(kv + 8 * KiB, 2 * MiB + 8 * KiB, 4 * KiB, PTE_NX, PT_4K), K_OK);
    assert_int_equal(map(kv + 12 * KiB, 2 * MiB + 12 * KiB, 8 * KiB, PTE_WRITE | PTE_NX, PT_4K),
                     K_OK);
    assert_int_equal(map(DIRECT_MAP, 0, 4 * MiB, PTE_WRITE | PTE_NX, PT_2M), K_OK);
    struct pt_audit a;
    pt_audit(PML4, true, &a);
    assert_int_equal(a.mapped, 4 * MiB + 20 * KiB);
    assert_int_equal(a.wx, 0);
    assert_int_equal(a.wx_base, a.wx_end);
    assert_int_equal(a.user_kernel, 0);
}

/*
 *   [DM, DM+2M) RW- X (a 2 MiB page without NX), [DM+2M, +4K) and [DM+2M+4K, +4K) RW- X,
 *   [DM+8M, +4K) RW- X (not adjacent)
 * Expect 2M + 12K W+X, the first range [DM, DM+2M+8K) merged across page sizes. Without NX on
 * the CPU, every writable page is W+X, including one with the NX bit set.
 */
static void test_wx_found_and_merged(void **state)
{
    (void)state;
    assert_int_equal(map(DIRECT_MAP, 0, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(map(DIRECT_MAP + 2 * MiB, 2 * MiB, 8 * KiB, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(map(DIRECT_MAP + 8 * MiB, 8 * MiB, 4 * KiB, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(map(DIRECT_MAP + 9 * MiB, 9 * MiB, 4 * KiB, PTE_WRITE | PTE_NX, PT_4K), K_OK);
    struct pt_audit a;
    pt_audit(PML4, true, &a);
    assert_int_equal(a.wx, 2 * MiB + 12 * KiB);
    assert_int_equal(a.wx_base, DIRECT_MAP);
    assert_int_equal(a.wx_end, DIRECT_MAP + 2 * MiB + 8 * KiB);
    pt_audit(PML4, false, &a);
    assert_int_equal(a.wx, 2 * MiB + 16 * KiB);
}

/*
 * Levels decide together: a W+X leaf under a PD entry without W is not writable; under a PDPT
 * entry with NX it is not executable; a leaf with U under a PML4 entry without U is not user.
 *   [DM, +4K) RW-X leaf, its PD entry read-only      -> not W+X
 *   [DM+1G, +4K) RW-X leaf, its PDPT entry NX         -> not W+X
 *   [KV, +4K) user RW- NX leaf in the kernel half, PML4 entry without U -> not user-reachable;
 *   the same with U everywhere                        -> user-reachable, named
 */
static void test_levels_combine(void **state)
{
    (void)state;
    uint64_t kv = 0xffffffff80000000ull;
    assert_int_equal(map(DIRECT_MAP, 0, 4 * KiB, PTE_WRITE, PT_4K), K_OK);
    *entry(DIRECT_MAP, 1) &= ~PTE_WRITE;
    assert_int_equal(map(DIRECT_MAP + 1 * GiB, 0, 4 * KiB, PTE_WRITE, PT_4K), K_OK);
    *entry(DIRECT_MAP + 1 * GiB, 2) |= PTE_NX;
    assert_int_equal(map(kv, 0, 4 * KiB, PTE_WRITE | PTE_NX | PTE_USER, PT_4K), K_OK);
    *entry(kv, 3) &= ~PTE_USER;
    struct pt_audit a;
    pt_audit(PML4, true, &a);
    assert_int_equal(a.wx, 0);
    assert_int_equal(a.user_kernel, 0);
    *entry(kv, 3) |= PTE_USER;
    pt_audit(PML4, true, &a);
    assert_int_equal(a.user_kernel, 4 * KiB);
    assert_int_equal(a.uk_base, kv);
    /* A user page in the lower half is fine: only the kernel half is checked for U. */
    assert_int_equal(map(0x400000, 0, 4 * KiB, PTE_USER | PTE_NX, PT_4K), K_OK);
    pt_audit(PML4, true, &a);
    assert_int_equal(a.user_kernel, 4 * KiB);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_clean_kernel),
        T(test_wx_found_and_merged),
        T(test_levels_combine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
