/* SPDX-License-Identifier: 0BSD */
/*
 * vmspace_fault() and vmspace_check_user(): every outcome the #PF handler and the system calls
 * see, with the sentence a kill line would use, out of memory leaving nothing behind, and the
 * invariants the fault path enforces.
 */
#include "vmspace_test.h"

static struct vmspace a;

static int setup(void **state)
{
    vt_setup(state);
    assert_int_equal(vmspace_create(&a, &env), K_OK);
    return 0;
}

static uint64_t *raw_leaf(uint64_t va)
{
    int level;
    uint64_t *e = pt_find(a.pml4, va, &level);
    assert_int_equal(level, 0);
    return e;
}

/*
 *   [4M, +4K) RO   [8M, +4K) RW   [12M, +4K) RX   [16M, +4K) RW kernel-only (no VM_USER)
 * Expect, with the kill-line words:
 *   read 0             K_ENOENT  "read of an unmapped address"
 *   write 4M           K_EACCES  "write to a page that is not writable"
 *   execute 8M         K_EACCES  "execute of a page that is not executable"
 *   user read 16M      K_EACCES; the same read from ring 0 is resolved
 *   read of the kernel half or USER_END   K_EFAULT  "read of a kernel address"
 *   access 0 or R|W    K_EINVAL;  execute 12M, read 4M, write 8M resolved
 */
static void test_fault_outcomes(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RO), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, PAGE_SIZE, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 12 * MiB, PAGE_SIZE, RX), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 16 * MiB, PAGE_SIZE, VM_READ | VM_WRITE), K_OK);

    assert_int_equal(touch(&a, 0, VM_READ), K_ENOENT);
    assert_string_equal(vmspace_fault_reason(K_ENOENT, VM_READ | VM_USER, 0),
                        "read of an unmapped address");
    assert_string_equal(vmspace_fault_reason(K_ENOENT, VM_WRITE, 0),
                        "write to an unmapped address");
    assert_string_equal(vmspace_fault_reason(K_ENOENT, VM_EXEC, 0),
                        "execute of an unmapped address");
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_EACCES);
    assert_string_equal(vmspace_fault_reason(K_EACCES, VM_WRITE, 0),
                        "write to a page that is not writable");
    assert_int_equal(touch(&a, 8 * MiB, VM_EXEC), K_EACCES);
    assert_string_equal(vmspace_fault_reason(K_EACCES, VM_EXEC, 0),
                        "execute of a page that is not executable");
    assert_string_equal(vmspace_fault_reason(K_EACCES, VM_READ, 0),
                        "read of a page with no access");
    assert_int_equal(touch(&a, 16 * MiB, VM_READ), K_EACCES);
    assert_int_equal(vmspace_fault(&a, 16 * MiB, VM_READ), K_OK);
    assert_false(leaf_flags(&a, 16 * MiB) & PTE_USER);
    assert_int_equal(touch(&a, 0xffff800000001000ull, VM_READ), K_EFAULT);
    assert_int_equal(touch(&a, VMSPACE_USER_END, VM_READ), K_EFAULT);
    assert_string_equal(vmspace_fault_reason(K_EFAULT, VM_READ, 0xffff800000001000ull),
                        "read of a kernel address");
    /* The page at VMSPACE_USER_END is below 2^47, not the kernel's: said so. */
    assert_string_equal(vmspace_fault_reason(K_EFAULT, VM_EXEC, VMSPACE_USER_END),
                        "execute of the last page below 2^47, never mapped for programs");
    assert_int_equal(vmspace_fault(&a, 4 * MiB, 0), K_EINVAL);
    assert_int_equal(vmspace_fault(&a, 4 * MiB, VM_READ | VM_WRITE), K_EINVAL);
    assert_int_equal(touch(&a, 12 * MiB, VM_EXEC), K_OK);
    assert_int_equal(touch(&a, 4 * MiB + 5, VM_READ), K_OK);
    assert_int_equal(touch(&a, 8 * MiB, VM_WRITE), K_OK);
    expect_stats(&a, 4, 4, 1, 1, 1);
}

/*
 *   [4M, +8K) RW;  pool left with 2 frames;  touch 4M (needs PDPT, PD, PT and a leaf)
 * Expect: K_ENOMEM ("out of memory"), the two tables it linked taken back: no table, 2 frames
 * free. Then with frames: 4M touched; pool emptied; touch 4M+4K (only a leaf needed): K_ENOMEM,
 * the PT (still holding 4M) kept.
 */
static void test_fault_out_of_memory(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 8 * KiB, RW), K_OK);
    exhaust(2);
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_ENOMEM);
    assert_string_equal(vmspace_fault_reason(K_ENOMEM, VM_WRITE, 0), "out of memory");
    expect_stats(&a, 0, 0, 0, 0, 1);
    assert_int_equal(pool_free(), 2);
    assert_int_equal(((uint64_t *)phys_to_virt(a.pml4))[0], 0);
    refill();
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_OK);
    exhaust(0);
    assert_int_equal(touch(&a, 4 * MiB + 4 * KiB, VM_WRITE), K_ENOMEM);
    expect_stats(&a, 1, 1, 1, 1, 1);
    refill();
}

/*
 *   [4M, +4K) RW populated;  fault on it again (a stale TLB entry);  then its leaf's PTE_WRITE
 *   cleared by hand and a write fault
 * Expect: the repeat fault is resolved with the same frame and nothing taken; the broken leaf
 * panics naming the address.
 */
