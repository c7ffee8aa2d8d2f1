/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_share(): frames mapped in two spaces, or twice in one, freed once, when the last
 * mapping goes; their owners counted in the env's frame_ref table, which grows and shrinks with
 * the shared frames; caller frames shared but never freed; errors leaving the destination
 * unchanged.
 */
#include "vmspace_test.h"

static struct vmspace a, b;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    return 0;
}

/*
 *   A: [4M, +16K) RW populated, page i holds 'A'+i    B: [8M, +16K) shared from it, RO
 *   destroy A, then B
 * Expect: B maps A's frames (owned + shared bits, read-only); 4 shared frames, 8 mappings, two
 * frame_ref frames (a slot frame and an index frame); A's leaves count as shared, not private;
 * after A is gone B still reads 'A'..'D' (not freed, not poisoned) and nothing is shared any more
 * (table freed); after B every frame is back.
 */
static void test_share_two_spaces_freed_once(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    for (unsigned i = 0; i < 4; i++)
        *(char *)phys_to_virt(tr(&a, 4 * MiB + i * PAGE_SIZE)) = (char)('A' + i);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RO), K_OK);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(tr(&b, 8 * MiB + i * PAGE_SIZE), tr(&a, 4 * MiB + i * PAGE_SIZE));
    assert_int_equal(leaf_flags(&b, 8 * MiB),
                     PTE_PRESENT | PTE_USER | PTE_NX | PTE_SW_OWNED | PTE_SW_SHARED);
    assert_true(leaf_flags(&a, 4 * MiB) & PTE_SW_SHARED);
    assert_int_equal(touch(&b, 8 * MiB, VM_WRITE), K_EACCES);
    struct vmspace_env_stats e = env_stats();
    assert_int_equal(e.shared, 4);
    assert_int_equal(e.shared_mappings, 8);
    assert_int_equal(e.share_frames, 2);
    assert_int_equal(stats_of(&a).leaf_shared, 4);
    assert_int_equal(stats_of(&a).leaf_private, 0);
    assert_int_equal(stats_of(&b).leaf_shared, 4);
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);

    vmspace_destroy(&a);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(*(char *)phys_to_virt(tr(&b, 8 * MiB + i * PAGE_SIZE)), 'A' + i);
    e = env_stats();
    assert_int_equal(e.shared, 0);
    assert_int_equal(e.share_frames, 0);
    struct vmspace *just_b[] = {&b};
    expect_identity(just_b, 1);
    vmspace_destroy(&b);
    expect_pool_back();
}

/*
 *   A: [4M, +8K) populated, shared into A itself at [16M, +8K);  unmap [4M, +8K), then [16M, +8K)
 * Expect: the first unmap frees no leaf frame (only 4M's PT), the second frees both frames, and
 * not before the flush of [16M, 16M+8K).
 */
static void test_share_twice_in_one_space(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&a, 16 * MiB, &a, 4 * MiB, 8 * KiB, RW), K_OK);
    phys_addr_t f0 = tr(&a, 4 * MiB), f1 = tr(&a, 4 * MiB + 4 * KiB);
    assert_int_equal(tr(&a, 16 * MiB + 4 * KiB), f1);
    expect_stats(&a, 4, 2, 1, 1, 1);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, 8 * KiB), K_OK);
    assert_int_equal(pool_in_use(), used - 3); /* 4M's PT, and frame_ref's two frames */
    assert_int_equal(tr(&a, 16 * MiB), f0);
    guard(f0, 16 * MiB);
    guard(f1, 16 * MiB + 4 * KiB);
    assert_int_equal(vmspace_unmap(&a, 16 * MiB, 8 * KiB), K_OK);
    assert_int_equal(fl.checked, 2);
    expect_freed(f0);
    expect_freed(f1);
    vmspace_destroy(&a);
    vmspace_destroy(&b);
    expect_pool_back();
}

/*
 *   A: [4M, +4K) populated; shared into B at 8M and into A at 12M (3 mappings);
 *   unmap B's, A's original, then A's 12M
 * Expect: mappings 3 -> 2 -> table entry gone (1 left, owned alone) -> frame freed.
 */
static void test_share_three_mappings(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 4 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_share(&a, 12 * MiB, &b, 8 * MiB, 4 * KiB, RO), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    mark(f);
    assert_int_equal(tr(&a, 12 * MiB), f);
    assert_int_equal(env_stats().shared, 1);
    assert_int_equal(env_stats().shared_mappings, 3);
    assert_int_equal(vmspace_unmap(&b, 8 * MiB, 4 * KiB), K_OK);
    assert_int_equal(env_stats().shared_mappings, 2);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, 4 * KiB), K_OK);
    assert_int_equal(env_stats().shared, 0);
    assert_true(marked(f));
    assert_int_equal(tr(&a, 12 * MiB), f);
    assert_int_equal(vmspace_unmap(&a, 12 * MiB, 4 * KiB), K_OK);
    expect_freed(f);
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);
}

