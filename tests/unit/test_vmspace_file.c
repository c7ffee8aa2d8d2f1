/* SPDX-License-Identifier: 0BSD */
/*
 * Frames of an outside owner (a file's pages) mapped without a copy: vmspace_env_hold(),
 * vmspace_place(), vmspace_map_file(), vmspace_env_disown(). Private leaves copy on their first
 * write, shared ones write the owner's frame; whoever lets go last frees the frame, and the
 * accounting follows it from the owner to the spaces.
 */
#include "vmspace_test.h"

static struct vmspace a, b;
static phys_addr_t file[4]; /* the outside owner's frames: page i holds 'a' + i */

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    for (unsigned i = 0; i < 4; i++) {
        file[i] = frame_alloc(&pool);
        memset(phys_to_virt(file[i]), 'a' + (int)i, PAGE_SIZE);
    }
    return 0;
}

/* The identity of vmspace_test.h with held frames of the outside owner outside env->frames. */
static void expect_identity_with(struct vmspace *const *spaces, size_t n, uint64_t outside)
{
    struct vmspace_env_stats e = env_stats();
    uint64_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        struct vmspace_stats st = stats_of(spaces[i]);
        sum += st.leaf + st.leaf_huge + st.pt + st.pd + st.pdpt + st.pml4 + st.area_frames;
    }
    assert_int_equal(e.frames,
                     sum - (e.shared_mappings - e.shared) + e.share_frames + e.pieces_idle);
    assert_int_equal(pool_in_use() - in_use0, e.frames + outside);
}

/* Holds and places file[0..n) at va. */
static int place_file(struct vmspace *s, uint64_t va, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(vmspace_env_hold(&env, file[i]), K_OK);
    return vmspace_place(s, va, file, n);
}

/*
 *   file: 4 frames 'a'..'d'     A: [4M, +16K) anonymous RW, the 4 placed (private)
 * Expect: copy-on-write read-only leaves of the file's frames; a write by the file shows through;
 * a write by A copies (the file keeps its byte); once the file lets go of a page A takes it as it
 * is at its write; the frames move into env->frames as the file lets go, and every frame is back
 * after A.
 */
static void test_private_copies_on_write(void **state)
{
    (void)state;
    struct vmspace *just_a[] = {&a};
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW), K_OK);
    assert_int_equal(place_file(&a, 4 * MiB, 4), K_OK);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(tr(&a, 4 * MiB + i * PAGE_SIZE), file[i]);
        assert_int_equal(leaf_flags(&a, 4 * MiB + i * PAGE_SIZE), COW_RO);
        assert_int_equal(frame_ref_count(&env.refs, file[i]), 2);
    }
    assert_int_equal(stats_of(&a).leaf_cow, 4);
    expect_identity_with(just_a, 1, 4);
    assert_int_equal(touch(&a, 4 * MiB, VM_READ), K_OK);
    *(char *)phys_to_virt(file[0]) = 'z'; /* the file's write: the unwritten page shows it */
    assert_int_equal(*at(&a, 4 * MiB), 'z');

    assert_int_equal(touch(&a, 4 * MiB + 4 * KiB, VM_WRITE), K_OK);
    assert_int_not_equal(tr(&a, 4 * MiB + 4 * KiB), file[1]);
    assert_int_equal(leaf_flags(&a, 4 * MiB + 4 * KiB), PRIV_RW);
    *at(&a, 4 * MiB + 4 * KiB) = 'B';
    assert_int_equal(*(char *)phys_to_virt(file[1]), 'b');
    assert_int_equal(frame_ref_count(&env.refs, file[1]), 1);
    expect_identity_with(just_a, 1, 4);

    assert_false(vmspace_env_disown(&env, file[2])); /* A keeps it: now A's frame */
    expect_identity_with(just_a, 1, 3);
    assert_int_equal(touch(&a, 4 * MiB + 8 * KiB, VM_WRITE), K_OK);
    assert_int_equal(tr(&a, 4 * MiB + 8 * KiB), file[2]); /* no copy: nobody else has it */
    assert_true(vmspace_env_disown(&env, file[1]));       /* A copied it: the file frees it */
    frame_free(&pool, file[1]);
    assert_false(vmspace_env_disown(&env, file[0]));
    assert_false(vmspace_env_disown(&env, file[3]));
    expect_identity_with(just_a, 1, 0);
    vmspace_destroy(&a);
    expect_pool_back();
}

