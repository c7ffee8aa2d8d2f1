/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_fork(): what the child maps and how (private frames copy-on-write, demand pages still
 * demand, device and shared mappings as they are), the frames all coming back whatever the order
 * of destruction, and every out-of-memory point of a fork leaving the parent exactly as it was.
 * The copy-on-write fault itself is tested in test_vmspace_cow.c.
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
 *   A: nothing;  fork into C
 * Expect: K_OK; C is still only its PML4; no frame shared; both destroyed: every frame back.
 */
static void test_fork_empty(void **state)
{
    (void)state;
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    assert_int_equal(pool_in_use(), used);
    expect_stats(&c, 0, 0, 0, 0, 0);
    assert_int_equal(env_stats().shared, 0);
    vmspace_destroy(&c);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   A: [4M, +16K) RW populated ('A'+i at page i)   [8M, +64K) RW untouched   [1G, +4K) RO populated
 *   fork into C
 * Expect: C has A's three areas; the 5 populated pages map the same frames in both, read-only,
 * copy-on-write (5 shared frames, 10 owners); the demand pages are unmapped in both and cost no
 * table; A's writable pages were flushed (one call covering [4M, 4M+16K)); C's categories: 5 cow
 * leaves, 2 PTs, 2 PDs, 1 PDPT, 1 list frame; the identity holds.
 */
static void test_fork_populated_and_demand(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, 64 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 1 * GiB, 4 * KiB, RO | VM_POPULATE), K_OK);
    for (unsigned i = 0; i < 4; i++)
        *at(&a, 4 * MiB + i * PAGE_SIZE) = (char)('A' + i);
    reset_flush_log();
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    assert_int_equal(fl.calls, 1);
    assert_true(fl.log[0].pml4 == a.pml4 && fl.log[0].start == 4 * MiB &&
                fl.log[0].end == 4 * MiB + 16 * KiB);
    for (unsigned i = 0; i < 4; i++) {
        uint64_t va = 4 * MiB + i * PAGE_SIZE;
        assert_int_equal(tr(&c, va), tr(&a, va));
        assert_int_equal(leaf_flags(&a, va) & ~(PTE_ACCESSED | PTE_DIRTY), COW_RO);
        assert_int_equal(leaf_flags(&c, va) & ~(PTE_ACCESSED | PTE_DIRTY), COW_RO);
        assert_int_equal(*at(&c, va), 'A' + i);
        assert_int_equal(frame_ref_count(&env.refs, tr(&a, va)), 2);
    }
    assert_int_equal(tr(&c, 1 * GiB), tr(&a, 1 * GiB));
    assert_int_equal(tr(&c, 8 * MiB), PHYS_NONE);
    assert_int_equal(tr(&a, 8 * MiB), PHYS_NONE);
    assert_int_equal(stats_of(&c).areas, 3);
    expect_stats(&c, 5, 2, 2, 1, 1);
    assert_int_equal(stats_of(&c).leaf_cow, 5);
    assert_int_equal(stats_of(&a).leaf_cow, 5);
    assert_int_equal(stats_of(&a).leaf_private, 0);
    assert_int_equal(stats_of(&c).tables, 6);
    assert_int_equal(env_stats().shared, 5);
    assert_int_equal(env_stats().shared_mappings, 10);
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
    /* a demand page touched after the fork is private to the one that touched it */
    assert_int_equal(touch(&c, 8 * MiB, VM_WRITE), K_OK);
    assert_int_equal(tr(&a, 8 * MiB), PHYS_NONE);
    assert_int_equal(stats_of(&c).leaf_private, 1);
    expect_identity(both, 2);
}

/*
 *   A: [4M, +16K) RW populated, [64M, +1M) RW with every 8th page touched;  fork C from A,
 *   then D from C (three owners);  destroy in the order C, A, D
 * Expect: C's owners are still counted when its flush runs (given up after it); each frame is
 * freed exactly once, when its last owner goes (FRAME_CHECK panics on a double free); every
 * frame back at the end.
 */
