/* SPDX-License-Identifier: 0BSD */
/*
 * elf_plan(): the plan of a good image, the ELF-header rules, the non-loadable program headers
 * (PT_INTERP, PT_DYNAMIC, PT_GNU_STACK, PT_TLS, PT_PHDR), the entry point and where AT_PHDR
 * points. The PT_LOAD rules: test_elf_load.c.
 */
#include "elf_image.h"

static struct img im;

/* ---------------------------------------------------------------- the plan ---- */

/*
 * The good image (see elf_image.h): three segments in header order with their permissions,
 * AT_PHDR 0x400040 (inside LOAD 0, which holds file offset 64), brk above the bss at 0x406000.
 */
static void test_good_image_plan(void **state)
{
    (void)state;
    good_image(&im);
    assert_accepted(&im);
    const struct elf_plan *p = &im.plan;
    assert_int_equal(p->entry, 0x401000);
    assert_int_equal(p->nseg, 3);
    assert_int_equal(p->seg[0].vaddr, 0x400000);
    assert_int_equal(p->seg[0].perm, ELF_SEG_R);
    assert_int_equal(p->seg[1].perm, ELF_SEG_R | ELF_SEG_X);
    assert_int_equal(p->seg[1].offset, 0x1000);
    assert_int_equal(p->seg[2].vaddr, 0x402010);
    assert_int_equal(p->seg[2].offset, 0x2010);
    assert_int_equal(p->seg[2].filesz, 0x100);
    assert_int_equal(p->seg[2].memsz, 0x3000);
    assert_int_equal(p->seg[2].perm, ELF_SEG_R | ELF_SEG_W);
    assert_int_equal(p->seg[2].phindex, 2);
    assert_int_equal(p->phdr_vaddr, 0x400040);
    assert_int_equal(p->phent, 56);
    assert_int_equal(p->phnum, 4);
    assert_int_equal(p->brk_start, 0x406000);
}

/* The same image one byte into a buffer (unaligned fields) gives the same plan. */
static void test_unaligned_image(void **state)
{
    (void)state;
    good_image(&im);
    static uint8_t shifted[IMG_SIZE + 1];
    memcpy(shifted + 1, im.b, IMG_SIZE);
    struct elf_plan p;
    assert_int_equal(elf_plan(shifted + 1, IMG_SIZE, USER_LIMIT, &p, im.why, sizeof(im.why)), K_OK);
    assert_int_equal(p.entry, 0x401000);
    assert_int_equal(p.seg[2].vaddr, 0x402010);
}

/* ---------------------------------------------------------------- ELF header ---- */

/* 63 bytes cannot hold the 64-byte header; 0 bytes neither (and why_size 0 writes nothing). */
static void test_too_small(void **state)
{
    (void)state;
    good_image(&im);
    im.size = 63;
    assert_refused(&im, "file too small for an ELF header (63 bytes, 64 needed)");
    struct elf_plan p;
    char untouched[4] = "xyz";
    assert_int_equal(elf_plan(im.b, 0, USER_LIMIT, &p, untouched, 0), K_EINVAL);
    assert_string_equal(untouched, "xyz");
}

/* One wrong byte in each ident field, then e_version. */
static void test_ident(void **state)
{
    (void)state;
    good_image(&im);
    im.b[1] = 'e';
    assert_refused(&im, "not an ELF file (bad magic)");
    good_image(&im);
    im.b[4] = 1;
    assert_refused(&im, "not a 64-bit ELF file (class 1)");
    good_image(&im);
    im.b[5] = 2;
    assert_refused(&im, "not a little-endian ELF file (data encoding 2)");
    good_image(&im);
    im.b[6] = 0;
    assert_refused(&im, "unknown ELF version 0");
    good_image(&im);
    set_eh(&im, 20, 4, 2);
    assert_refused(&im, "unknown ELF version 2");
}

