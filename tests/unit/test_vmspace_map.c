/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_map_anon() and vmspace_map_phys(): demand zero, populate, the cheap 1 TiB
 * reservation, W^X and argument errors, caller frames never freed, the canonical area list.
 */
#include "vmspace_test.h"

static struct vmspace a;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    return 0;
}

static int setup_no_nx(void **state)
{
    vt_setup_no_nx(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    return 0;
}

/*
 *   [4M ................ 4M+64K)  anon RW, untouched     -> 1 area frame, no table
 *   ^ 4M read                                             -> leaf + PT + PD + PDPT
 *        ^ 4M+8K written, after a frame was freed dirty   -> one more leaf, the dirty frame
 * Expect: the written page gets that frame (the pool is LIFO) zero-filled, flagged
 * present|write|user|NX|owned; its neighbours stay unmapped; a second fault is resolved as it is.
 */
static void test_demand_zero(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 64 * KiB, RW), K_OK);
    expect_stats(&a, 0, 0, 0, 0, 1);
    assert_int_equal(tr(&a, 4 * MiB + 8 * KiB), PHYS_NONE);
    assert_int_equal(touch(&a, 4 * MiB, VM_READ), K_OK);
    expect_stats(&a, 1, 1, 1, 1, 1);

    phys_addr_t dirty = frame_alloc(&pool);
    memset(phys_to_virt(dirty), 0x5a, PAGE_SIZE);
    frame_free(&pool, dirty); /* poisoned, and the next frame handed out */
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB + 123, VM_WRITE), K_OK);
    expect_stats(&a, 2, 1, 1, 1, 1);
    phys_addr_t f = tr(&a, 4 * MiB + 8 * KiB);
    assert_int_equal(f, dirty);
    const uint8_t *p = phys_to_virt(f);
    for (size_t i = 0; i < PAGE_SIZE; i++)
        assert_int_equal(p[i], 0);
    assert_int_equal(leaf_flags(&a, 4 * MiB + 8 * KiB),
                     PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX | PTE_SW_OWNED);
    assert_int_equal(tr(&a, 4 * MiB + 4 * KiB), PHYS_NONE);
    assert_int_equal(tr(&a, 4 * MiB + 12 * KiB), PHYS_NONE);

    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_READ), K_OK);
    assert_int_equal(tr(&a, 4 * MiB + 8 * KiB), f);
    expect_stats(&a, 2, 1, 1, 1, 1);
    struct vmspace *all[] = {&a};
    expect_identity(all, 1);
}

/*
 *   [4M, +16K) anon RW | POPULATE
 * Expect: all four pages mapped at once (4 leaves, 3 tables), none in the same frame.
 */
static void test_populate(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    expect_stats(&a, 4, 1, 1, 1, 1);
    for (unsigned i = 0; i < 4; i++)
        for (unsigned j = 0; j < i; j++)
            assert_int_not_equal(tr(&a, 4 * MiB + i * PAGE_SIZE), tr(&a, 4 * MiB + j * PAGE_SIZE));
    assert_int_equal(vmspace_fault(&a, 4 * MiB, VM_WRITE), K_OK); /* no new frame */
    expect_stats(&a, 4, 1, 1, 1, 1);
}

/*
 *   pool left with 5 frames; [4M, +16K) RW | POPULATE needs 1 area frame + 3 tables + 4 leaves
 * Expect: K_ENOMEM and nothing changed: no area, no table, no leaf, the 5 frames free again.
 */
static void test_populate_out_of_memory(void **state)
{
    (void)state;
    exhaust(5);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_ENOMEM);
    expect_stats(&a, 0, 0, 0, 0, 0);
    assert_int_equal(stats_of(&a).areas, 0);
    assert_int_equal(pool_free(), 5);
    assert_int_equal(tr(&a, 4 * MiB), PHYS_NONE);
    assert_true(fl.calls > 0); /* the tables went back through the flush */
    refill();
}

/*
 *   [1T .......................................... 2T)  anon RW, one page touched at 1T+5G
 * Expect: the reservation costs one area frame and nothing else; the touch costs a leaf and
 * three tables; unmapping the whole terabyte frees them all with a single flush.
 */