/*
 *   A: file area [8M, +12K) RW, file[0], file[1] placed, page 2 past the file's end; fork B
 * Expect: shared writable leaves of the file's frames, writes reach the file; page 2 faults
 * K_ERANGE with its reason; B shares the same frames after the fork; the file lets go first,
 * then A and B: each frame freed once, every frame back.
 */
static void test_shared_writes_reach_the_file(void **state)
{
    (void)state;
    phys_addr_t pages[3] = {file[0], file[1], PHYS_NONE};
    assert_int_equal(vmspace_map_file(&a, 8 * MiB, 12 * KiB, RW), K_OK);
    assert_int_equal(vmspace_env_hold(&env, file[0]), K_OK);
    assert_int_equal(vmspace_env_hold(&env, file[1]), K_OK);
    assert_int_equal(vmspace_place(&a, 8 * MiB, pages, 3), K_OK);
    assert_int_equal(leaf_flags(&a, 8 * MiB),
                     PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX | PTE_SW_OWNED | PTE_SW_SHARED);
    assert_int_equal(touch(&a, 8 * MiB + 4 * KiB, VM_WRITE), K_OK);
    *at(&a, 8 * MiB + 4 * KiB) = 'Q';
    assert_int_equal(*(char *)phys_to_virt(file[1]), 'Q');
    assert_int_equal(touch(&a, 8 * MiB + 8 * KiB, VM_READ), K_ERANGE);
    assert_string_equal(vmspace_fault_reason(K_ERANGE, VM_READ, 8 * MiB + 8 * KiB),
                        "read past the end of a mapped file");
    assert_int_equal(stats_of(&a).leaf_shared, 2);

    assert_int_equal(vmspace_create(&b, &env), K_OK);
    assert_int_equal(vmspace_fork(&b, &a), K_OK);
    assert_int_equal(tr(&b, 8 * MiB), file[0]);
    assert_int_equal(frame_ref_count(&env.refs, file[0]), 3);
    assert_int_equal(touch(&b, 8 * MiB + 8 * KiB, VM_WRITE), K_ERANGE);
    struct vmspace *both[] = {&a, &b};
    expect_identity_with(both, 2, 4);
    for (unsigned i = 0; i < 2; i++)
        assert_false(vmspace_env_disown(&env, file[i]));
    for (unsigned i = 2; i < 4; i++) {
        assert_true(vmspace_env_disown(&env, file[i])); /* never mapped */
        frame_free(&pool, file[i]);
    }
    expect_identity_with(both, 2, 0);
    vmspace_destroy(&a);
    assert_int_equal(*(char *)phys_to_virt(file[1]), 'Q'); /* B still has it */
    vmspace_destroy(&b);
    expect_pool_back();
}

/* Gives the file's frames back when no mapping holds them. */
static void drop_file(void)
{
    for (unsigned i = 0; i < 4; i++) {
        assert_true(vmspace_env_disown(&env, file[i]));
        frame_free(&pool, file[i]);
    }
}

/*
 *   A: file area [8M, +8K) RO | VM_NO_WRITE (a file opened read-only)
 * Expect: made writable neither at once nor later (K_EACCES), a write faults K_EACCES; a plain
 * file area may be made writable.
 */
static void test_read_only_file_stays_so(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_file(&a, 8 * MiB, 8 * KiB, RW | VM_NO_WRITE), K_EACCES);
    assert_int_equal(vmspace_map_file(&a, 8 * MiB, 8 * KiB, RO | VM_NO_WRITE), K_OK);
    assert_int_equal(place_file(&a, 8 * MiB, 2), K_OK);
    assert_int_equal(vmspace_protect(&a, 8 * MiB, 8 * KiB, RW), K_EACCES);
    assert_int_equal(vmspace_protect(&a, 8 * MiB, 4 * KiB, RO), K_OK);
    assert_int_equal(touch(&a, 8 * MiB, VM_WRITE), K_EACCES);
    assert_int_equal(vmspace_map_file(&a, 16 * MiB, 4 * KiB, RO), K_OK);
    assert_int_equal(vmspace_protect(&a, 16 * MiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_file(&a, 16 * MiB, 4 * KiB, RO), K_EEXIST);
    vmspace_destroy(&a);
    drop_file();
    expect_pool_back();
}