static void test_fork_destroy_returns_everything(void **state)
{
    (void)state;
    struct vmspace d;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 64 * MiB, 1 * MiB, RW), K_OK);
    for (uint64_t va = 64 * MiB; va < 65 * MiB; va += 8 * PAGE_SIZE)
        assert_int_equal(touch(&a, va, VM_WRITE), K_OK);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    assert_int_equal(vmspace_create(&d, &env), K_OK);
    assert_int_equal(vmspace_fork(&d, &c), K_OK);
    assert_int_equal(frame_ref_count(&env.refs, tr(&a, 4 * MiB)), 3);
    assert_int_equal(env_stats().shared_mappings, 3 * (4 + 32));
    struct vmspace *all[] = {&a, &c, &d};
    expect_identity(all, 3);
    fl.probe = tr(&a, 4 * MiB);
    vmspace_destroy(&c);
    assert_int_equal(fl.probe_owners, 3); /* C's owners are given up after its flush */
    vmspace_destroy(&a);
    struct vmspace *just_d[] = {&d};
    expect_identity(just_d, 1);
    assert_int_equal(env_stats().shared, 0);
    vmspace_destroy(&d);
    expect_pool_back();
}

/* Every page of A's test layout: frame and flags, to compare A before and after. */
#define SNAP_PAGES 48
static const uint64_t snap_va[4] = {4 * MiB, 1 * GiB, 2 * MiB, 16 * MiB};
struct snap {
    phys_addr_t pa[SNAP_PAGES];
    uint64_t flags[SNAP_PAGES];
    struct vmspace_stats st;
};

static void take_snap(const struct vmspace *s, struct snap *p)
{
    for (unsigned i = 0; i < SNAP_PAGES; i++) {
        uint64_t va = snap_va[i / 12] + (i % 12) * PAGE_SIZE;
        p->pa[i] = vmspace_translate(s, va, &p->flags[i]);
    }
    vmspace_get_stats(s, &p->st);
}

/*
 *   A: [4M, +12 pages) RW populated   [1G, +12 pages) RW, pages 0..5 touched, page 6 no access
 *      [2M, +12 pages) device frames   [16M, +12 pages) shared from [4M, ...) of A
 *   for keep = 0, 1, 2, ...: pool left with keep frames, fork into C
 * Expect: K_ENOMEM at every keep until the fork has all it needs (area list, scratch, C's
 * tables, frame_ref's growth); each time A's every leaf and category are exactly as before, C
 * holds only its PML4, the identity holds, and refilling the pool leaves only frame_ref's size
 * changes in use. Then the fork succeeds, and destroying both returns every frame.
 */
static void test_fork_out_of_memory_everywhere(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 12 * PAGE_SIZE, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 1 * GiB, 12 * PAGE_SIZE, RW), K_OK);
    for (unsigned i = 0; i < 7; i++)
        assert_int_equal(touch(&a, 1 * GiB + i * PAGE_SIZE, VM_WRITE), K_OK);
    assert_int_equal(vmspace_protect(&a, 1 * GiB + 6 * PAGE_SIZE, PAGE_SIZE, VM_USER), K_OK);
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, 12 * PAGE_SIZE, RW), K_OK);
    assert_int_equal(vmspace_share(&a, 16 * MiB, &a, 4 * MiB, 12 * PAGE_SIZE, RW), K_OK);
    struct snap before, after;
    take_snap(&a, &before);
    struct vmspace *both[] = {&a, &c};
    unsigned failures = 0;
    for (unsigned keep = 0;; keep++) {
        uint64_t ref_frames = env_stats().share_frames, used = pool_in_use();
        exhaust(keep);
        int err = vmspace_fork(&c, &a);
        if (err == K_OK) {
            refill();
            break;
        }
        assert_int_equal(err, K_ENOMEM);
        failures++;
        take_snap(&a, &after);
        assert_memory_equal(&before, &after, sizeof(before));
        expect_stats(&c, 0, 0, 0, 0, 0);
        assert_int_equal(stats_of(&c).areas, 0);
        refill();
        expect_identity(both, 2);
        assert_int_equal(pool_in_use() - used, env_stats().share_frames - ref_frames);
    }
    assert_true(failures >= 6);                 /* list, scratch, PDPT, PD, PT, and more tables */
    assert_int_equal(stats_of(&c).leaf_cow, 7); /* 4M's pages are shared mappings now */
    assert_int_equal(stats_of(&c).leaf_shared, 24);
    assert_int_equal(stats_of(&c).phys, 12);
    expect_identity(both, 2);
    vmspace_destroy(&c);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   A: [4M, +8K) RW populated, shared into A at [16M, +8K) (a shared mapping);  fork into C;
 *   C writes through 16M
 * Expect: in C both ranges map A's frames, writable, SHARED, not COW (4 owners per frame); the
 * write needs no fault and A sees it.
 */