static void test_terabyte_reservation_is_cheap(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 1 * TiB, 1 * TiB, RW), K_OK);
    assert_int_equal(pool_in_use() - in_use0, 2); /* the PML4 and the area frame */
    expect_stats(&a, 0, 0, 0, 0, 1);
    assert_int_equal(touch(&a, 1 * TiB + 5 * GiB, VM_WRITE), K_OK);
    expect_stats(&a, 1, 1, 1, 1, 1);
    assert_int_equal(vmspace_unmap(&a, 1 * TiB, 1 * TiB), K_OK);
    expect_stats(&a, 0, 0, 0, 0, 0);
    assert_int_equal(fl.calls, 1);
    assert_int_equal(pool_in_use() - in_use0, 1);
}

/*
 *   anon RW|X, RX|W, phys W|X
 * Expect: K_EPERM each time, nothing taken.
 */
static void test_wx_refused(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW | VM_EXEC), K_EPERM);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, VM_WRITE | VM_EXEC), K_EPERM);
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB, VT_DEVICE, PAGE_SIZE, RX | VM_WRITE), K_EPERM);
    assert_int_equal(pool_in_use() - in_use0, 1);
    assert_non_null(strstr(vmspace_strerror(K_EPERM), "W^X"));
}

/*
 *   bad ranges, flags and overlaps around an area at [4M, 4M+8K)
 * Expect: K_EINVAL for empty/misaligned/unknown flags, K_EFAULT outside [0, USER_END),
 * K_EEXIST for any overlap; the area unchanged.
 */
static void test_bad_arguments(void **state)
{
    (void)state;
    const uint64_t end = VMSPACE_USER_END;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 0, RW), K_EINVAL);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 1, PAGE_SIZE, RW), K_EINVAL);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE + 1, RW), K_EINVAL);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW | 0x100), K_EINVAL);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW | VM_UNCACHED), K_EINVAL);
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB, VT_DEVICE, PAGE_SIZE, RW | VM_POPULATE),
                     K_EINVAL);
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB, VT_DEVICE + 8, PAGE_SIZE, RW), K_EINVAL);
    assert_int_equal(
        vmspace_map_phys(&a, 4 * MiB, ((uint64_t)1 << 52) - PAGE_SIZE, 2 * PAGE_SIZE, RW),
        K_EINVAL);
    assert_int_equal(vmspace_map_anon(&a, end, PAGE_SIZE, RW), K_EFAULT);
    assert_int_equal(vmspace_map_anon(&a, end - PAGE_SIZE, 2 * PAGE_SIZE, RW), K_EFAULT);
    assert_int_equal(vmspace_map_anon(&a, 0xffff800000000000ull, PAGE_SIZE, RW), K_EFAULT);
    assert_int_equal(vmspace_map_anon(&a, end - PAGE_SIZE, PAGE_SIZE, RW), K_OK);

    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB - 4 * KiB, 8 * KiB, RW), K_EEXIST);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 4 * KiB, 8 * KiB, RW), K_EEXIST);
    assert_int_equal(vmspace_map_anon(&a, 2 * MiB, 4 * MiB, RW), K_EEXIST);
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB, VT_DEVICE, PAGE_SIZE, RW), K_EEXIST);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_string_equal(vmspace_strerror(K_EEXIST), "the range overlaps an existing mapping");
}

/*
 *   [2M, +8K) -> device frames [3M, +8K), read-only, uncached; unmap; destroy
 * Expect: mapped at once (2 phys leaves, no owned leaf), PCD|PWT and NX set, no OWNED bit; unmap
 * and destroy do not free them (FRAME_CHECK would panic on freeing a reserved frame).
 */
