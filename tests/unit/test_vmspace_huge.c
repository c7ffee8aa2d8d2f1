/* SPDX-License-Identifier: 0BSD */
/*
 * 2 MiB pages (src/mm/vmspace_huge.c): where a fault maps one (advice, the env's policy, the
 * block inside the area, a 2 MiB frame free), the split a partial unmap, protect or advise, a
 * fork and a share make, the pieces' owners, and every frame back whole at the end.
 */
#include "vmspace_test.h"

#define HV   ((uint64_t)1 * GiB) /* a 2 MiB-aligned user address */
#define HUGE (2 * MiB)

static struct vmspace a, b;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    return 0;
}

/* The 2 MiB leaf's flags for a private read-write page. */
#define HUGE_RW (PRIV_RW | PTE_HUGE)

static void expect_all_back(struct vmspace *s)
{
    vmspace_destroy(s);
    expect_pool_back();
}

/*
 *   [1G ............ 1G+4M)  anon RW, advised huge
 *        ^ 1G+5K written
 * Expect: one 2 MiB leaf for [1G, 1G+2M), a zeroed 2 MiB-aligned frame, no PT (PD and PDPT
 * only), leaf_huge 512 and no 4 KiB leaf; a read anywhere in the block takes no new frame;
 * [1G+2M, 1G+4M) untouched. Destroy gives the 2 MiB frame back whole.
 */
static void test_fault_maps_2m(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, 2 * HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV + 5 * KiB, VM_WRITE), K_OK);
    struct vmspace_stats st = stats_of(&a);
    assert_int_equal(st.leaf_huge, 512);
    assert_int_equal(st.faults_2m, 1);
    assert_int_equal(st.faults_4k, 0);
    expect_stats(&a, 0, 0, 1, 1, 1);
    phys_addr_t f = tr(&a, HV);
    assert_true(IS_ALIGNED(f, HUGE));
    assert_int_equal(tr(&a, HV + 1 * MiB + 3), f + 1 * MiB + 3);
    assert_int_equal(leaf_flags(&a, HV + 7 * PAGE_SIZE), HUGE_RW);
    const uint64_t *w = phys_to_virt(f);
    for (size_t i = 0; i < HUGE / sizeof(*w); i++)
        assert_int_equal(w[i], 0);
    assert_int_equal(touch(&a, HV + HUGE - 1, VM_READ), K_OK);
    assert_int_equal(stats_of(&a).faults_2m, 1);
    assert_int_equal(tr(&a, HV + HUGE), PHYS_NONE);
    struct vmspace *all[] = {&a};
    expect_identity(all, 1);
    assert_int_equal(pool_in_use() - in_use0, 512 + 1 + 1 + 1 + 1); /* + PD, PDPT, PML4, list */
    expect_all_back(&a);
}

/*
 *   [1G, 1G+2M) anon RW under each policy and advice, one touch each
 * Expect: a 2 MiB page exactly when advised HUGE under MADVISE or ALWAYS, or unadvised under
 * ALWAYS; never under NEVER, nor with NOHUGE advice.
 */
static void test_policy_and_advice(void **state)
{
    (void)state;
    static const struct {
        unsigned thp, advice;
        bool huge;
    } cases[] = {
        {VMSPACE_THP_MADVISE, VMSPACE_ADVICE_NONE, false},
        {VMSPACE_THP_MADVISE, VMSPACE_HUGE, true},
        {VMSPACE_THP_MADVISE, VMSPACE_NOHUGE, false},
        {VMSPACE_THP_ALWAYS, VMSPACE_ADVICE_NONE, true},
        {VMSPACE_THP_ALWAYS, VMSPACE_NOHUGE, false},
        {VMSPACE_THP_NEVER, VMSPACE_HUGE, false},
    };
    assert_int_equal(env.thp, VMSPACE_THP_MADVISE); /* the default */
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        env.thp = cases[i].thp;
        assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW), K_OK);
        assert_int_equal(vmspace_advise(&a, HV, HUGE, cases[i].advice), K_OK);
        assert_int_equal(touch(&a, HV + 64 * KiB, VM_WRITE), K_OK);
        struct vmspace_stats st = stats_of(&a);
        assert_int_equal(st.leaf_huge, cases[i].huge ? 512 : 0);
        assert_int_equal(st.leaf, cases[i].huge ? 0 : 1);
        assert_int_equal(vmspace_unmap(&a, HV, HUGE), K_OK);
    }
    expect_all_back(&a);
}

