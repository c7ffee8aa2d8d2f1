/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_unmap(): cutting areas, freeing tables as soon as they are empty, and the TLB gather:
 * the flush comes before any frame it protects is freed, in batches past the gather's room.
 */
#include "vmspace_test.h"

static struct vmspace a;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    return 0;
}

/* The PT that maps va (PHYS_NONE if none). */
static phys_addr_t pt_of(uint64_t va)
{
    int level;
    uint64_t *e = pt_find(a.pml4, va, &level);
    return level == 0 ? virt_to_phys(e) & ~(PAGE_SIZE - 1) : PHYS_NONE;
}

/*
 *   [4M | 4M+4K | 4M+8K | 4M+12K)  populated RW;  unmap [4M+4K, 4M+12K)
 * Expect: a hole: two areas [4M, +4K) and [4M+12K, +4K), the outer pages keep their frames,
 * the two middle frames go back to the pool.
 */
static void test_unmap_hole(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    phys_addr_t first = tr(&a, 4 * MiB), last = tr(&a, 4 * MiB + 12 * KiB);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_unmap(&a, 4 * MiB + 4 * KiB, 8 * KiB), K_OK);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_int_equal(tr(&a, 4 * MiB), first);
    assert_int_equal(tr(&a, 4 * MiB + 12 * KiB), last);
    assert_int_equal(tr(&a, 4 * MiB + 4 * KiB), PHYS_NONE);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_READ), K_ENOENT);
    assert_int_equal(pool_in_use(), used - 2);
    expect_stats(&a, 2, 1, 1, 1, 1);
}

/*
 *   areas [4M, 4M+16K) and [4M+32K, 4M+48K), populated; unmap [4M+8K, 4M+40K)
 *   then [2M ... 4M+4K) and [4M+44K, 6M) (beyond both ends, holes included)
 * Expect: each area cut at its end; then only [4M+4K, 4M+8K) and [4M+40K, 4M+44K) are left.
 */
static void test_unmap_cuts_ends(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 32 * KiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB + 8 * KiB, 32 * KiB), K_OK);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_int_not_equal(tr(&a, 4 * MiB + 4 * KiB), PHYS_NONE);
    assert_int_equal(tr(&a, 4 * MiB + 8 * KiB), PHYS_NONE);
    assert_int_equal(tr(&a, 4 * MiB + 36 * KiB), PHYS_NONE);
    assert_int_not_equal(tr(&a, 4 * MiB + 40 * KiB), PHYS_NONE);
    expect_stats(&a, 4, 1, 1, 1, 1);

    assert_int_equal(vmspace_unmap(&a, 2 * MiB, 2 * MiB + 4 * KiB), K_OK);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB + 44 * KiB, 2 * MiB - 44 * KiB), K_OK);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_int_equal(tr(&a, 4 * MiB), PHYS_NONE);
    assert_int_not_equal(tr(&a, 4 * MiB + 4 * KiB), PHYS_NONE);
    assert_int_not_equal(tr(&a, 4 * MiB + 40 * KiB), PHYS_NONE);
    assert_int_equal(tr(&a, 4 * MiB + 44 * KiB), PHYS_NONE);
    expect_stats(&a, 2, 1, 1, 1, 1);
    struct vmspace *all[] = {&a};
    expect_identity(all, 1);
}

/*
 *   pages P1 = 1G-4K, P2 = 1G (one PT and one PD each, one PDPT), P3 = 512G (its own PDPT);
 *   P4 = 1G+4K shares P2's PT.  Unmap P1, P4, P2, P3 in turn.
 * Expect: tables go the moment they are empty, bottom-up:
 *             PT PD PDPT
 *   start      3  3  2
 *   -P1        2  2  2     (P1's PT and then its PD were empty)
 *   -P4        2  2  2     (P2 still in that PT)
 *   -P2        1  1  1     (PML4 entry 0 cleared too)
 *   -P3        0  0  0
 */