static void test_map_phys_never_freed(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, 8 * KiB, RO | VM_UNCACHED), K_OK);
    assert_int_equal(tr(&a, 2 * MiB + 4 * KiB + 5), VT_DEVICE + 4 * KiB + 5);
    assert_int_equal(leaf_flags(&a, 2 * MiB), PTE_PRESENT | PTE_USER | PTE_NX | PTE_PCD | PTE_PWT);
    expect_stats(&a, 0, 1, 1, 1, 1);
    assert_int_equal(stats_of(&a).phys, 2);
    assert_int_equal(vmspace_unmap(&a, 2 * MiB, 4 * KiB), K_OK);
    assert_int_equal(stats_of(&a).phys, 1);
    assert_int_equal(vmspace_map_phys(&a, 8 * MiB, VT_DEVICE, 4 * KiB, RW), K_OK);
    assert_int_equal(leaf_flags(&a, 8 * MiB), PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   pool left with 2 frames; [4M, +16K) phys needs 1 area frame + 3 tables
 * Expect: K_ENOMEM, no area and no table left.
 */
static void test_map_phys_out_of_memory(void **state)
{
    (void)state;
    exhaust(2);
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB, VT_DEVICE, 16 * KiB, RW), K_ENOMEM);
    expect_stats(&a, 0, 0, 0, 0, 0);
    assert_int_equal(stats_of(&a).phys, 0);
    assert_int_equal(pool_free(), 2);
    exhaust(0);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW), K_ENOMEM); /* no area frame */
    refill();
}

/*
 *   [4M-4K | 4M | 4M+4K | 4M+8K)   RW, RW, RW, RO   mapped in the order 4M, 4M+4K, 4M+8K, 4M-4K
 *   then a phys RW page at 4M+12K
 * Expect: alike neighbours merge: 1, 1, 2, 2 areas; the phys one is fixed, not anon: 3.
 */
static void test_areas_merge(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 4 * KiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(stats_of(&a).areas, 1);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 8 * KiB, PAGE_SIZE, RO), K_OK);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB - 4 * KiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(stats_of(&a).areas, 2);
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB + 12 * KiB, VT_DEVICE, PAGE_SIZE, RW), K_OK);
    assert_int_equal(stats_of(&a).areas, 3);
    assert_int_equal(touch(&a, 4 * MiB - 1, VM_WRITE), K_OK); /* the merged area works */
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_WRITE), K_EACCES);
}

/*
 *   341 one-page areas with one-page gaps: [0x10000000, +4K) [+8K, +4K) ...
 * Expect: the list grows frame by frame (170 areas each): 1 frame up to 170 areas, 3 (two and a
 * directory) at 171, 4 at 341; shrinking back gives frames back at once; 0 when empty.
 */
static void test_area_list_grows_and_shrinks(void **state)
{
    (void)state;
    const uint64_t base = 256 * MiB;
    for (unsigned i = 0; i < 341; i++) {
        assert_int_equal(vmspace_map_anon(&a, base + i * 2 * PAGE_SIZE, PAGE_SIZE, RW), K_OK);
        uint64_t want = i + 1 <= 170 ? 1 : i + 1 <= 340 ? 3 : 4;
        assert_int_equal(stats_of(&a).area_frames, want);
    }
    assert_int_equal(stats_of(&a).areas, 341);
    assert_int_equal(touch(&a, base + 340 * 2 * PAGE_SIZE, VM_READ), K_OK);
    assert_int_equal(touch(&a, base + 2 * PAGE_SIZE + PAGE_SIZE, VM_READ), K_ENOENT);
    struct vmspace *all[] = {&a};
    expect_identity(all, 1);
    assert_int_equal(vmspace_unmap(&a, base + 170 * 2 * PAGE_SIZE, 171 * 2 * PAGE_SIZE), K_OK);
    assert_int_equal(stats_of(&a).areas, 170);
    assert_int_equal(stats_of(&a).area_frames, 1);
    assert_int_equal(vmspace_unmap(&a, base, 1 * GiB), K_OK);
    assert_int_equal(stats_of(&a).area_frames, 0);
    expect_identity(all, 1);
}

/*
 *   env without NX: [4M, +4K) RX, [8M, +4K) RW, [12M, +4K) RW|X
 * Expect: both map with no NX bit (reserved without EFER.NXE); an exec fault on the RW page is
 * allowed (the CPU cannot refuse it); W+X is still refused.
 */