/*
 *   [1G+4K ................................ 1G+4M+4K)  anon RW, huge
 *        ^ 1G+8K          ^ 1G+2M+8K     ^ 1G+3M (after 1G+2M+8K)
 * Expect: 1G+8K gets a 4 KiB page (its block [1G, 1G+2M) sticks out of the area);
 * 1G+2M+8K a 2 MiB page (its block is inside). A block that already has a 4 KiB page keeps
 * getting 4 KiB pages (no collapse): the area [2G, 2G+2M) touched at 2G with the advice set
 * afterwards, then at 2G+1M.
 */
static void test_block_must_fit_and_be_empty(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV + 4 * KiB, 2 * HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV + 8 * KiB, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).leaf, 1);
    assert_int_equal(stats_of(&a).leaf_huge, 0);
    assert_int_equal(touch(&a, HV + HUGE + 8 * KiB, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).leaf_huge, 512);
    assert_int_equal(leaf_flags(&a, HV + HUGE + 1 * MiB), HUGE_RW);

    assert_int_equal(vmspace_map_anon(&a, 2 * HV, HUGE, RW), K_OK);
    assert_int_equal(touch(&a, 2 * HV, VM_WRITE), K_OK);
    assert_int_equal(vmspace_advise(&a, 2 * HV, HUGE, VMSPACE_HUGE), K_OK);
    assert_int_equal(touch(&a, 2 * HV + 1 * MiB, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).leaf, 3);
    assert_int_equal(stats_of(&a).leaf_huge, 512);
    expect_all_back(&a);
}

/*
 *   pool: every 2 MiB area broken (a single frame taken from each), [1G, 1G+2M) huge
 * Expect: the fault falls back to a 4 KiB page; with the frames back, the next block gets 2 MiB.
 */
static void test_no_2m_frame_falls_back(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, 2 * HUGE, RW | VM_HUGE), K_OK);
    phys_addr_t one[VT_POOL_FRAMES / 512];
    size_t n = 0;
    for (phys_addr_t pa; (pa = frame_alloc_huge(&pool)) != PHYS_NONE;)
        one[n++] = pa; /* every whole area */
    for (size_t i = 0; i < n; i++)
        frame_free_run(&pool, one[i] + PAGE_SIZE, 511); /* all but its first frame */
    assert_true(n >= 10);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).leaf, 1);
    assert_int_equal(stats_of(&a).leaf_huge, 0);
    while (n--)
        frame_free_run(&pool, one[n], 1);
    assert_int_equal(touch(&a, HV + HUGE, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).leaf_huge, 512);
    expect_all_back(&a);
}

/* Fills page i of the 2 MiB page at va with byte i. */
static void fill(struct vmspace *s, uint64_t va)
{
    for (unsigned i = 0; i < 512; i++)
        *at(s, va + i * PAGE_SIZE + 100) = (char)i;
}

static void expect_filled(struct vmspace *s, uint64_t va, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++)
        assert_int_equal((unsigned char)*at(s, va + i * PAGE_SIZE + 100), i & 0xff);
}

/*
 *   [1G ........ 1G+2M)  one 2 MiB page, page i holding byte i
 *        [4K, 12K) unmapped
 * Expect: split: a PT of 510 4 KiB leaves of the same frame (PIECE), contents kept, pages 1
 * and 2 gone; the 2 MiB frame still held (2 idle pieces), the flush of the split before
 * anything; unmapping the rest gives the 2 MiB frame back whole, after its flush.
 */