/* ET_DYN is a static PIE (test_elf_pie.c); ET_REL is "not an executable"; EM_386 is not x86-64. */
static void test_type_and_machine(void **state)
{
    (void)state;
    good_image(&im);
    set_eh(&im, 16, 2, ELF_ET_DYN);
    assert_accepted(&im);
    assert_true(im.plan.pie);
    set_eh(&im, 16, 2, 1);
    assert_refused(&im, "not an executable file (ELF type 1)");
    good_image(&im);
    set_eh(&im, 18, 2, 3);
    assert_refused(&im, "not an x86-64 program (machine 3)");
}

/* e_phentsize other than 56, e_phnum 0 and PN_XNUM. */
static void test_phentsize_phnum(void **state)
{
    (void)state;
    good_image(&im);
    set_eh(&im, 54, 2, 64);
    assert_refused(&im, "program headers are 64 bytes each, not 56");
    good_image(&im);
    set_phnum(&im, 0);
    assert_refused(&im, "no program headers");
    set_phnum(&im, ELF_PN_XNUM);
    assert_refused(&im, "too many program headers (extended numbering, PN_XNUM)");
}

/*
 *   file 0 ............................................ 0x3000
 *        LOAD 2's file bytes [0x2010 ............... 0x3000)  (p_filesz grown to 0xff0)
 *        table at 0x3000 - 4*56, ends exactly at the end      -> accepted, AT_PHDR 0x402f20
 *        table at 0x3000 - 4*56 + 1, one byte past             -> refused
 *        e_phoff = 2^64 - 8: offset + size overflows          -> refused, not wrapped
 */
static void test_phdr_table_in_file(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 2, PH_FILESZ, IMG_SIZE - 0x2010);
    uint64_t end = IMG_SIZE - 4 * ELF_PHDR_SIZE;
    memmove(im.b + end, im.b + PHOFF, 4 * ELF_PHDR_SIZE);
    set_eh(&im, 32, 8, end);
    assert_accepted(&im);
    assert_int_equal(im.plan.phdr_vaddr, 0x402000 + end - 0x2000);
    set_eh(&im, 32, 8, end + 1);
    assert_refused(&im, "program headers (offset 0x2f21, 4 of them) run past the end of the file "
                        "(12288 bytes)");
    set_eh(&im, 32, 8, UINT64_MAX - 7);
    assert_refused(&im, "program headers (offset 0xfffffffffffffff8, 4 of them) run past the end "
                        "of the file (12288 bytes)");
}

/*
 * elf_plan_head(): the good image (12 KiB, program headers at 64) planned from its first page
 * only gives elf_plan()'s plan; from 63 bytes, or with the headers moved past the bytes given,
 * it is refused; a PT_INTERP path past them is not quoted.
 */
static void test_plan_from_head(void **state)
{
    (void)state;
    struct elf_plan p;
    good_image(&im);
    assert_int_equal(elf_plan_head(im.b, 4096, IMG_SIZE, USER_LIMIT, &p, im.why, sizeof(im.why)),
                     K_OK);
    assert_int_equal(p.nseg, 3);
    assert_int_equal(p.seg[2].vaddr, 0x402010);
    assert_int_equal(p.phdr_vaddr, 0x400040);
    assert_int_equal(elf_plan_head(im.b, 63, IMG_SIZE, USER_LIMIT, &p, im.why, sizeof(im.why)),
                     K_EINVAL);
    assert_string_equal(im.why, "only 63 bytes of its head were read, 64 needed");
    assert_int_equal(elf_plan_head(im.b, 100, IMG_SIZE, USER_LIMIT, &p, im.why, sizeof(im.why)),
                     K_EINVAL);
    assert_string_equal(im.why, "program headers (offset 0x40, 4 of them) lie past its first 100 "
                                "bytes, all the loader reads");
    static const char ld[] = "/lib/ld.so";
    memcpy(im.b + 0x1800, ld, sizeof(ld));
    set_ph(&im, 3, PH_TYPE, ELF_PT_INTERP);
    set_ph(&im, 3, PH_OFFSET, 0x1800);
    set_ph(&im, 3, PH_FILESZ, sizeof(ld));
    assert_int_equal(elf_plan_head(im.b, 4096, IMG_SIZE, USER_LIMIT, &p, im.why, sizeof(im.why)),
                     K_EINVAL);
    assert_string_equal(im.why,
                        "segment 3 asks for a dynamic linker (PT_INTERP): link with -static");
}