static void test_without_nx(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RX | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, PAGE_SIZE, RW | VM_POPULATE), K_OK);
    assert_int_equal(leaf_flags(&a, 4 * MiB), PTE_PRESENT | PTE_USER | PTE_SW_OWNED);
    assert_int_equal(leaf_flags(&a, 8 * MiB), PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_SW_OWNED);
    assert_int_equal(touch(&a, 8 * MiB, VM_EXEC), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 12 * MiB, PAGE_SIZE, RW | VM_EXEC), K_EPERM);
}

/*
 *   340 one-page areas (2 list frames + directory); pool emptied; the 341st
 * Expect: K_ENOMEM (the third list frame), still 340 areas in 3 frames.
 */
static void test_area_list_growth_out_of_memory(void **state)
{
    (void)state;
    for (unsigned i = 0; i < 340; i++)
        assert_int_equal(vmspace_map_anon(&a, 256 * MiB + i * 2 * PAGE_SIZE, PAGE_SIZE, RW), K_OK);
    exhaust(0);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, PAGE_SIZE, RW), K_ENOMEM);
    assert_int_equal(stats_of(&a).areas, 340);
    assert_int_equal(stats_of(&a).area_frames, 3);
    refill();
}

/*
 *   one-page areas with gaps until the list is at its limit: 512 frames of 170 = 87040 areas
 * Expect: the 87041st is K_ENOMEM (the directory is full), the list intact (513 frames).
 */
static void test_area_list_limit(void **state)
{
    (void)state;
    const uint64_t max = 512 * 170;
    for (uint64_t i = 0; i < max; i++)
        if (vmspace_map_anon(&a, 1 * GiB + i * 2 * PAGE_SIZE, PAGE_SIZE, RW) != K_OK)
            fail_msg("area %lu refused", i);
    assert_int_equal(vmspace_map_anon(&a, 1 * GiB + max * 2 * PAGE_SIZE, PAGE_SIZE, RW), K_ENOMEM);
    assert_int_equal(stats_of(&a).areas, max);
    assert_int_equal(stats_of(&a).area_frames, 513);
    assert_int_equal(touch(&a, 1 * GiB + (max - 1) * 2 * PAGE_SIZE, VM_WRITE), K_OK);
}

/*
 *   areas:  [4M, 4M+8K)   [4M+16K, 4M+20K)   [8M, 9M)
 *   gaps:   [0, 4M)   [4M+8K, 4M+16K)   [4M+20K, 8M)   [9M, USER_END)
 * Expect (top-down, inside [lo, hi)):
 *   1G in the whole half      at USER_END-1G (before any area)
 *   16K in [4M, 8M)           at 8M-16K        8K in [4M, 4M+16K)   at 4M+8K;  12K: K_ENOMEM
 *   4M-20K in [4M, 8M+4K)     at 4M+20K (hi inside an area: the gap below it)
 *   4M in [0, 4M+4K)          at 0             4K in [8M, 9M): K_ENOMEM
 *   lo >= hi, size 0: K_EINVAL;  hi past USER_END: K_EFAULT;  the range found maps.
 */