static void test_partial_unmap_splits(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    phys_addr_t f = tr(&a, HV);
    fill(&a, HV);
    assert_int_equal(vmspace_unmap(&a, HV + 4 * KiB, 8 * KiB), K_OK);
    struct vmspace_stats st = stats_of(&a);
    assert_int_equal(st.leaf_huge, 0);
    assert_int_equal(st.leaf, 510);
    assert_int_equal(st.leaf_private, 510);
    assert_int_equal(st.splits, 1);
    expect_stats(&a, 510, 1, 1, 1, 1);
    assert_int_equal(tr(&a, HV + 4 * KiB), PHYS_NONE);
    assert_int_equal(tr(&a, HV + 8 * KiB), PHYS_NONE);
    for (unsigned i = 3; i < 512; i += 101)
        assert_int_equal(tr(&a, HV + i * PAGE_SIZE), f + i * PAGE_SIZE);
    assert_int_equal(leaf_flags(&a, HV), PRIV_RW | PTE_SW_PIECE);
    expect_filled(&a, HV, 3, 512);
    assert_int_equal(*at(&a, HV + 100), 0);
    struct vmspace_env_stats e = env_stats();
    assert_int_equal(e.pieces_idle, 2);
    assert_int_equal(e.split_frames, 1);
    struct vmspace *all[] = {&a};
    expect_identity(all, 1);

    uint64_t in_use = pool_in_use();
    guard(f + 3 * PAGE_SIZE, HV + 3 * PAGE_SIZE); /* the whole frame goes after this flush */
    assert_int_equal(vmspace_unmap(&a, HV, HUGE), K_OK);
    assert_int_equal(fl.nguard, 0);
    /* the 2 MiB frame, the PT, PD and PDPT, the area list: only the PML4 is left */
    assert_true(in_use > 512 + 4);
    assert_int_equal(pool_in_use(), in_use0 + 1);
    assert_int_equal(env_stats().pieces_idle, 0);
    expect_identity(all, 1);
    expect_all_back(&a);
}

/*
 *   [1G ........ 1G+2M)  one 2 MiB page; an unmap of all of it
 * Expect: no split; one flush covering it, before the 2 MiB frame is freed.
 */
static void test_whole_unmap_frees_2m(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE | VM_POPULATE), K_OK);
    assert_int_equal(stats_of(&a).faults_2m, 1);
    phys_addr_t f = tr(&a, HV);
    reset_flush_log();
    guard(f + 100 * PAGE_SIZE, HV + 100 * PAGE_SIZE);
    assert_int_equal(vmspace_unmap(&a, HV, HUGE), K_OK);
    assert_int_equal(fl.nguard, 0);
    assert_int_equal(fl.checked, 1);
    assert_int_equal(stats_of(&a).splits, 0);
    assert_int_equal(stats_of(&a).leaf_huge, 0);
    expect_all_back(&a);
}

/*
 *   [1G ........ 1G+2M)  one 2 MiB page RW
 *   protect all of it RO -> still one 2 MiB leaf, read-only, flushed
 *   protect [1G+1M, +4K) RW -> split: that page RW, the others RO
 * Expect: as drawn; a write to an RO piece is refused, to the RW one allowed.
 */
