/* SPDX-License-Identifier: 0BSD */
/*
 * Table lifetime (src/mm/pagetable_walk.c): pt_find(), pt_leaf_slot(), pt_prune() and
 * pt_free_tables(), on the page-table tests' arena and bump allocator.
 */
#include "pagetable_test.h"

/* Tables handed out and taken back, by level, in order. */
static struct {
    int alloc_levels[8];
    unsigned allocs;
    struct {
        phys_addr_t table;
        int level;
        uint64_t virt;
    } freed[16];
    unsigned frees;
} log_;

static phys_addr_t level_alloc(void *ctx, int level)
{
    phys_addr_t t = bump_alloc(ctx, level);
    if (t != PHYS_NONE && log_.allocs < ARRAY_SIZE(log_.alloc_levels))
        log_.alloc_levels[log_.allocs++] = level;
    return t;
}

static void level_free(void *ctx, phys_addr_t table, int level, uint64_t virt)
{
    assert_ptr_equal(ctx, &log_);
    assert_true(log_.frees < ARRAY_SIZE(log_.freed));
    log_.freed[log_.frees].table = table;
    log_.freed[log_.frees].level = level;
    log_.freed[log_.frees++].virt = virt;
}

static int walk_setup(void **state)
{
    memset(&log_, 0, sizeof(log_));
    return setup(state);
}

static uint64_t *slot_for(uint64_t virt, uint64_t link)
{
    uint64_t *e = NULL;
    assert_int_equal(pt_leaf_slot(PML4, virt, link, level_alloc, &bump, &e), K_OK);
    return e;
}

/*
 *   empty PML4; then a 4K page at 4M and a 2M page at 8M (pt_map)
 * Expect: pt_find stops at the PML4 entry (level 3) while empty; at the PT entry for 4M
 * (level 0, present) and for 4M+4K (level 0, not present); at the PD entry for 6M (level 1,
 * not present); at the huge PD entry for 8M (level 1, PTE_HUGE); at the PDPT entry for 1G
 * (level 2); NULL and -1 for a non-canonical address.
 */
