/* SPDX-License-Identifier: 0BSD */
/*
 * Static PIE (ET_DYN without PT_INTERP): elf_plan() at link-time addresses from 0, the span rule,
 * PT_DYNAMIC allowed, the alignment the base must keep; elf_pie_base()'s range; elf_plan_place()
 * moving every address and checking where the program lands.
 */
#include "elf_image.h"

static struct img im;

/*
 * The good image linked at 0 as gcc -static-pie links it:
 *   header  LOAD 0  R   at 0x0      code  LOAD 1  RX  at 0x1000  entry 0x1000
 *   data    LOAD 2  RW  at 0x2010 (bss to 0x5010)   3  PT_DYNAMIC inside the data
 */
static void pie_image(struct img *m)
{
    good_image(m);
    set_eh(m, 16, 2, ELF_ET_DYN);
    set_eh(m, 24, 8, 0x1000);
    set_ph(m, 0, PH_VADDR, 0);
    set_ph(m, 1, PH_VADDR, 0x1000);
    set_ph(m, 2, PH_VADDR, 0x2010);
    add_ph(m, 3, ELF_PT_DYNAMIC, ELF_PF_R | ELF_PF_W, 0x2010, 0x2010, 0x100, 0x100, 8);
}

/* Expect the link-time plan (pie, page alignment, base 0), below the 64 KiB an ET_EXEC needs. */
static void test_pie_plan(void **state)
{
    (void)state;
    pie_image(&im);
    assert_accepted(&im);
    assert_true(im.plan.pie);
    assert_int_equal(im.plan.align, 0x1000);
    assert_int_equal(im.plan.base, 0);
    assert_int_equal(im.plan.entry, 0x1000);
    assert_int_equal(im.plan.phdr_vaddr, 0x40);
    assert_int_equal(im.plan.seg[2].vaddr, 0x2010);
    assert_int_equal(im.plan.brk_start, 0x6000);
    /* The same layout as ET_EXEC is refused: its first page is inside the first 64 KiB. */
    set_eh(&im, 16, 2, ELF_ET_EXEC);
    set_ph(&im, 3, PH_TYPE, ELF_PT_GNU_STACK);
    assert_refused(&im, "segment 0 starts at 0x0, inside the never-mapped first 64 KiB");
}

/* Placed at 0x555555560000: every address moves by the base; AT_PHDR inside segment 0. */
static void test_pie_place(void **state)
{
    (void)state;
    pie_image(&im);
    assert_accepted(&im);
    assert_int_equal(elf_plan_place(&im.plan, 0x555555560000, USER_LIMIT, im.why, sizeof(im.why)),
                     K_OK);
    assert_int_equal(im.plan.base, 0x555555560000);
    assert_int_equal(im.plan.entry, 0x555555561000);
    assert_int_equal(im.plan.phdr_vaddr, 0x555555560040);
    assert_int_equal(im.plan.seg[0].vaddr, 0x555555560000);
    assert_int_equal(im.plan.seg[2].vaddr, 0x555555562010);
    assert_int_equal(im.plan.seg[2].offset, 0x2010);
    assert_int_equal(im.plan.brk_start, 0x555555566000);
}

/*
 * Where it may not go: a base not a multiple of its alignment (here 2 MiB), so high that an
 * address could wrap, so low that a page is inside the first 64 KiB, so high that the last page
 * passes the user limit; an ET_EXEC anywhere but where it was linked.
 */
static void test_pie_place_refused(void **state)
{
    (void)state;
    pie_image(&im);
    set_ph(&im, 1, PH_ALIGN, 0x200000);
    assert_accepted(&im);
    assert_int_equal(im.plan.align, 0x200000);
    struct elf_plan saved = im.plan;
    assert_int_equal(elf_plan_place(&im.plan, 0x1000, USER_LIMIT, im.why, sizeof(im.why)),
                     K_EINVAL);
    assert_string_equal(im.why, "cannot be loaded at 0x1000");
    im.plan = saved;
    assert_int_equal(
        elf_plan_place(&im.plan, 0xffffff0000000000, USER_LIMIT, im.why, sizeof(im.why)), K_EINVAL);
    assert_string_equal(im.why, "cannot be loaded at 0xffffff0000000000");
    im.plan = saved;
    assert_int_equal(elf_plan_place(&im.plan, 0, USER_LIMIT, im.why, sizeof(im.why)), K_EINVAL);
    assert_string_equal(im.why, "segment 0 starts at 0x0, inside the never-mapped first 64 KiB");
    pie_image(&im);
    assert_accepted(&im);
    saved = im.plan;
    assert_int_equal(
        elf_plan_place(&im.plan, USER_LIMIT - 0x6000, USER_LIMIT, im.why, sizeof(im.why)), K_OK);
    im.plan = saved;
    assert_int_equal(
        elf_plan_place(&im.plan, USER_LIMIT - 0x5000, USER_LIMIT, im.why, sizeof(im.why)),
        K_EINVAL);
    assert_string_equal(im.why, "segment 2 (0x3000 bytes at 0x7fffffffd010) does not fit in the "
                                "user half (below 0x800000000000)");
    good_image(&im);
    assert_accepted(&im);
    assert_int_equal(elf_plan_place(&im.plan, 0x200000, USER_LIMIT, im.why, sizeof(im.why)),
                     K_EINVAL);
    assert_string_equal(im.why, "cannot be loaded at 0x200000");
    good_image(&im);
    assert_accepted(&im);
    assert_int_equal(elf_plan_place(&im.plan, 0, USER_LIMIT, im.why, sizeof(im.why)), K_OK);
    assert_int_equal(im.plan.entry, 0x401000);
}

/* A segment reaching past 1 TiB of link-time addresses is refused; one ending at it is not. */
static void test_pie_span(void **state)
{
    (void)state;
    pie_image(&im);
    set_ph(&im, 2, PH_MEMSZ, ELF_PIE_SPAN_MAX - 0x2010);
    assert_accepted(&im);
    set_ph(&im, 2, PH_MEMSZ, ELF_PIE_SPAN_MAX - 0x2010 + 1);
    assert_refused(&im, "segment 2 (0xffffffdff1 bytes at 0x2010) does not fit in a "
                        "position-independent program's 1 TiB");
}

/*
 * elf_pie_base(): ELF_ET_DYN_BASE plus (random mod 2^28) pages, rounded down to the alignment.
 * Expect the lowest and highest bases, the random bits above 28 ignored, 2 MiB rounding.
 */
static void test_pie_base(void **state)
{
    (void)state;
    pie_image(&im);
    assert_accepted(&im);
    assert_int_equal(elf_pie_base(&im.plan, 0), ELF_ET_DYN_BASE);
    assert_int_equal(elf_pie_base(&im.plan, ELF_PIE_RANDOM_PAGES - 1),
                     ELF_ET_DYN_BASE + (ELF_PIE_RANDOM_PAGES - 1) * 0x1000);
    assert_int_equal(elf_pie_base(&im.plan, ELF_PIE_RANDOM_PAGES + 5), ELF_ET_DYN_BASE + 0x5000);
    im.plan.align = 0x200000;
    assert_int_equal(elf_pie_base(&im.plan, 0), 0x555555400000);
    /* The highest base plus the largest span still ends inside the user half. */
    assert_true(ELF_ET_DYN_BASE + ELF_PIE_RANDOM_PAGES * 0x1000 + ELF_PIE_SPAN_MAX < USER_LIMIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pie_plan),          cmocka_unit_test(test_pie_place),
        cmocka_unit_test(test_pie_place_refused), cmocka_unit_test(test_pie_span),
        cmocka_unit_test(test_pie_base),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