static void test_fork_shared_stays_shared(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(vmspace_share(&a, 16 * MiB, &a, 4 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    assert_int_equal(tr(&c, 16 * MiB), f);
    assert_int_equal(tr(&c, 4 * MiB), f);
    assert_int_equal(leaf_flags(&c, 16 * MiB), PRIV_RW | PTE_SW_SHARED);
    assert_int_equal(leaf_flags(&a, 4 * MiB) & ~(PTE_ACCESSED | PTE_DIRTY),
                     PRIV_RW | PTE_SW_SHARED);
    assert_int_equal(frame_ref_count(&env.refs, f), 4);
    assert_int_equal(stats_of(&c).leaf_shared, 4);
    assert_int_equal(touch(&c, 16 * MiB, VM_WRITE), K_OK); /* a stale TLB entry: nothing to do */
    strcpy(at(&c, 16 * MiB + 8), "both");
    assert_string_equal(at(&a, 4 * MiB + 8), "both");
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
    vmspace_destroy(&a);
    vmspace_destroy(&c);
    expect_pool_back();
}

/*
 *   A: [2M, +8K) device frames, [4M, +4K) RW;  fork into C;  then the refusals
 * Expect: C maps the device frames as they are (not owned, phys 2, nothing shared); forking into
 * a space that is not empty, into A itself, or across envs is K_EINVAL.
 */
static void test_fork_phys_and_errors(void **state)
{
    (void)state;
    struct vmspace_env other;
    struct vmspace o;
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, 8 * KiB, RW | VM_UNCACHED), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    assert_int_equal(tr(&c, 2 * MiB + 4 * KiB), VT_DEVICE + 4 * KiB);
    assert_int_equal(leaf_flags(&c, 2 * MiB), leaf_flags(&a, 2 * MiB));
    assert_int_equal(stats_of(&c).phys, 2);
    assert_int_equal(env_stats().shared, 0);
    assert_int_equal(vmspace_fork(&c, &a), K_EINVAL);
    assert_int_equal(vmspace_fork(&a, &a), K_EINVAL);
    assert_int_equal(vmspace_env_init(&other, &pool, VT_TEMPLATE, 0, fake_flush, &fl), K_OK);
    assert_int_equal(vmspace_create(&o, &other), K_OK);
    assert_int_equal(vmspace_fork(&o, &a), K_EINVAL);
    vmspace_destroy(&o);
    vmspace_destroy(&c);
    vmspace_destroy(&a);
}

/*
 *   A: [1T, +1 TiB) RW, untouched but for its first page, plus [4M, +4K) RW populated;  fork into C
 * Expect: the fork walks only the tables that exist: C costs its area-list frame and the tables
 * above the two touched pages (2 PTs, 2 PDs, 2 PDPTs), nothing for the untouched terabyte.
 */
static void test_fork_reservation_costs_nothing(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 1ull << 40, 1ull << 40, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 4 * KiB, RW | VM_POPULATE), K_OK);
    assert_int_equal(touch(&a, 1ull << 40, VM_WRITE), K_OK);
    uint64_t used = pool_in_use();
    assert_int_equal(vmspace_fork(&c, &a), K_OK);
    expect_stats(&c, 2, 2, 2, 2, 1);
    assert_int_equal(pool_in_use(), used + 7 + 2); /* C's 7, and frame_ref's first two */
    assert_int_equal(tr(&c, (1ull << 40) + PAGE_SIZE), PHYS_NONE);
    struct vmspace *both[] = {&a, &c};
    expect_identity(both, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fork_empty, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_populated_and_demand, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_destroy_returns_everything, setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_out_of_memory_everywhere, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_shared_stays_shared, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_phys_and_errors, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fork_reservation_costs_nothing, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