static void test_protect(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    reset_flush_log();
    assert_int_equal(vmspace_protect(&a, HV, HUGE, RO), K_OK);
    assert_int_equal(fl.calls, 1);
    assert_int_equal(leaf_flags(&a, HV + 9 * PAGE_SIZE), (HUGE_RW & ~PTE_WRITE));
    assert_int_equal(stats_of(&a).splits, 0);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_EACCES);

    assert_int_equal(vmspace_protect(&a, HV + 1 * MiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(stats_of(&a).splits, 1);
    assert_int_equal(stats_of(&a).areas, 3);
    assert_int_equal(leaf_flags(&a, HV + 1 * MiB), PRIV_RW | PTE_SW_PIECE);
    assert_int_equal(leaf_flags(&a, HV), (PRIV_RW & ~PTE_WRITE) | PTE_SW_PIECE);
    assert_int_equal(touch(&a, HV + 1 * MiB, VM_WRITE), K_OK);
    assert_int_equal(touch(&a, HV + 1 * MiB + PAGE_SIZE, VM_WRITE), K_EACCES);
    struct vmspace *all[] = {&a};
    expect_identity(all, 1);
    expect_all_back(&a);
}

/*
 *   parent [1G, 1G+2M) one 2 MiB page, page i holding i; fork
 * Expect: the parent's page split (its 512 pieces copy-on-write in both), the child's write
 * copies one piece, the parent reads its bytes; after the child goes, the parent's write takes
 * its piece back without a copy (PIECE kept); every frame back after both go, in either order.
 */
static void fork_case(bool child_first)
{
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    phys_addr_t f = tr(&a, HV);
    fill(&a, HV);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    assert_int_equal(vmspace_fork(&b, &a), K_OK);
    assert_int_equal(stats_of(&a).splits, 1);
    assert_int_equal(stats_of(&a).leaf_cow, 512);
    assert_int_equal(stats_of(&b).leaf_cow, 512);
    assert_int_equal(leaf_flags(&b, HV + 5 * PAGE_SIZE), COW_RO | PTE_SW_PIECE);
    assert_int_equal(tr(&b, HV + 5 * PAGE_SIZE), f + 5 * PAGE_SIZE);

    assert_int_equal(touch(&b, HV + 5 * PAGE_SIZE, VM_WRITE), K_OK);
    assert_int_not_equal(tr(&b, HV + 5 * PAGE_SIZE), f + 5 * PAGE_SIZE);
    assert_int_equal(leaf_flags(&b, HV + 5 * PAGE_SIZE), PRIV_RW); /* a copy: no piece */
    *at(&b, HV + 5 * PAGE_SIZE + 100) = 'x';
    expect_filled(&a, HV, 0, 512);
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);

    if (child_first) {
        vmspace_destroy(&b);
        assert_int_equal(touch(&a, HV + 5 * PAGE_SIZE, VM_WRITE), K_OK);
        assert_int_equal(tr(&a, HV + 5 * PAGE_SIZE), f + 5 * PAGE_SIZE); /* taken back */
        assert_int_equal(leaf_flags(&a, HV + 5 * PAGE_SIZE), PRIV_RW | PTE_SW_PIECE);
        expect_all_back(&a);
    } else {
        vmspace_destroy(&a);
        assert_int_equal(env_stats().split_frames, 1); /* the child still holds 511 pieces */
        struct vmspace *child[] = {&b};
        expect_identity(child, 1);
        expect_filled(&b, HV, 6, 512);
        expect_all_back(&b);
    }
}

static void test_fork_splits_child_first(void **state)
{
    (void)state;
    fork_case(true);
}

static void test_fork_splits_parent_first(void **state)
{
    (void)state;
    fork_case(false);
}

/*
 *   a [1G, 1G+2M) one 2 MiB page; b [2G, +8K) shares a's [1G+4K, +8K)
 * Expect: a's page split; the two pieces shared (SHARED | PIECE in both), writes seen by both;
 * every frame back, a destroyed first.
 */
static void test_share_splits(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    assert_int_equal(vmspace_share(&b, 2 * HV, &a, HV + 4 * KiB, 8 * KiB, RW), K_OK);
    assert_int_equal(stats_of(&a).splits, 1);
    assert_int_equal(stats_of(&a).leaf_shared, 2);
    assert_int_equal(leaf_flags(&b, 2 * HV), PRIV_RW | PTE_SW_SHARED | PTE_SW_PIECE);
    *at(&b, 2 * HV + 4 * KiB) = 's';
    assert_int_equal(*at(&a, HV + 8 * KiB), 's');
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);
    vmspace_destroy(&a);
    assert_int_equal(env_stats().pieces_idle, 510);
    expect_all_back(&b);
}

/*
 *   [1G ........ 1G+2M) one 2 MiB page; advise [1G+4K, +4K) NOHUGE
 * Expect: the page split (an area boundary cuts it), three areas; advising it back merges them
 * into one; errors: a hole (K_ENOENT), bad advice (K_EINVAL), misaligned (K_EINVAL).
 */