static void test_unmap_frees_empty_tables(void **state)
{
    (void)state;
    const uint64_t p1 = 1 * GiB - 4 * KiB, p2 = 1 * GiB, p3 = 512 * GiB, p4 = 1 * GiB + 4 * KiB;
    assert_int_equal(vmspace_map_anon(&a, p1, 12 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, p3, 4 * KiB, RW | VM_POPULATE), K_OK);
    expect_stats(&a, 4, 3, 3, 2, 1);
    assert_int_equal(vmspace_unmap(&a, p1, PAGE_SIZE), K_OK);
    expect_stats(&a, 3, 2, 2, 2, 1);
    assert_int_equal(vmspace_unmap(&a, p4, PAGE_SIZE), K_OK);
    expect_stats(&a, 2, 2, 2, 2, 1);
    assert_int_equal(vmspace_unmap(&a, p2, PAGE_SIZE), K_OK);
    expect_stats(&a, 1, 1, 1, 1, 1);
    assert_int_equal(((uint64_t *)phys_to_virt(a.pml4))[0], 0);
    assert_int_equal(vmspace_unmap(&a, p3, PAGE_SIZE), K_OK);
    expect_stats(&a, 0, 0, 0, 0, 0);
    assert_int_equal(((uint64_t *)phys_to_virt(a.pml4))[1], 0);
    assert_int_equal(pool_in_use() - in_use0, 1);
}

/*
 *   [4M, +64K) populated (16 frames, one PT); every leaf frame and the PT guarded;  unmap all
 * Expect: one flush, of [4M, 4M+64K) page by page (16 <= 32) and with freed tables; when it
 * runs no guarded frame has been freed yet (and the pool's in-use count has not dropped);
 * afterwards they all are: 16 leaves, PT, PD, PDPT.
 * 19 frames are more than the gather's 16 local slots, so it took its batch frame meanwhile.
 */
static void test_flush_before_free(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 64 * KiB, RW | VM_POPULATE), K_OK);
    for (uint64_t va = 4 * MiB; va < 4 * MiB + 64 * KiB; va += PAGE_SIZE)
        guard(tr(&a, va), va);
    phys_addr_t pt = pt_of(4 * MiB);
    guard_table(pt, 4 * MiB);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, 64 * KiB), K_OK);
    assert_int_equal(fl.calls, 1);
    assert_int_equal(fl.checked, 17);
    assert_true(fl.log[0].freed_tables);
    assert_int_equal(fl.log[0].pml4, a.pml4);
    assert_false(fl.log[0].all);
    assert_int_equal(fl.log[0].start, 4 * MiB);
    assert_int_equal(fl.log[0].end, 4 * MiB + 64 * KiB);
    assert_int_equal(fl.in_use, used + 1);      /* nothing freed yet; one more: the batch frame */
    assert_int_equal(pool_in_use(), used - 20); /* 19 and the area-list frame */
    expect_freed(pt);
}

/*
 *   [4M, +16K) populated, protected to read-only (no frame to free), then unmapped with the
 *   range flushed page by page (4 pages <= 32)
 * Expect: the protect flushes [4M, 4M+16K) without "all" and without freed tables.
 */
static void test_flush_page_by_page(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 16 * KiB, RO), K_OK);
    assert_int_equal(fl.calls, 1);
    assert_false(fl.log[0].all);
    assert_false(fl.log[0].freed_tables);
    assert_int_equal(fl.log[0].start, 4 * MiB);
    assert_int_equal(fl.log[0].end, 4 * MiB + 16 * KiB);
    assert_int_equal(fl.pages, 4);
}

/*
 *   [4M, +33 pages) populated RW; protect its first 32 pages RO, then all 33 to no access
 * Expect: 32 pages are flushed page by page (the threshold is 32), 33 pages in full ("all").
 */
static void test_flush_threshold(void **state)
{
    (void)state;
    assert_int_equal(env.flush_max_pages, VMSPACE_FLUSH_MAX_PAGES);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 33 * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 32 * PAGE_SIZE, RO), K_OK);
    assert_int_equal(vmspace_protect(&a, 4 * MiB, 33 * PAGE_SIZE, VM_USER), K_OK);
    assert_int_equal(fl.calls, 2);
    assert_false(fl.log[0].all);
    assert_int_equal(fl.log[0].end - fl.log[0].start, 32 * PAGE_SIZE);
    assert_true(fl.log[1].all);
    assert_int_equal(fl.log[1].end - fl.log[1].start, 33 * PAGE_SIZE);
}

/*
 *   [4M, +1200 pages) populated: 1200 leaves + 3 PTs + PD + PDPT = 1205 frames to free; guarded
 * Expect: the gather holds 16 + 512 frames, so it flushes three times, each flush before the
 * frames it covers are freed (every guard checked), the first two with "all": the first covers
 * the 528 gathered pages and the 529th, whose leaf was cleared when the gather filled up.
 */