static void test_find(void **state)
{
    (void)state;
    int level;
    uint64_t *e = pt_find(PML4, 4 * MiB, &level);
    assert_int_equal(level, 3);
    assert_int_equal(*e, 0);
    assert_int_equal(map(4 * MiB, 64 * MiB, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(map(8 * MiB, 0, 2 * MiB, 0, PT_2M), K_OK);
    e = pt_find(PML4, 4 * MiB, &level);
    assert_int_equal(level, 0);
    assert_int_equal(*e & PTE_ADDR_MASK, 64 * MiB);
    assert_int_equal(*pt_find(PML4, 4 * MiB + PAGE_SIZE, &level), 0);
    assert_int_equal(level, 0);
    assert_int_equal(*pt_find(PML4, 6 * MiB, &level), 0);
    assert_int_equal(level, 1);
    assert_true(*pt_find(PML4, 8 * MiB + 5 * PAGE_SIZE, &level) & PTE_HUGE);
    assert_int_equal(level, 1);
    pt_find(PML4, 1 * GiB, &level);
    assert_int_equal(level, 2);
    assert_null(pt_find(PML4, 0x0000800000000000ull, &level));
    assert_int_equal(level, -1);
}

/*
 *   pt_leaf_slot for 4M (user links), 4M+4K, then DIRECT_MAP + 4K (kernel links, PTE_WRITE)
 * Expect: PDPT, PD, PT allocated in that order (levels 2, 1, 0), zeroed although the allocator
 * hands out junk, linked PRESENT|WRITE|USER; the neighbour needs nothing new; the kernel slot's
 * links have no PTE_USER; the slot is the one pt_find reaches.
 */
static void test_leaf_slot_creates_tables(void **state)
{
    (void)state;
    uint64_t *e = slot_for(4 * MiB, PTE_WRITE | PTE_USER);
    assert_int_equal(log_.allocs, 3);
    assert_int_equal(log_.alloc_levels[0], 2);
    assert_int_equal(log_.alloc_levels[1], 1);
    assert_int_equal(log_.alloc_levels[2], 0);
    assert_int_equal(*e, 0);
    const uint64_t *pt = (const uint64_t *)((uintptr_t)e & ~(uintptr_t)(PAGE_SIZE - 1));
    for (unsigned i = 0; i < 512; i++)
        assert_int_equal(pt[i], 0);
    assert_int_equal(pml4_entry(0) & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE | PTE_USER);
    *e = 64 * MiB | PTE_PRESENT;
    assert_int_equal(tr(4 * MiB + 9), 64 * MiB + 9);
    uint64_t *n = slot_for(4 * MiB + PAGE_SIZE, PTE_WRITE | PTE_USER);
    assert_int_equal(log_.allocs, 3);
    assert_ptr_equal(n, e + 1);
    slot_for(DIRECT_MAP + PAGE_SIZE, PTE_WRITE);
    assert_int_equal(pml4_entry(256) & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE);
    int level;
    *slot_for(DIRECT_MAP + PAGE_SIZE, PTE_WRITE) = 5;
    assert_int_equal(*pt_find(PML4, DIRECT_MAP + PAGE_SIZE, &level), 5);
}

/*
 *   allocator failing after one frame; a 2M page at 8M; bad arguments
 * Expect: K_ENOMEM with the PDPT linked (and empty); K_EINVAL for a slot inside the huge page,
 * a misaligned or non-canonical address, or link bits other than WRITE/USER; nothing allocated
 * by the refused calls.
 */
static void test_leaf_slot_errors(void **state)
{
    (void)state;
    uint64_t *e = NULL;
    bump.limit = 1;
    assert_int_equal(pt_leaf_slot(PML4, 4 * MiB, PTE_WRITE, level_alloc, &bump, &e), K_ENOMEM);
    assert_true(pml4_entry(0) & PTE_PRESENT);
    bump.limit = UINT64_MAX;
    assert_int_equal(map(8 * MiB, 0, 2 * MiB, 0, PT_2M), K_OK);
    uint64_t before = bump.count;
    assert_int_equal(pt_leaf_slot(PML4, 9 * MiB, PTE_WRITE, level_alloc, &bump, &e), K_EINVAL);
    assert_int_equal(pt_leaf_slot(PML4, 4 * MiB + 8, PTE_WRITE, level_alloc, &bump, &e), K_EINVAL);
    assert_int_equal(pt_leaf_slot(PML4, 0x0000800000000000ull, 0, level_alloc, &bump, &e),
                     K_EINVAL);
    assert_int_equal(pt_leaf_slot(PML4, 4 * MiB, PTE_NX, level_alloc, &bump, &e), K_EINVAL);
    assert_int_equal(bump.count, before);
}

/*
 *   leaves at 4M and at 1G (PT+PD each, one PDPT); 4M's leaf cleared; prune [4M, +4K)
 *   then 1G's cleared; prune [0, 512G)
 * Expect: first the PT (level 0, virt 4M) then its PD (level 1, virt 0); the PDPT stays, the
 * other PT/PD untouched; pruning a non-empty range releases nothing; then the last PT, PD and
 * the PDPT (virt 0) and PML4 entry 0 is cleared. Bad ranges are K_EINVAL.
 */
static void test_prune(void **state)
{
    (void)state;
    *slot_for(4 * MiB, PTE_WRITE | PTE_USER) = 64 * MiB | PTE_PRESENT;
    *slot_for(1 * GiB, PTE_WRITE | PTE_USER) = 64 * MiB | PTE_PRESENT;
    assert_int_equal(pt_prune(PML4, 0, 2 * GiB, level_free, &log_), K_OK);
    assert_int_equal(log_.frees, 0);
    assert_int_equal(pt_unmap(PML4, 4 * MiB, PAGE_SIZE), K_OK);
    assert_int_equal(pt_prune(PML4, 4 * MiB, PAGE_SIZE, level_free, &log_), K_OK);
    assert_int_equal(log_.frees, 2);
    assert_int_equal(log_.freed[0].level, 0);
    assert_int_equal(log_.freed[0].virt, 4 * MiB);
    assert_int_equal(log_.freed[1].level, 1);
    assert_int_equal(log_.freed[1].virt, 0);
    assert_int_equal(tr(1 * GiB), 64 * MiB);
    assert_int_equal(pt_unmap(PML4, 1 * GiB, PAGE_SIZE), K_OK);
    assert_int_equal(pt_prune(PML4, 0, 512 * GiB, level_free, &log_), K_OK);
    assert_int_equal(log_.frees, 5);
    assert_int_equal(log_.freed[4].level, 2);
    assert_int_equal(log_.freed[4].virt, 0);
    assert_int_equal(pml4_entry(0), 0);
    assert_int_equal(pt_prune(PML4, 4 * MiB, 0, level_free, &log_), K_EINVAL);
    assert_int_equal(pt_prune(PML4, 4 * MiB + 1, PAGE_SIZE, level_free, &log_), K_EINVAL);
}

/*
 *   tables for [4M, +4K) and [1G+2M, +4K), no leaves left; free_tables over [0, 1G) first,
 *   then the whole lower half
 * Expect: the partial pass frees only what lies wholly inside [0, 1G): 4M's PT and the PD of
 * [0, 1G), not the PDPT (it also maps 1G+); the full pass frees the rest: 5 in all.
 */
static void test_free_tables(void **state)
{
    (void)state;
    slot_for(4 * MiB, PTE_WRITE);
    slot_for(1 * GiB + 2 * MiB, PTE_WRITE);
    assert_int_equal(pt_free_tables(PML4, 0, 1 * GiB, level_free, &log_), K_OK);
    assert_int_equal(log_.frees, 2);
    assert_true(pml4_entry(0) & PTE_PRESENT);
    assert_int_equal(pt_free_tables(PML4, 0, (uint64_t)1 << 47, level_free, &log_), K_OK);
    assert_int_equal(log_.frees, 5);
    assert_int_equal(pml4_entry(0), 0);
    assert_int_equal(pt_free_tables(PML4, 0, 0, level_free, &log_), K_EINVAL);
}

/*
 *   a 4K leaf left at 4M+8K; a 2M page left at 8M; a non-present entry with software bits
 * Expect: pt_free_tables panics naming each address (xv6's freewalk: "leaf" left mapped).
 */
static void test_free_tables_leaf_left_panics(void **state)
{
    (void)state;
    *slot_for(4 * MiB + 8 * KiB, PTE_WRITE) = 64 * MiB | PTE_PRESENT;
    expect_panic(pt_free_tables(PML4, 0, 1 * GiB, level_free, &log_));
    assert_non_null(strstr(panic_message(), "402000 is still mapped (PT entry"));
    assert_int_equal(pt_unmap(PML4, 4 * MiB + 8 * KiB, PAGE_SIZE), K_OK);
    assert_int_equal(map(8 * MiB, 0, 2 * MiB, 0, PT_2M), K_OK);
    expect_panic(pt_free_tables(PML4, 0, 1 * GiB, level_free, &log_));
    assert_non_null(strstr(panic_message(), "800000 is still mapped (huge"));
    assert_int_equal(pt_unmap(PML4, 8 * MiB, 2 * MiB), K_OK);
    *slot_for(4 * MiB, PTE_WRITE) = 1 << 11;
    expect_panic(pt_free_tables(PML4, 0, 1 * GiB, level_free, &log_));
    assert_non_null(strstr(panic_message(), "400000 is still mapped"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_find, walk_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_leaf_slot_creates_tables, walk_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_leaf_slot_errors, walk_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_prune, walk_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_free_tables, walk_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_free_tables_leaf_left_panics, walk_setup,
                                        arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