/*
 *   A: [4M, +16K) anon, untouched;  share it into B at [8M, +16K)
 * Expect: A's pages are faulted in first (4 zeroed leaves in A), B maps the same frames.
 */
static void test_share_faults_in_source(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW), K_OK);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RW), K_OK);
    expect_stats(&a, 4, 1, 1, 1, 1);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_not_equal(tr(&a, 4 * MiB + i * PAGE_SIZE), PHYS_NONE);
        assert_int_equal(tr(&b, 8 * MiB + i * PAGE_SIZE), tr(&a, 4 * MiB + i * PAGE_SIZE));
    }
}

/*
 *   A: [2M, +8K) -> device frames;  shared into B at [6M, +8K);  destroy both
 * Expect: B's leaves are not owned (phys 2, leaf 0), nothing enters frame_ref, and the
 * device frames are never freed (FRAME_CHECK would panic: they are reserved).
 */
static void test_share_phys_frames(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, 8 * KiB, RW | VM_UNCACHED), K_OK);
    assert_int_equal(vmspace_share(&b, 6 * MiB, &a, 2 * MiB, 8 * KiB, RO), K_OK);
    assert_int_equal(tr(&b, 6 * MiB + 4 * KiB), VT_DEVICE + 4 * KiB);
    assert_int_equal(leaf_flags(&b, 6 * MiB), PTE_PRESENT | PTE_USER | PTE_NX | PTE_PCD | PTE_PWT);
    assert_int_equal(stats_of(&b).phys, 2);
    assert_int_equal(stats_of(&b).leaf, 0);
    assert_int_equal(env_stats().shared, 0);
    assert_int_equal(env_stats().share_frames, 0);
    vmspace_destroy(&a);
    vmspace_destroy(&b);
    expect_pool_back();
}

/*
 *   A: [4M, +8K) RW;  B: [8M, +4K) RW;  another env's space C
 * Expect: source with a hole K_ENOENT; destination overlapping K_EEXIST; W+X K_EPERM; C with
 * A K_EINVAL; bad ranges K_EINVAL / K_EFAULT; B unchanged each time.
 */
static void test_share_errors(void **state)
{
    (void)state;
    struct vmspace_env other;
    struct vmspace c;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&b, 8 * MiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_share(&b, 12 * MiB, &a, 4 * MiB, 12 * KiB, RW), K_ENOENT);
    assert_int_equal(vmspace_share(&b, 8 * MiB - 4 * KiB, &a, 4 * MiB, 8 * KiB, RW), K_EEXIST);
    assert_int_equal(vmspace_share(&b, 12 * MiB, &a, 4 * MiB, 8 * KiB, RX | VM_WRITE), K_EPERM);
    assert_int_equal(vmspace_share(&b, 12 * MiB, &a, 4 * MiB, 0, RW), K_EINVAL);
    assert_int_equal(vmspace_share(&b, VMSPACE_USER_END, &a, 4 * MiB, 4 * KiB, RW), K_EFAULT);
    assert_int_equal(vmspace_env_init(&other, &pool, VT_TEMPLATE, 0, fake_flush, &fl), K_OK);
    assert_int_equal(vmspace_create(&c, &other), K_OK);
    assert_int_equal(vmspace_share(&c, 12 * MiB, &a, 4 * MiB, 4 * KiB, RW), K_EINVAL);
    vmspace_destroy(&c);
    assert_int_equal(stats_of(&b).areas, 1);
    assert_int_equal(stats_of(&a).leaf, 0); /* no source page was faulted in */
}

/*
 *   A: [4M, +500 pages) populated, shared into B;  B unmapped 50 pages at a time
 * Expect: frame_ref grows past 3/4 of 512 slots (at 385 shared frames) to 1024 slots (2 slot
 * frames + an index frame); as B's mappings go it shrinks below 1/8 (128 entries) back to 512
 * (2 frames), and holds nothing when nothing is shared.
 */
static void test_share_table_grows_and_shrinks(void **state)
{
    (void)state;
    const uint64_t n = 500;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, n * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&b, 64 * MiB, &a, 4 * MiB, n * PAGE_SIZE, RW), K_OK);
    assert_int_equal(env_stats().shared, n);
    assert_int_equal(env_stats().share_frames, 3);
    for (uint64_t i = 0; i < n; i++)
        assert_int_equal(tr(&b, 64 * MiB + i * PAGE_SIZE), tr(&a, 4 * MiB + i * PAGE_SIZE));
    static const uint64_t frames_after[] = {3, 3, 3, 3, 3, 3, 3, 2, 2, 0};
    for (uint64_t k = 0; k < 10; k++) {
        assert_int_equal(vmspace_unmap(&b, 64 * MiB + k * 50 * PAGE_SIZE, 50 * PAGE_SIZE), K_OK);
        struct vmspace_env_stats e = env_stats();
        assert_int_equal(e.shared, n - (k + 1) * 50);
        assert_int_equal(e.share_frames, frames_after[k]);
        struct vmspace *both[] = {&a, &b};
        expect_identity(both, 2);
    }
    expect_stats(&a, n, 1, 1, 1, 1); /* A still has every frame */
}