static void test_advise(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    assert_int_equal(vmspace_advise(&a, HV + 4 * KiB, 4 * KiB, VMSPACE_NOHUGE), K_OK);
    assert_int_equal(stats_of(&a).splits, 1);
    assert_int_equal(stats_of(&a).areas, 3);
    assert_int_equal(vmspace_advise(&a, HV + 4 * KiB, 4 * KiB, VMSPACE_HUGE), K_OK);
    assert_int_equal(stats_of(&a).areas, 1);
    assert_int_equal(vmspace_advise(&a, HV, HUGE + PAGE_SIZE, VMSPACE_HUGE), K_ENOENT);
    assert_int_equal(vmspace_advise(&a, HV, HUGE, 3), K_EINVAL);
    assert_int_equal(vmspace_advise(&a, HV + 1, PAGE_SIZE, VMSPACE_HUGE), K_EINVAL);
    assert_int_equal(vmspace_advise(&a, VMSPACE_USER_END, PAGE_SIZE, VMSPACE_HUGE), K_EFAULT);
    expect_all_back(&a);
}

/*
 *   [1G ........ 1G+2M) one 2 MiB page; the pool emptied
 * Expect: a partial unmap, protect and advise, and a fork, each K_ENOMEM with the page whole,
 * nothing leaked; a fault in another advised area: K_ENOMEM, no table kept.
 */
static void test_split_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, HUGE, RW | VM_HUGE), K_OK);
    assert_int_equal(touch(&a, HV, VM_WRITE), K_OK);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    exhaust(0);
    assert_int_equal(vmspace_unmap(&a, HV, PAGE_SIZE), K_ENOMEM);
    assert_int_equal(vmspace_protect(&a, HV, PAGE_SIZE, RO), K_ENOMEM);
    assert_int_equal(vmspace_advise(&a, HV + PAGE_SIZE, PAGE_SIZE, VMSPACE_NOHUGE), K_ENOMEM);
    assert_int_equal(vmspace_fork(&b, &a), K_ENOMEM);
    assert_int_equal(stats_of(&a).leaf_huge, 512);
    assert_int_equal(stats_of(&a).splits, 0);
    refill();
    struct vmspace *both[] = {&a, &b};
    expect_identity(both, 2);
    vmspace_destroy(&b);

    /* No frame at all: the fault that would link a PD for a 2 MiB page fails, nothing kept. */
    assert_int_equal(vmspace_map_anon(&a, 4 * HV, HUGE, RW | VM_HUGE), K_OK);
    exhaust(0);
    uint64_t in_use = pool_in_use();
    assert_int_equal(touch(&a, 4 * HV, VM_WRITE), K_ENOMEM);
    assert_int_equal(pool_in_use(), in_use);
    assert_int_equal(stats_of(&a).pd, 1);
    assert_int_equal(stats_of(&a).leaf_huge, 512);
    refill();
    expect_all_back(&a);
}

/*
 *   [1G, 1G+4M) RW | POPULATE | HUGE; then RO-only reads, a user-buffer check over 2 MiB
 * Expect: two 2 MiB pages at once; the check faults nothing in; translate is exact throughout.
 */
static void test_populate_and_check_user(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, HV, 2 * HUGE, RW | VM_POPULATE | VM_HUGE), K_OK);
    assert_int_equal(stats_of(&a).faults_2m, 2);
    assert_int_equal(stats_of(&a).leaf_huge, 1024);
    assert_int_equal(vmspace_check_user(&a, HV + 1 * MiB, HUGE, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).faults_2m, 2);
    assert_int_equal(stats_of(&a).leaf, 0);
    assert_int_equal(tr(&a, HV + HUGE + 12345), tr(&a, HV + HUGE) + 12345);
    expect_all_back(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fault_maps_2m, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_policy_and_advice, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_block_must_fit_and_be_empty, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_no_2m_frame_falls_back, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_partial_unmap_splits, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_whole_unmap_frees_2m, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_protect, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_splits_child_first, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_splits_parent_first, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_share_splits, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_advise, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_split_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_populate_and_check_user, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
