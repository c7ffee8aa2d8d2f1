/* SPDX-License-Identifier: 0BSD */
/*
 * elf_plan(): the PT_LOAD rules, one test per rule, each on the good image of elf_image.h with
 * one field changed (segments 0 R at 0x400000, 1 RX at 0x401000, 2 RW at 0x402010 + bss).
 */
#include "elf_image.h"

static struct img im;

/* p_memsz 0 is refused (nothing to map, and an empty range overlaps nothing). */
static void test_empty(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_FILESZ, 0);
    set_ph(&im, 2, PH_MEMSZ, 0);
    assert_refused(&im, "segment 2 is empty (p_memsz is 0)");
}

/* p_filesz == p_memsz is fine; one more file byte than memory bytes is refused. */
static void test_filesz_above_memsz(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_FILESZ, 0xff0);
    set_ph(&im, 2, PH_MEMSZ, 0xff0);
    assert_accepted(&im);
    set_ph(&im, 2, PH_MEMSZ, 0x3000 - 0x2010 - 1);
    assert_refused(&im, "segment 2 has more file bytes than memory bytes (p_filesz 0xff0 > "
                        "p_memsz 0xfef)");
}

/*
 *   file [0 ................................ 0x3000)
 *   LOAD 2 file bytes [0x2010, 0x3000)       ends at the end  -> accepted
 *                     [0x2010, 0x3001)       one past         -> refused
 *   offset 2^64 - 0x1000 + 0x10, 0x20 bytes: wraps around     -> refused
 */
static void test_file_range(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_FILESZ, 0xff0);
    assert_accepted(&im);
    set_ph(&im, 2, PH_FILESZ, 0xff1);
    assert_refused(&im, "segment 2's file bytes (offset 0x2010, 0xff1 bytes) run past the end of "
                        "the file (12288 bytes)");
    set_ph(&im, 2, PH_FILESZ, 0x20);
    set_ph(&im, 2, PH_OFFSET, 0xfffffffffffff010);
    assert_refused(&im, "segment 2's file bytes (offset 0xfffffffffffff010, 0x20 bytes) run past "
                        "the end of the file (12288 bytes)");
}

/* p_align 0 and 1 mean "no constraint"; 0x1800 is not a power of two. */
static void test_align_power_of_two(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 1, PH_ALIGN, 0);
    set_ph(&im, 2, PH_ALIGN, 1);
    assert_accepted(&im);
    set_ph(&im, 1, PH_ALIGN, 0x1800);
    assert_refused(&im, "segment 1 has alignment 0x1800, which is not a power of two");
}

/*
 * vaddr 0x402010 with offset 0x2018: 8 bytes apart within the page -> refused.
 * p_align 2 MiB: vaddr 0x401000 - offset 0x1000 = 0x400000, a multiple of 2 MiB -> accepted;
 * vaddr 0x501000 - 0x1000 = 0x500000 is page-congruent but not 2 MiB-congruent -> refused.
 */
static void test_congruence(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_OFFSET, 0x2018);
    assert_refused(&im, "segment 2's address 0x402010 and file offset 0x2018 differ modulo the "
                        "page size");
    good_image(&im);
    set_ph(&im, 1, PH_ALIGN, 0x200000);
    assert_accepted(&im);
    set_ph(&im, 1, PH_VADDR, 0x501000);
    assert_refused(&im, "segment 1's address 0x501000 and file offset 0x1000 differ modulo its "
                        "alignment 0x200000");
}

/*
 *   0 ........ 64 KiB | user half ..................... 0x800000000000 |
 *   LOAD 0 at 0x10000 (first allowed page)              -> accepted
 *   LOAD 0 at 0xf000                                    -> refused
 *   LOAD 2 ending exactly at the limit                  -> accepted
 *   LOAD 2 one page further                             -> refused
 *   LOAD 2 at 2^64 - 0x1000 + 0x10: vaddr + memsz wraps -> refused
 */
static void test_user_range(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 0, PH_VADDR, 0x10000);
    assert_accepted(&im);
    set_ph(&im, 0, PH_VADDR, 0xf000);
    assert_refused(&im, "segment 0 starts at 0xf000, inside the never-mapped first 64 KiB");

    good_image(&im);
    set_ph(&im, 2, PH_VADDR, USER_LIMIT - 0x3000 + 0x10);
    set_ph(&im, 2, PH_MEMSZ, 0x3000 - 0x10);
    assert_accepted(&im);
    assert_int_equal(im.plan.brk_start, USER_LIMIT);
    set_ph(&im, 2, PH_VADDR, USER_LIMIT - 0x2000 + 0x10);
    assert_refused(&im, "segment 2 (0x2ff0 bytes at 0x7fffffffe010) does not fit in the user half "
                        "(below 0x800000000000)");
    set_ph(&im, 2, PH_VADDR, 0xfffffffffffff010);
    assert_refused(&im, "segment 2 (0x2ff0 bytes at 0xfffffffffffff010) does not fit in the user "
                        "half (below 0x800000000000)");
}