/*
 *   A: [4M, +16K) populated;  pool left with 2 frames;  share into B at [8M, +16K)
 *   (needs an area-list frame, 3 tables and frame_ref's two frames)
 * Expect: K_ENOMEM; B unchanged, nothing shared, the table frame given back: 2 frames free.
 * The same with 4 frames (failing at the PT) and with none (failing at the table).
 */
static void test_share_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    exhaust(2);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RW), K_ENOMEM);
    assert_int_equal(stats_of(&b).areas, 0);
    assert_int_equal(env_stats().shared, 0);
    assert_int_equal(env_stats().share_frames, 0);
    assert_int_equal(pool_free(), 2);
    refill();
    exhaust(4); /* area frame, PDPT, PD and PT taken, frame_ref's fails: all given back */
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RW), K_ENOMEM);
    assert_int_equal(env_stats().share_frames, 0);
    assert_int_equal(pool_free(), 4);
    exhaust(0);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RW), K_ENOMEM);
    refill();
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);
}

/*
 *   A: [4M, +8K) populated, shared into B at [8M, +8K); B unmaps its two; A's page 4M+4K shared
 *   again into B at [12M, +4K) (so the table is not empty); A unmaps 4M
 * Expect: 4M's leaf still has the stale SHARED bit but its frame is in no table entry: it is
 * freed right away (once: FRAME_CHECK); the other stays shared (2 mappings).
 */
static void test_share_stale_bit(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(vmspace_unmap(&b, 8 * MiB, 8 * KiB), K_OK);
    assert_int_equal(env_stats().shared, 0);
    assert_int_equal(vmspace_share(&b, 12 * MiB, &a, 4 * MiB + 4 * KiB, 4 * KiB, RW), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    assert_true(leaf_flags(&a, 4 * MiB) & PTE_SW_SHARED);
    assert_int_equal(vmspace_unmap(&a, 4 * MiB, 4 * KiB), K_OK);
    expect_freed(f);
    assert_int_equal(env_stats().shared, 1);
    assert_int_equal(env_stats().shared_mappings, 2);
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);
    vmspace_destroy(&a);
    vmspace_destroy(&b);
    expect_pool_back();
}

/*
 *   A: [4M, +120 pages) populated, shared into B at [64M, ...) (120 entries in 256 slots: probe
 *   chains form); B's pages unmapped one by one in the order 7*i mod 120
 * Expect: each unmap removes exactly one entry and every other shared frame is still found
 * (deleting from the middle of a probe chain moves the entries after it); at the end A owns
 * every frame alone, and destroying A returns them all.
 */
static void test_share_table_deletes_in_chains(void **state)
{
    (void)state;
    const uint64_t n = 120;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, n * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&b, 64 * MiB, &a, 4 * MiB, n * PAGE_SIZE, RW), K_OK);
    for (uint64_t k = 0; k < n; k++) {
        uint64_t i = k * 7 % n;
        assert_int_equal(vmspace_unmap(&b, 64 * MiB + i * PAGE_SIZE, PAGE_SIZE), K_OK);
        assert_int_equal(env_stats().shared, n - k - 1);
        assert_int_equal(env_stats().shared_mappings, 2 * (n - k - 1));
    }
    vmspace_destroy(&b);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   A: [4M, +16K) anon untouched;  pool left with 2 frames;  share it into B
 * Expect: K_ENOMEM while faulting A's pages in (a page needs 3 tables and a leaf); B unchanged,
 * A's tables taken back.
 */
static void test_share_source_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW), K_OK);
    exhaust(2);
    assert_int_equal(vmspace_share(&b, 8 * MiB, &a, 4 * MiB, 16 * KiB, RW), K_ENOMEM);
    assert_int_equal(stats_of(&b).areas, 0);
    expect_stats(&a, 0, 0, 0, 0, 1);
    assert_int_equal(pool_free(), 2);
    refill();
}

/*
 *   A: [4M, +300 pages) populated;  pool left with 3 frames;  share it into B
 *   (an area frame and 3 tables before frame_ref needs its first two)
 * Expect: K_ENOMEM with the 3 frames it took given back.
 */
static void test_share_table_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 300 * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    exhaust(3);
    assert_int_equal(vmspace_share(&b, 64 * MiB, &a, 4 * MiB, 300 * PAGE_SIZE, RW), K_ENOMEM);
    assert_int_equal(pool_free(), 3);
    assert_int_equal(env_stats().share_frames, 0);
    refill();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_share_two_spaces_freed_once, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_twice_in_one_space, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_three_mappings, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_faults_in_source, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_phys_frames, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_errors, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_table_grows_and_shrinks, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_stale_bit, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_table_deletes_in_chains, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_source_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_table_out_of_memory, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