static void test_gather_batches(void **state)
{
    (void)state;
    const uint64_t n = 1200;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, n * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    for (uint64_t i = 0; i < n; i++)
        guard(tr(&a, 4 * MiB + i * PAGE_SIZE), 4 * MiB + i * PAGE_SIZE);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, n * PAGE_SIZE), K_OK);
    assert_int_equal(fl.calls, 3);
    assert_int_equal(fl.checked, n);
    assert_true(fl.log[0].all && fl.log[1].all);
    assert_int_equal(fl.log[0].start, 4 * MiB);
    assert_int_equal(fl.log[0].end, 4 * MiB + 529 * PAGE_SIZE);
    assert_int_equal(pool_in_use(), used - 1206); /* and the area-list frame */
    expect_stats(&a, 0, 0, 0, 0, 0);
}

/*
 *   [4M, +100 pages) populated, then the pool emptied: the gather cannot get its batch frame
 * Expect: it flushes and frees its 16 local frames early (the 17th leaf already cleared, so in
 * the range), after which the batch frame can be had; every guard is checked; all 100 leaves,
 * 3 tables and the area frame are free again.
 */
static void test_gather_without_batch_frame(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 100 * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    for (uint64_t i = 0; i < 100; i++)
        guard(tr(&a, 4 * MiB + i * PAGE_SIZE), 4 * MiB + i * PAGE_SIZE);
    exhaust(0);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, 100 * PAGE_SIZE), K_OK);
    assert_int_equal(fl.calls, 2);
    assert_int_equal(fl.log[0].end - fl.log[0].start, 17 * PAGE_SIZE);
    assert_int_equal(fl.checked, 100);
    assert_int_equal(pool_free(), 104);
    refill();
    expect_stats(&a, 0, 0, 0, 0, 0);
}

/*
 *   [1G, +1G) anon never touched; unmap it; unmap [8G, +1T) where nothing is
 * Expect: no flush at all (nothing was ever in the TLB), the area frame back.
 */
static void test_unmap_untouched_no_flush(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 1 * GiB, 1 * GiB, RW), K_OK);
    assert_int_equal(vmspace_unmap(&a, 1 * GiB, 1 * GiB), K_OK);
    assert_int_equal(vmspace_unmap(&a, 8 * GiB, 1 * TiB), K_OK);
    assert_int_equal(fl.calls, 0);
    assert_int_equal(pool_in_use() - in_use0, 1);
}

/*
 *   170 areas (one list frame, full), the first [4M, +12K) populated; pool emptied;
 *   unmap [4M+4K, +4K) (a hole: 171 areas need a second frame and a directory)
 * Expect: K_ENOMEM, all three pages still mapped; with frames back it succeeds: 3 list frames.
 */
static void test_unmap_hole_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 12 * KiB, RW | VM_POPULATE), K_OK);
    for (unsigned i = 1; i < 170; i++)
        assert_int_equal(vmspace_map_anon(&a, 1 * GiB + i * 2 * PAGE_SIZE, PAGE_SIZE, RW), K_OK);
    assert_int_equal(stats_of(&a).area_frames, 1);
    exhaust(0);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB + 4 * KiB, PAGE_SIZE), K_ENOMEM);
    assert_int_not_equal(tr(&a, 4 * MiB + 4 * KiB), PHYS_NONE);
    assert_int_equal(stats_of(&a).areas, 170);
    refill();
    assert_int_equal(vmspace_unmap(&a, 4 * MiB + 4 * KiB, PAGE_SIZE), K_OK);
    assert_int_equal(stats_of(&a).areas, 171);
    assert_int_equal(stats_of(&a).area_frames, 3);
}

/*
 *   unmap with bad ranges
 * Expect: K_EINVAL (empty, misaligned), K_EFAULT (kernel half, past the user end).
 */
static void test_unmap_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, 0), K_EINVAL);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB + 12, PAGE_SIZE), K_EINVAL);
    assert_int_equal(vmspace_unmap(&a, 0xffffffff80000000ull, PAGE_SIZE), K_EFAULT);
    assert_int_equal(vmspace_unmap(&a, 0, VMSPACE_USER_END + PAGE_SIZE), K_EFAULT);
    assert_int_equal(vmspace_unmap(&a, 0, VMSPACE_USER_END), K_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_unmap_hole, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_cuts_ends, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_frees_empty_tables, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_flush_before_free, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_flush_page_by_page, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_flush_threshold, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_gather_batches, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_gather_without_batch_frame, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_untouched_no_flush, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_hole_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_bad_arguments, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