/* ---------------------------------------------------------------- other headers ---- */

/*
 * A dynamically linked program: PT_INTERP anywhere is refused, named by index; so is PT_DYNAMIC
 * in a fixed-address program (a static PIE's is its own relocations: test_elf_pie.c).
 */
static void test_interp_dynamic(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 3, PH_TYPE, ELF_PT_INTERP);
    assert_refused(&im, "segment 3 asks for a dynamic linker (PT_INTERP): link with -static");
    set_eh(&im, 16, 2, ELF_ET_DYN);
    assert_refused(&im, "segment 3 asks for a dynamic linker (PT_INTERP): link with -static");
    set_eh(&im, 16, 2, ELF_ET_EXEC);
    set_ph(&im, 3, PH_TYPE, ELF_PT_DYNAMIC);
    assert_refused(&im, "segment 3 holds dynamic-linking information (PT_DYNAMIC): link with "
                        "-static -no-pie");
}

/*
 * PT_INTERP holding a path (at 0x800 of the file, NUL included), in a fixed-address and in a
 * position-independent program (what gcc and musl-gcc make without -static). Expect the path
 * named either way; a byte outside printable ASCII shown as '?'; a path past the file's end not
 * read (the sentence without a name).
 */
static void test_interp_named(void **state)
{
    (void)state;
    static const char ld[] = "/lib/ld-musl-x86_64.so.1";
    const char *named = "dynamically linked: it needs the dynamic linker /lib/ld-musl-x86_64.so.1 "
                        "(segment 3, PT_INTERP); link with -static";
    good_image(&im);
    memcpy(im.b + 0x800, ld, sizeof(ld));
    set_ph(&im, 3, PH_TYPE, ELF_PT_INTERP);
    set_ph(&im, 3, PH_OFFSET, 0x800);
    set_ph(&im, 3, PH_FILESZ, sizeof(ld));
    assert_refused(&im, named);
    set_eh(&im, 16, 2, ELF_ET_DYN);
    assert_refused(&im, named);
    im.b[0x801] = 0x01;
    assert_refused(&im, "dynamically linked: it needs the dynamic linker /?ib/ld-musl-x86_64.so.1 "
                        "(segment 3, PT_INTERP); link with -static");
    set_ph(&im, 3, PH_FILESZ, IMG_SIZE);
    assert_refused(&im, "segment 3 asks for a dynamic linker (PT_INTERP): link with -static");
}

/* GNU_STACK RW is fine (good image); RWX asks for an executable stack and is refused. */
static void test_gnu_stack(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 3, PH_FLAGS, ELF_PF_R | ELF_PF_W | ELF_PF_X);
    assert_refused(&im, "segment 3 asks for an executable stack (PT_GNU_STACK with PF_X)");
}

/* PT_TLS and unknown types are ignored, even with nonsense fields (libc reads TLS itself). */
static void test_tls_and_unknown_ignored(void **state)
{
    (void)state;
    good_image(&im);
    add_ph(&im, 3, ELF_PT_TLS, ELF_PF_R, 0xdead0000, 0x402010, 0x10, 0x8, 3);
    assert_accepted(&im);
    assert_int_equal(im.plan.nseg, 3);
    add_ph(&im, 3, 0x6474e552 /* GNU_RELRO */, ELF_PF_R, UINT64_MAX, 1, 2, 3, 5);
    assert_accepted(&im);
}

