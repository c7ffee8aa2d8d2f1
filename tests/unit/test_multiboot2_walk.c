/* SPDX-License-Identifier: 0BSD */
/*
 * mb2_parse(): the block's framing and the tag walk. Header checks (pointer, alignment,
 * total_size, extent), tag sizes, the end tag, and the names tags get in messages.
 */
#include "multiboot2_test.h"

/*
 * The end tag comes before total_size:   mmap | end | cmdline "late" | (total_size)
 * Expect the walk to stop at the end tag: the late command line is not seen, no warning.
 */
static void test_stops_at_end_tag(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag(MB2_TAG_END, NULL, 0);
    uint32_t end_off = blen - 8;
    str_tag(MB2_TAG_CMDLINE, "late");
    put32(0, blen);

    assert_int_equal(parse(), K_OK);
    assert_null(mb.cmdline);
    assert_int_equal(mb.warnings, 0);
    assert_int_equal(mb.walk_end, end_off);
}

/* Tag names for messages: known types by name, anything else "unknown". */
static void test_tag_names(void **state)
{
    (void)state;
    assert_string_equal(mb2_tag_name(MB2_TAG_MMAP), "memory map");
    assert_string_equal(mb2_tag_name(MB2_TAG_EFI_MMAP), "EFI memory map");
    assert_string_equal(mb2_tag_name(7), "unknown");
    assert_string_equal(mb2_tag_name(0xffffffff), "unknown");
}

/* No block at all (NULL). Expect K_EINVAL, "no information block". */
static void test_bad_null(void **state)
{
    (void)state;
    assert_int_equal(mb2_parse(NULL, PHYS, &mb), K_EINVAL);
    assert_true(said("mb2: no information block (NULL pointer)"));
}

/*
 * The pointer is 4 bytes off:   [....|hdr ...]   (mapping misaligned)
 * Expect K_EINVAL, "not 8-byte aligned", without reading the block.
 */
static void test_bad_misaligned_pointer(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    end_tag();
    uint8_t *buf = malloc(blen + 4);
    memcpy(buf + 4, blk, blen);
    assert_int_equal(mb2_parse(buf + 4, PHYS, &mb), K_EINVAL);
    free(buf);
    assert_true(said("is not 8-byte aligned"));
}

/* The physical address is odd (0x10004) though the mapping is aligned. Expect K_EINVAL. */
static void test_bad_misaligned_phys(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    end_tag();
    assert_int_equal(parse_at(PHYS + 4), K_EINVAL);
    assert_true(said("mb2: information block at 0x10004"));
    assert_true(said("is not 8-byte aligned"));
}

/* total_size 0:   [00000000 00000000]   Expect K_EINVAL, "total_size 0 is too small". */
static void test_bad_total_zero(void **state)
{
    (void)state;
    put32(0, 0);
    expect_fail(K_EINVAL, "mb2: total_size 0 is too small");
}

/*
 * total_size 15, one short of header + end tag:   [hdr 8][end tag 7?]
 * Expect K_EINVAL, "total_size 15 is too small".
 */
static void test_bad_total_15(void **state)
{
    (void)state;
    end_tag();
    put32(0, 15);
    blen = 15;
    expect_fail(K_EINVAL, "mb2: total_size 15 is too small");
}

/* total_size 2 MiB (over the 1 MiB cap) on a 16-byte block. Expect K_EINVAL, no read past 8. */
static void test_bad_total_too_large(void **state)
{
    (void)state;
    end_tag();
    put32(0, 2 * MiB);
    expect_fail(K_EINVAL, "mb2: total_size 2097152 is larger than the 1024 KiB limit");
}

/* The block would end past 2^64:   phys 0xffff_ffff_ffff_fff0 + 48. Expect K_EINVAL "wraps". */
static void test_bad_extent_wraps(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    end_tag();
    assert_int_equal(parse_at(0xfffffffffffffff0ull), K_EINVAL);
    assert_true(said("wraps around the address space"));
}

/*
 * A tag of size 0 (would loop forever):   hdr | [type 1, size 0] | ...
 * Expect K_EINVAL naming tag 1 at offset 0x8 and size 0.
 */