/* A non-page-aligned user limit counts as its page: 0x403fff allows segments below 0x403000. */
static void test_user_limit_rounded_down(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_MEMSZ, 0xff0); /* LOAD 2 now ends at 0x403000 */
    assert_int_equal(elf_plan(im.b, im.size, 0x403fff, &im.plan, im.why, sizeof(im.why)), K_OK);
    set_ph(&im, 2, PH_MEMSZ, 0xff1);
    assert_int_equal(elf_plan(im.b, im.size, 0x403fff, &im.plan, im.why, sizeof(im.why)), K_EINVAL);
}

/* RW and RX are fine; RWX and WX are refused; no permission at all is accepted (perm 0). */
static void test_write_and_execute(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_FLAGS, ELF_PF_R | ELF_PF_W | ELF_PF_X);
    assert_refused(&im, "segment 2 is both writable and executable");
    set_ph(&im, 2, PH_FLAGS, ELF_PF_W | ELF_PF_X);
    assert_refused(&im, "segment 2 is both writable and executable");
    set_ph(&im, 2, PH_FLAGS, 0);
    assert_accepted(&im);
    assert_int_equal(im.plan.seg[2].perm, 0);
    set_ph(&im, 2, PH_FLAGS, ELF_PF_W);
    assert_accepted(&im);
    assert_int_equal(im.plan.seg[2].perm, ELF_SEG_W);
}

/*
 *   LOAD 0 [0x400000, 0x401000)  LOAD 1 [0x401000, 0x402000)
 *   LOAD 2 moved to 0x401010: pages [0x401000, 0x405000) cover LOAD 1's -> "2 overlaps 1"
 *   LOAD 2 moved to 0x3ff010: pages [0x3ff000, 0x403000), a later header at a lower address,
 *   cover both; named after the first earlier segment in header order -> "2 overlaps 0".
 *   LOAD 2 at 0x403010 leaves the page 0x402000 empty between them -> accepted.
 */
static void test_overlap(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_VADDR, 0x401010);
    assert_refused(&im, "segment 2 overlaps segment 1");
    set_ph(&im, 2, PH_VADDR, 0x3ff010);
    assert_refused(&im, "segment 2 overlaps segment 0");
    set_ph(&im, 2, PH_VADDR, 0x403010);
    assert_accepted(&im);
}

/* Two segments sharing only a page (neither byte overlaps) still overlap page-wise. */
static void test_overlap_shared_page(void **state)
{
    (void)state;
    good_image(&im);
    /* LOAD 1 shrinks to [0x401000, 0x401800); LOAD 2 starts at 0x401810 in the same page. */
    set_ph(&im, 1, PH_FILESZ, 0x800);
    set_ph(&im, 1, PH_MEMSZ, 0x800);
    set_ph(&im, 2, PH_VADDR, 0x401810);
    set_ph(&im, 2, PH_OFFSET, 0x2810);
    set_ph(&im, 2, PH_FILESZ, 0x100);
    assert_refused(&im, "segment 2 overlaps segment 1");
}

/*
 * 16 loadable segments (one page each, 0x500000 + 2*i pages, file offset 0) plus the header
 * segment = 17: the 17th (header index 16) is one too many; 16 in all are accepted.
 */
static void test_too_many_segments(void **state)
{
    (void)state;
    good_image(&im);
    /* Keep LOAD 0 (headers) and LOAD 1 (entry); LOAD 2..16 read-only pages at 0x500000+. */
    for (unsigned i = 2; i < 17; i++)
        add_ph(&im, i, ELF_PT_LOAD, ELF_PF_R, 0, 0x500000 + (uint64_t)i * 0x2000, 0x100, 0x100,
               0x1000);
    set_phnum(&im, 17);
    assert_refused(&im, "more than 16 loadable segments (segment 16 is one too many)");
    set_phnum(&im, 16);
    assert_accepted(&im);
    assert_int_equal(im.plan.nseg, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_filesz_above_memsz),
        cmocka_unit_test(test_file_range),
        cmocka_unit_test(test_align_power_of_two),
        cmocka_unit_test(test_congruence),
        cmocka_unit_test(test_user_range),
        cmocka_unit_test(test_user_limit_rounded_down),
        cmocka_unit_test(test_write_and_execute),
        cmocka_unit_test(test_overlap),
        cmocka_unit_test(test_overlap_shared_page),
        cmocka_unit_test(test_too_many_segments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