/* Only a GNU_STACK header: nothing to load. */
static void test_no_load(void **state)
{
    (void)state;
    good_image(&im);
    memmove(im.b + PHOFF, im.b + PHOFF + 3 * ELF_PHDR_SIZE, ELF_PHDR_SIZE);
    set_phnum(&im, 1);
    assert_refused(&im, "no loadable segments");
}

/*
 *   LOAD 1 (RX)  [0x401000, 0x402000)     entry 0x401fff: last byte -> accepted
 *                                         entry 0x402000: one past  -> refused
 *   LOAD 0 (R)   [0x400000, 0x401000)     entry 0x400100: not executable -> refused
 */
static void test_entry(void **state)
{
    (void)state;
    good_image(&im);
    set_eh(&im, 24, 8, 0x401fff);
    assert_accepted(&im);
    set_eh(&im, 24, 8, 0x402000);
    assert_refused(&im, "entry point 0x402000 is not inside an executable segment");
    set_eh(&im, 24, 8, 0x400100);
    assert_refused(&im, "entry point 0x400100 is not inside an executable segment");
}

/*
 * PT_PHDR at index 3, offset 64, vaddr 0x400040 (where LOAD 0 puts offset 64) -> AT_PHDR there.
 * vaddr 0x400048 (not where the table is), or offset 72 (not e_phoff) -> refused.
 */
static void test_pt_phdr(void **state)
{
    (void)state;
    good_image(&im);
    add_ph(&im, 3, ELF_PT_PHDR, ELF_PF_R, PHOFF, 0x400040, 4 * 56, 4 * 56, 8);
    assert_accepted(&im);
    assert_int_equal(im.plan.phdr_vaddr, 0x400040);
    set_ph(&im, 3, PH_VADDR, 0x400048);
    assert_refused(&im, "segment 3 (PT_PHDR) does not point at the program headers inside a "
                        "loadable segment");
    set_ph(&im, 3, PH_VADDR, 0x400040);
    set_ph(&im, 3, PH_OFFSET, PHOFF + 8);
    assert_refused(&im, "segment 3 (PT_PHDR) does not point at the program headers inside a "
                        "loadable segment");
}

/*
 * Without PT_PHDR the table must be inside some PT_LOAD's file bytes: LOAD 0 with p_filesz 64
 * holds only the ELF header (p_memsz stays 0x1000: zero-filled memory is no copy of it).
 */
static void test_phdrs_not_loaded(void **state)
{
    (void)state;
    good_image(&im);
    set_ph(&im, 0, PH_FILESZ, 64 + 4 * 56 - 1);
    assert_refused(&im, "the program headers are not inside any loadable segment (needed for "
                        "AT_PHDR)");
    set_ph(&im, 0, PH_FILESZ, 64 + 4 * 56);
    assert_accepted(&im);
}

/* A message never overruns why: a 16-byte buffer gets a truncated, terminated sentence. */
static void test_why_truncated(void **state)
{
    (void)state;
    good_image(&im);
    im.b[0] = 0;
    char why[16];
    memset(why, 'x', sizeof(why));
    assert_int_equal(elf_plan(im.b, im.size, USER_LIMIT, &im.plan, why, sizeof(why)), K_EINVAL);
    assert_string_equal(why, "not an ELF file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_image_plan),
        cmocka_unit_test(test_unaligned_image),
        cmocka_unit_test(test_too_small),
        cmocka_unit_test(test_ident),
        cmocka_unit_test(test_type_and_machine),
        cmocka_unit_test(test_phentsize_phnum),
        cmocka_unit_test(test_phdr_table_in_file),
        cmocka_unit_test(test_plan_from_head),
        cmocka_unit_test(test_interp_dynamic),
        cmocka_unit_test(test_interp_named),
        cmocka_unit_test(test_gnu_stack),
        cmocka_unit_test(test_tls_and_unknown_ignored),
        cmocka_unit_test(test_no_load),
        cmocka_unit_test(test_entry),
        cmocka_unit_test(test_pt_phdr),
        cmocka_unit_test(test_phdrs_not_loaded),
        cmocka_unit_test(test_why_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