static void test_bad_tag_size_zero(void **state)
{
    (void)state;
    tag_sized(MB2_TAG_CMDLINE, 0, "x", 2);
    mmap_tag(one_map, 1, 24);
    end_tag();
    expect_fail(K_EINVAL, "mb2: tag 1 at offset 0x8 has size 0, smaller than its 8-byte header");
}

/* A tag of size 7, one byte short of its own header, after a good tag. Expect K_EINVAL. */
static void test_bad_tag_size_seven(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag_sized(99, 7, NULL, 0);
    end_tag();
    expect_fail(K_EINVAL, "mb2: tag 99 at offset 0x30 has size 7");
}

/*
 * A tag claims more than is left:   hdr | mmap | [cmdline size 0x1000] | end   (total 0x48)
 * Expect K_EINVAL, "runs past the end", naming the tag, offset and size.
 */
static void test_bad_tag_past_end(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag_sized(MB2_TAG_CMDLINE, 0x1000, "abc", 4);
    end_tag();
    expect_fail(K_EINVAL, "mb2: tag 1 at offset 0x30 of size 4096 runs past the end of the block "
                          "(total_size 72)");
}

/* A tag size of 0xffffffff (offset + size overflows 32 bits). Expect K_EINVAL, not a wrap. */
static void test_bad_tag_size_huge(void **state)
{
    (void)state;
    tag_sized(MB2_TAG_MMAP, 0xffffffff, NULL, 0);
    end_tag();
    expect_fail(K_EINVAL, "of size 4294967295 runs past the end");
}

/*
 * total_size cuts the memory map in half:   hdr | mmap (6 x 24) ... | total_size here
 * Expect K_EINVAL naming the memory map tag (type 6) at offset 0x8.
 */
static void test_bad_truncated_block(void **state)
{
    (void)state;
    mmap_tag(qemu_map, ARRAY_SIZE(qemu_map), 24);
    end_tag();
    blen = 80;
    put32(0, blen);
    expect_fail(K_EINVAL, "mb2: tag 6 at offset 0x8 of size 160 runs past the end");
}

/*
 * No end tag, the last tag ends exactly at total_size:   hdr | cmdline | mmap |
 * Expect K_OK with a warning "no end tag"; the tags before it are used.
 */
static void test_bad_no_end_tag(void **state)
{
    (void)state;
    str_tag(MB2_TAG_CMDLINE, "ro");
    mmap_tag(one_map, 1, 24);
    put32(0, blen);
    expect_warning("mb2: no end tag before the end of the block");
    assert_string_equal(mb.cmdline, "ro");
    assert_int_equal(mb2_mmap_count(&mb), 1);
}

/*
 * Seven stray bytes where the end tag should be (one short of a tag header):
 *   hdr | mmap | [7 bytes] <- total_size
 * Expect K_OK, "no end tag", and no read of those bytes as a header (ASan build).
 */
static void test_bad_partial_header_at_end(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    blen += 7;
    put32(0, blen);
    expect_warning("no end tag");
}

/* An end tag of size 16:   hdr | mmap | [0, 16] . Expect K_OK, one warning, walk stops there. */
static void test_bad_end_tag_size(void **state)
{
    (void)state;
    mmap_tag(one_map, 1, 24);
    tag_sized(MB2_TAG_END, 16, "\0\0\0\0\0\0\0", 8);
    put32(0, blen);
    expect_warning("mb2: tag 0 (end) at offset 0x30: size 16, expected 8; treated as the end");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_stops_at_end_tag),
        T(test_tag_names),
        T(test_bad_null),
        T(test_bad_misaligned_pointer),
        T(test_bad_misaligned_phys),
        T(test_bad_total_zero),
        T(test_bad_total_15),
        T(test_bad_total_too_large),
        T(test_bad_extent_wraps),
        T(test_bad_tag_size_zero),
        T(test_bad_tag_size_seven),
        T(test_bad_tag_past_end),
        T(test_bad_tag_size_huge),
        T(test_bad_truncated_block),
        T(test_bad_no_end_tag),
        T(test_bad_partial_header_at_end),
        T(test_bad_end_tag_size),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