static void test_find_free(void **state)
{
    (void)state;
    uint64_t va = 0;
    assert_int_equal(vmspace_find_free(&a, 0, VMSPACE_USER_END, 1 * GiB, &va), K_OK);
    assert_int_equal(va, VMSPACE_USER_END - 1 * GiB);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 16 * KiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, 1 * MiB, RW), K_OK);
    assert_int_equal(vmspace_find_free(&a, 4 * MiB, 8 * MiB, 16 * KiB, &va), K_OK);
    assert_int_equal(va, 8 * MiB - 16 * KiB);
    assert_int_equal(vmspace_find_free(&a, 4 * MiB, 4 * MiB + 16 * KiB, 8 * KiB, &va), K_OK);
    assert_int_equal(va, 4 * MiB + 8 * KiB);
    assert_int_equal(vmspace_find_free(&a, 4 * MiB, 4 * MiB + 16 * KiB, 12 * KiB, &va), K_ENOMEM);
    assert_int_equal(vmspace_find_free(&a, 4 * MiB, 8 * MiB + 4 * KiB, 4 * MiB - 20 * KiB, &va),
                     K_OK);
    assert_int_equal(va, 4 * MiB + 20 * KiB);
    assert_int_equal(vmspace_find_free(&a, 0, 4 * MiB + 4 * KiB, 4 * MiB, &va), K_OK);
    assert_int_equal(va, 0);
    assert_int_equal(vmspace_find_free(&a, 8 * MiB, 9 * MiB, PAGE_SIZE, &va), K_ENOMEM);
    assert_int_equal(vmspace_find_free(&a, 8 * MiB, 8 * MiB, PAGE_SIZE, &va), K_EINVAL);
    assert_int_equal(vmspace_find_free(&a, 0, 8 * MiB, 0, &va), K_EINVAL);
    assert_int_equal(vmspace_find_free(&a, 0, VMSPACE_USER_END + PAGE_SIZE, PAGE_SIZE, &va),
                     K_EFAULT);
    assert_int_equal(vmspace_map_anon(&a, va, 4 * MiB, RW), K_OK); /* it was free */
}

/*
 *   |[4M, 4M+8K)|    |[4M+16K, +4K)|
 * Expect vmspace_is_free(): [4M+8K, 4M+16K) free, anything touching an area not, and an empty,
 * misaligned or out-of-half range never free.
 */
static void test_is_free(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 16 * KiB, 4 * KiB, RW), K_OK);
    assert_true(vmspace_is_free(&a, 4 * MiB + 8 * KiB, 8 * KiB));
    assert_true(vmspace_is_free(&a, 1 * MiB, 3 * MiB));
    assert_true(vmspace_is_free(&a, 4 * MiB + 20 * KiB, 1 * GiB));
    assert_false(vmspace_is_free(&a, 4 * MiB + 8 * KiB, 12 * KiB));
    assert_false(vmspace_is_free(&a, 4 * MiB - 4 * KiB, 8 * KiB));
    assert_false(vmspace_is_free(&a, 4 * MiB + 4 * KiB, 4 * KiB));
    assert_false(vmspace_is_free(&a, 1 * MiB, 0));
    assert_false(vmspace_is_free(&a, 1 * MiB + 1, 4 * KiB));
    assert_false(vmspace_is_free(&a, VMSPACE_USER_END - 4 * KiB, 8 * KiB));
    assert_false(vmspace_is_free(&a, VMSPACE_USER_END, 4 * KiB));
}

/*
 *   [4M, 4M+64K) RW   [8M, 8M+4K) R   [16M, 16M+8K) R   (the last two not merged: a gap)
 * Expect vmspace_area_get() (/proc/PID/maps) to give the three in address order, each with its
 * range and protection, then false.
 */
static void test_area_get(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 16 * MiB, 8 * KiB, VM_USER | VM_READ), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 64 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, 4 * KiB, VM_USER | VM_READ), K_OK);
    uint64_t start, end;
    unsigned prot;
    const uint64_t want[3][2] = {{4 * MiB, 4 * MiB + 64 * KiB},
                                 {8 * MiB, 8 * MiB + 4 * KiB},
                                 {16 * MiB, 16 * MiB + 8 * KiB}};
    for (unsigned i = 0; i < 3; i++) {
        assert_true(vmspace_area_get(&a, i, &start, &end, &prot));
        assert_int_equal(start, want[i][0]);
        assert_int_equal(end, want[i][1]);
        assert_int_equal(!!(prot & VM_WRITE), i == 0);
    }
    assert_false(vmspace_area_get(&a, 3, &start, &end, &prot));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_area_get, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_demand_zero, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_is_free, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_populate, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_populate_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_terabyte_reservation_is_cheap, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_wx_refused, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_map_phys_never_freed, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_map_phys_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_areas_merge, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_area_list_grows_and_shrinks, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_area_list_growth_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_area_list_limit, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_find_free, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_without_nx, setup_no_nx, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