/*
 *   A: fixed area [4M, +4K) of device frames; anonymous [8M, +8K) with page 0 mapped; file area
 *   [16M, +8K) with a page past the end
 * Expect: placing into the fixed area, over a mapped page, across an area's end, with no page or
 * a misaligned address is K_EINVAL; out of table frames K_ENOMEM; each failure gives the holds
 * back (one owner left: the file's); sharing a file area's missing page is K_ENOENT.
 */
static void test_place_errors_give_holds_back(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_phys(&a, 4 * MiB, VT_DEVICE, 4 * KiB, RO), K_OK);
    assert_int_equal(place_file(&a, 4 * MiB, 1), K_EINVAL);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, 8 * KiB, RW), K_OK);
    assert_int_equal(touch(&a, 8 * MiB, VM_WRITE), K_OK);
    assert_int_equal(place_file(&a, 8 * MiB, 1), K_EINVAL);
    assert_int_equal(place_file(&a, 8 * MiB + 4 * KiB, 2), K_EINVAL); /* past the area */
    assert_int_equal(vmspace_env_hold(&env, file[0]), K_OK);
    assert_int_equal(vmspace_place(&a, 8 * MiB + 1, file, 1), K_EINVAL);
    assert_int_equal(vmspace_place(&a, 8 * MiB, file, 0), K_EINVAL); /* no hold to give back */
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(frame_ref_count(&env.refs, file[i]), 1);

    assert_int_equal(vmspace_map_anon(&a, 64 * MiB, 4 * KiB, RW), K_OK);
    assert_int_equal(vmspace_env_hold(&env, file[0]), K_OK);
    exhaust(0);
    assert_int_equal(vmspace_place(&a, 64 * MiB, file, 1), K_ENOMEM); /* no PT for it */
    refill();
    assert_int_equal(frame_ref_count(&env.refs, file[0]), 1);

    assert_int_equal(vmspace_map_file(&a, 16 * MiB, 8 * KiB, RO), K_OK);
    assert_int_equal(place_file(&a, 16 * MiB, 1), K_OK);
    assert_int_equal(vmspace_create(&b, &env), K_OK);
    assert_int_equal(vmspace_share(&b, 32 * MiB, &a, 16 * MiB, 8 * KiB, RO), K_ENOENT);
    assert_int_equal(vmspace_share(&b, 32 * MiB, &a, 16 * MiB, 4 * KiB, RO), K_OK);
    assert_int_equal(tr(&b, 32 * MiB), file[0]);
    vmspace_destroy(&b);
    vmspace_destroy(&a);
    drop_file();
    expect_pool_back();
}

/*
 *   file[0] held by the outside owner and one hold; the owner lets go, then the hold goes back
 * Expect: the hold's return frees the frame (counted into env->frames by the disown).
 */
static void test_unhold_after_the_owner_frees(void **state)
{
    (void)state;
    assert_int_equal(vmspace_env_hold(&env, file[0]), K_OK);
    assert_false(vmspace_env_disown(&env, file[0]));
    assert_int_equal(env_stats().frames, 1 + stats_of(&a).pml4);
    vmspace_env_unhold(&env, file[0]);
    assert_int_equal(env_stats().frames, stats_of(&a).pml4);
    for (unsigned i = 1; i < 4; i++) {
        assert_true(vmspace_env_disown(&env, file[i]));
        frame_free(&pool, file[i]);
    }
    vmspace_destroy(&a);
    expect_pool_back();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_private_copies_on_write, setup),
        cmocka_unit_test_setup(test_shared_writes_reach_the_file, setup),
        cmocka_unit_test_setup(test_read_only_file_stays_so, setup),
        cmocka_unit_test_setup(test_place_errors_give_holds_back, setup),
        cmocka_unit_test_setup(test_unhold_after_the_owner_frees, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