static void test_fault_spurious_and_broken_leaf(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, PAGE_SIZE, RW | VM_POPULATE), K_OK);
    phys_addr_t f = tr(&a, 4 * MiB);
    uint64_t used = pool_in_use();
    assert_int_equal(touch(&a, 4 * MiB, VM_WRITE), K_OK);
    assert_int_equal(tr(&a, 4 * MiB), f);
    assert_int_equal(pool_in_use(), used);
    *raw_leaf(4 * MiB) &= ~PTE_WRITE;
    expect_panic(touch(&a, 4 * MiB + 8, VM_WRITE));
    assert_non_null(strstr(panic_message(), "for 400008 denies an access its area allows"));
}

/*
 *   [2M, +4K) -> a device frame; its leaf cleared by hand; a read fault there
 * Expect: a panic: a fixed area must have every leaf.
 */
static void test_fault_fixed_without_leaf_panics(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_phys(&a, 2 * MiB, VT_DEVICE, 8 * KiB, RO), K_OK);
    *raw_leaf(2 * MiB) = 0;
    expect_panic(touch(&a, 2 * MiB, VM_READ));
    assert_non_null(strstr(panic_message(), "200000 lies in a fixed area"));
}

/*
 *   [4M ........ 4M+16K) RW  [4M+16K, +4K) RO  hole at 4M+20K;  [8M, +4K) kernel-only
 * Expect: a write buffer [4M+100, +8K) is fine and faulted in (3 pages); one running into the
 * read-only page K_EACCES, as a read it is fine; one running into the hole K_ENOENT; kernel
 * addresses, running past the user end or wrapping K_EFAULT; a kernel-only page K_EACCES;
 * length 0 fine; VM_EXEC is no buffer access (K_EINVAL).
 */
static void test_check_user(void **state)
{
    (void)state;
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB, 16 * KiB, RW), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 4 * MiB + 16 * KiB, 4 * KiB, RO), K_OK);
    assert_int_equal(vmspace_map_anon(&a, 8 * MiB, 4 * KiB, VM_READ | VM_WRITE), K_OK);
    assert_int_equal(vmspace_check_user(&a, 4 * MiB + 100, 8 * KiB, VM_WRITE), K_OK);
    assert_int_equal(stats_of(&a).leaf, 3);
    assert_int_equal(vmspace_check_user(&a, 4 * MiB + 12 * KiB, 8 * KiB, VM_WRITE), K_EACCES);
    assert_int_equal(vmspace_check_user(&a, 4 * MiB + 12 * KiB, 8 * KiB, VM_READ), K_OK);
    assert_int_equal(vmspace_check_user(&a, 4 * MiB + 16 * KiB, 4 * KiB + 1, VM_READ), K_ENOENT);
    assert_int_equal(vmspace_check_user(&a, 0xffffffff80001000ull, 8, VM_READ), K_EFAULT);
    assert_int_equal(vmspace_check_user(&a, VMSPACE_USER_END - 8, 16, VM_READ), K_EFAULT);
    assert_int_equal(vmspace_check_user(&a, 4 * MiB, UINT64_MAX, VM_READ), K_EFAULT);
    assert_int_equal(vmspace_check_user(&a, 8 * MiB, 8, VM_READ), K_EACCES);
    assert_int_equal(vmspace_check_user(&a, 0xffffffff80001000ull, 0, VM_WRITE), K_OK);
    assert_int_equal(vmspace_check_user(&a, 4 * MiB, 8, VM_EXEC), K_EINVAL);
}

/*
 *   every error code, and one that is not
 * Expect: a sentence for each; the unknown one says so; fault reasons fall back to it.
 */
static void test_error_sentences(void **state)
{
    (void)state;
    static const int codes[] = {K_OK,     K_EPERM,  K_ENOENT, K_ENOMEM,
                                K_EACCES, K_EFAULT, K_EEXIST, K_EINVAL};
    for (size_t i = 0; i < ARRAY_SIZE(codes); i++)
        assert_string_not_equal(vmspace_strerror(codes[i]), vmspace_strerror(-99));
    assert_string_equal(vmspace_strerror(K_ENOENT), "no mapping covers the address");
    assert_string_equal(vmspace_strerror(-99), "unknown address-space error");
    assert_string_equal(vmspace_fault_reason(K_EINVAL, VM_READ, 0), vmspace_strerror(K_EINVAL));
    assert_string_equal(vmspace_fault_reason(K_ENOENT, 0, 0), vmspace_strerror(K_ENOENT));
}

/*
 *   vmspace_translate of a kernel address and of an unmapped user one
 * Expect: PHYS_NONE and flags 0 both times.
 */
static void test_translate_outside(void **state)
{
    (void)state;
    uint64_t flags = 123;
    assert_int_equal(vmspace_translate(&a, 0xffff800000000000ull, &flags), PHYS_NONE);
    assert_int_equal(flags, 0);
    flags = 123;
    assert_int_equal(vmspace_translate(&a, 4 * MiB, &flags), PHYS_NONE);
    assert_int_equal(flags, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fault_outcomes, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fault_out_of_memory, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fault_spurious_and_broken_leaf, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_fault_fixed_without_leaf_panics, setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(test_check_user, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_error_sentences, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_translate_outside, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
