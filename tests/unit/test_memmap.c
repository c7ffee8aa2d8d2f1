/* SPDX-License-Identifier: 0BSD */
/*
 * The memory-map sanitizer: overlaps of every shape, rounding, clipping at the address width,
 * ACPI kinds, long maps that make the list grow, reading the map from a multiboot2 block, the
 * carve-outs and the printed table.
 *
 * Drawings show raw entries as name[base-end) in the units the test uses (K = KiB, M = MiB,
 * G = GiB) and the resulting list as |tag base-end|. Tags: free, fw (firmware), bad, recl
 * (ACPI reclaimable), nvs (ACPI NVS), plus the carve-out owners.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "host_support.h"
#include <frame64/error.h>
#include <frame64/memmap.h>
#include <frame64/multiboot2.h>

#define K    KiB
#define M    MiB
#define G    GiB
#define AV   MEMMAP_AVAILABLE
#define RES  MEMMAP_RESERVED
#define RECL MEMMAP_ACPI_RECLAIM
#define NVS  MEMMAP_ACPI_NVS
#define BADM MEMMAP_BAD
#define F    REGION_FREE
#define FW   REGION_FIRMWARE

static struct region storage[64];
static struct region_list L;

static int setup(void **state)
{
    (void)state;
    region_init(&L, "memmap", storage, ARRAY_SIZE(storage));
    kprintf_reset();
    return 0;
}

#define E(b, e, t)                                                                                 \
    {                                                                                              \
        .base = (b), .end = (e), .tag = (t)                                                        \
    }

static void expect_list(const struct region *want, size_t n, int line)
{
    bool same = region_check(&L) && L.count == n;
    for (size_t i = 0; same && i < n; i++)
        same = L.regions[i].base == want[i].base && L.regions[i].end == want[i].end &&
               L.regions[i].tag == want[i].tag;
    if (!same) {
        print_message("line %d: the list is:\n", line);
        for (size_t i = 0; i < L.count; i++)
            print_message("  [%#llx, %#llx) %s\n", (unsigned long long)L.regions[i].base,
                          (unsigned long long)L.regions[i].end, region_tag_name(L.regions[i].tag));
        fail_msg("line %d: list differs from the expected %zu entries", line, n);
    }
}

#define EXPECT(...)                                                                                \
    do {                                                                                           \
        const struct region want_[] = {__VA_ARGS__};                                               \
        expect_list(want_, ARRAY_SIZE(want_), __LINE__);                                           \
    } while (0)

/* Sanitizes the entries given inline at 48-bit physical addresses; asserts K_OK. */
#define ADD(...)                                                                                   \
    do {                                                                                           \
        const struct memmap_entry in_[] = {__VA_ARGS__};                                           \
        assert_int_equal(memmap_add_entries(&L, in_, ARRAY_SIZE(in_), 48), K_OK);                  \
    } while (0)

static void expect_said(const char *s)
{
    if (!strstr(kprintf_output(), s))
        fail_msg("expected \"%s\" in:\n%s", s, kprintf_output());
}

static void expect_silent(void)
{
    if (kprintf_output()[0])
        fail_msg("expected no message, got:\n%s", kprintf_output());
}

/* ---- policy: overlaps, order, rounding, clipping ---- */

/*
 * QEMU's BIOS map, 128 MiB:
 *   av[0-639K) res[639K-640K) res[960K-1M) av[1M-128M-128K) res[128M-128K-128M) res[4G-256K-4G)
 * Expect |free 0-636K|fw 636K-640K| |fw 960K-1M|free 1M-127.875M|fw -128M| ... |fw 4G-256K-4G|
 * and one line: entry 0 not page aligned, trimmed.
 */
static void test_qemu_bios_map(void **state)
{
    (void)state;
    ADD({0, 0x9fc00, AV}, {0x9fc00, 0x400, RES}, {0xf0000, 0x10000, RES}, {0x100000, 0x7ee0000, AV},
        {0x7fe0000, 0x20000, RES}, {0xfffc0000, 0x40000, RES});
    EXPECT(E(0, 0x9f000, F), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x7fe0000, F), E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
    expect_said("memmap: entry 0 [0x0, 0x9fc00) available: not page aligned; trimmed to [0x0, "
                "0x9f000)\n");
    assert_int_equal(region_total(&L, F), 0x9f000 + 0x7ee0000);
}

/*
 * A reserved entry contained in an available one:
 *   av [0-16M)
 *   res      [4M-5M)
 * Expect |free 0-4M|fw 4M-5M|free 5M-16M| and "loses 1 MiB" for the available entry.
 */
static void test_overlap_contained(void **state)
{
    (void)state;
    ADD({0, 16 * M, AV}, {4 * M, 1 * M, RES});
    EXPECT(E(0, 4 * M, F), E(4 * M, 5 * M, FW), E(5 * M, 16 * M, F));
    expect_said("entry 0 [0x0, 0x1000000) available: loses 1 MiB to more restrictive entries");
}

/*
 * An available entry inside a reserved one (the reserved one contains it):
 *   res [0-16M)
 *   av       [4M-5M)
 * Expect |fw 0-16M| only: the available entry loses all of it.
 */
static void test_overlap_containing(void **state)
{
    (void)state;
    ADD({4 * M, 1 * M, AV}, {0, 16 * M, RES});
    EXPECT(E(0, 16 * M, FW));
    expect_said("entry 0 [0x400000, 0x500000) available: loses 1 MiB");
    assert_int_equal(region_total(&L, F), 0);
}

/*
 * Partial overlap on the left of the available entry:
 *   res [2M----5M)
 *   av      [4M------8M)
 * Expect |fw 2M-5M|free 5M-8M|.
 */
static void test_overlap_partial_left(void **state)
{
    (void)state;
    ADD({4 * M, 4 * M, AV}, {2 * M, 3 * M, RES});
    EXPECT(E(2 * M, 5 * M, FW), E(5 * M, 8 * M, F));
}

/*
 * Partial overlap on the right:
 *   av  [4M------8M)
 *   res       [7M-----10M)
 * Expect |free 4M-7M|fw 7M-10M|.
 */
static void test_overlap_partial_right(void **state)
{
    (void)state;
    ADD({4 * M, 4 * M, AV}, {7 * M, 3 * M, RES});
    EXPECT(E(4 * M, 7 * M, F), E(7 * M, 10 * M, FW));
}

/*
 * Identical ranges of two kinds, and an identical duplicate:
 *   av [4M-8M)  res [4M-8M)      av [16M-20M) av [16M-20M)
 * Expect |fw 4M-8M| |free 16M-20M|; the duplicate loses nothing, so only entry 0 is logged.
 */
static void test_overlap_identical_and_duplicate(void **state)
{
    (void)state;
    ADD({4 * M, 4 * M, AV}, {4 * M, 4 * M, RES}, {16 * M, 4 * M, AV}, {16 * M, 4 * M, AV});
    EXPECT(E(4 * M, 8 * M, FW), E(16 * M, 20 * M, F));
    expect_said("entry 0 [0x400000, 0x800000) available: loses 4 MiB");
    assert_null(strstr(kprintf_output(), "entry 2"));
    assert_null(strstr(kprintf_output(), "entry 3"));
}

/*
 * Touching entries:
 *   av [0-4M) res [4M-8M) av [8M-12M) av [12M-16M)
 * Expect the boundaries kept exactly, the last two merged: |free 0-4M|fw 4M-8M|free 8M-16M|,
 * and no message (nothing lost).
 */
static void test_touching(void **state)
{
    (void)state;
    ADD({0, 4 * M, AV}, {4 * M, 4 * M, RES}, {8 * M, 4 * M, AV}, {12 * M, 4 * M, AV});
    EXPECT(E(0, 4 * M, F), E(4 * M, 8 * M, FW), E(8 * M, 16 * M, F));
    expect_silent();
}

/*
 * The same map as test_qemu_bios_map, unsorted and with entries repeated:
 *   res[4G-256K) av[1M-) res[960K) av[0-) res[128M-128K) res[639K) av[1M-) res[960K)
 * Expect the same list as the sorted map.
 */
static void test_unsorted_duplicated(void **state)
{
    (void)state;
    ADD({0xfffc0000, 0x40000, RES}, {0x100000, 0x7ee0000, AV}, {0xf0000, 0x10000, RES},
        {0, 0x9fc00, AV}, {0x7fe0000, 0x20000, RES}, {0x9fc00, 0x400, RES},
        {0x100000, 0x7ee0000, AV}, {0xf0000, 0x10000, RES});
    EXPECT(E(0, 0x9f000, F), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x7fe0000, F), E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
}

/*
 * Zero-length entries of each kind between real ones:
 *   av[1M, len 0)  res[2M, len 0)  av [4M-8M)
 * Expect only |free 4M-8M|, and "zero length; dropped" for entries 0 and 1.
 */
static void test_zero_length(void **state)
{
    (void)state;
    ADD({1 * M, 0, AV}, {2 * M, 0, RES}, {4 * M, 4 * M, AV});
    EXPECT(E(4 * M, 8 * M, F));
    expect_said("memmap: entry 0 [0x100000, 0x100000) available: zero length; dropped");
    expect_said("memmap: entry 1 [0x200000, 0x200000) reserved: zero length; dropped");
}

/*
 * Unaligned ranges: available rounds inward, reserved outward.
 *   av  [0x1234-0x5678)          -> [0x2000-0x5000)
 *   res [0x11234-0x15678)        -> [0x11000-0x16000)
 *   av  [0x20800-0x21800) (< a page once rounded inward) -> dropped
 * Expect |free 0x2000-0x5000| |fw 0x11000-0x16000|, the trim and the drop logged.
 */
static void test_unaligned_rounding(void **state)
{
    (void)state;
    ADD({0x1234, 0x4444, AV}, {0x11234, 0x4444, RES}, {0x20800, 0x1000, AV});
    EXPECT(E(0x2000, 0x5000, F), E(0x11000, 0x16000, FW));
    expect_said("entry 0 [0x1234, 0x5678) available: not page aligned; trimmed to [0x2000, "
                "0x5000)");
    expect_said("entry 2 [0x20800, 0x21800) available: less than a page once aligned inward; "
                "dropped");
}

/*
 * A reserved sliver inside an aligned available range takes its whole page:
 *   av  [0-0x3000)
 *   res      [0x1800-0x1900)
 * Expect |free 0-0x1000|fw 0x1000-0x2000|free 0x2000-0x3000|.
 */
static void test_partial_page_goes_reserved(void **state)
{
    (void)state;
    ADD({0, 0x3000, AV}, {0x1800, 0x100, RES});
    EXPECT(E(0, 0x1000, F), E(0x1000, 0x2000, FW), E(0x2000, 0x3000, F));
}

/*
 * Clipping at a 36-bit address width (64 GiB):
 *   av [60G-70G) crosses 64G      res [100G-101G) above     av [1M-2M) below
 * Expect |free 1M-2M| |free 60G-64G|; the crossing entry trimmed, the one above dropped.
 */
static void test_above_address_width(void **state)
{
    (void)state;
    const struct memmap_entry in[] = {
        {60 * G, 10 * G, AV}, {100 * G, 1 * G, RES}, {1 * M, 1 * M, AV}};
    assert_int_equal(memmap_add_entries(&L, in, 3, 36), K_OK);
    EXPECT(E(1 * M, 2 * M, F), E(60 * G, 64 * G, F));
    expect_said("entry 0 [0xf00000000, 0x1180000000) available: crosses the 36-bit address "
                "width; trimmed to [0xf00000000, 0x1000000000)");
    expect_said("entry 1 [0x1900000000, 0x1940000000) reserved: above the 36-bit address width; "
                "dropped");
}

/*
 * QEMU's reserved hole below 1 TiB, with RAM above it:
 *   av [0-2G)   res [0xfd00000000-0x10000000000)   av [1T-1T+4G)
 * 40 bits: the hole ends exactly at 2^40 and is kept whole; the RAM above is dropped.
 * 48 bits: both kept.   36 bits: both dropped.
 */
static void test_qemu_1tib_hole(void **state)
{
    (void)state;
    const struct memmap_entry in[] = {
        {0, 2 * G, AV}, {0xfd00000000, 0x300000000, RES}, {0x10000000000, 4 * G, AV}};
    assert_int_equal(memmap_add_entries(&L, in, 3, 40), K_OK);
    EXPECT(E(0, 2 * G, F), E(0xfd00000000, 0x10000000000, FW));
    expect_said("entry 2 [0x10000000000, 0x10100000000) available: above the 40-bit address "
                "width; dropped");
    assert_null(strstr(kprintf_output(), "entry 1"));

    setup(NULL);
    assert_int_equal(memmap_add_entries(&L, in, 3, 48), K_OK);
    EXPECT(E(0, 2 * G, F), E(0xfd00000000, 0x10000000000, FW), E(0x10000000000, 0x10100000000, F));
    expect_silent();

    setup(NULL);
    assert_int_equal(memmap_add_entries(&L, in, 3, 36), K_OK);
    EXPECT(E(0, 2 * G, F));
    expect_said("entry 1 [0xfd00000000, 0x10000000000) reserved: above the 36-bit");
}

/*
 * Lengths that run past 2^64:
 *   av [1M, len UINT64_MAX)    res [2^64-4K, len 8K)
 * Expect the first clamped and trimmed at 2^48: |free 1M-256T|; the second dropped; no wrap.
 */
static void test_length_wraps(void **state)
{
    (void)state;
    ADD({1 * M, UINT64_MAX, AV}, {0xfffffffffffff000, 0x2000, RES});
    EXPECT(E(1 * M, 1ull << 48, F));
    expect_said("entry 1 [0xfffffffffffff000, 0xffffffffffffffff) reserved: above the 48-bit");
}

/*
 * ACPI kinds, bad memory and unknown types inside RAM:
 *   av [0-32M)
 *       recl[1M-2M) nvs[2M-3M) bad[3M-4M) type7[4M-5M) type0[5M-6M)
 *       recl[8M-10M) overlapped by nvs[9M-11M)   bad[12M-13M) overlapped by res[12M-14M)
 * Expect each kind with its own tag, unknown types as firmware, NVS over reclaimable,
 * bad over reserved:
 *   |free|recl 1-2|nvs 2-3|bad 3-4|fw 4-6|free|recl 8-9|nvs 9-11|free|bad 12-13|fw 13-14|free|
 */
static void test_acpi_bad_unknown(void **state)
{
    (void)state;
    ADD({0, 32 * M, AV}, {1 * M, 1 * M, RECL}, {2 * M, 1 * M, NVS}, {3 * M, 1 * M, BADM},
        {4 * M, 1 * M, 7}, {5 * M, 1 * M, 0}, {8 * M, 2 * M, RECL}, {9 * M, 2 * M, NVS},
        {12 * M, 1 * M, BADM}, {12 * M, 2 * M, RES});
    EXPECT(E(0, 1 * M, F), E(1 * M, 2 * M, REGION_ACPI_RECLAIM), E(2 * M, 3 * M, REGION_ACPI_NVS),
           E(3 * M, 4 * M, REGION_BAD), E(4 * M, 6 * M, FW), E(6 * M, 8 * M, F),
           E(8 * M, 9 * M, REGION_ACPI_RECLAIM), E(9 * M, 11 * M, REGION_ACPI_NVS),
           E(11 * M, 12 * M, F), E(12 * M, 13 * M, REGION_BAD), E(13 * M, 14 * M, FW),
           E(14 * M, 32 * M, F));
    expect_said("entry 6 [0x800000, 0xa00000) ACPI reclaimable: loses 1 MiB");
    expect_said("entry 9 [0xc00000, 0xe00000) reserved: loses 1 MiB");
}

/*
 * Five nested entries, least restrictive outermost:
 *   av [0---------------------------10M)
 *   recl  [1M-------------------9M)
 *   nvs      [2M-------------8M)
 *   res         [3M-------7M)
 *   bad            [4M-6M)
 * Expect the innermost (most restrictive) kind at every depth.
 */
static void test_precedence_chain(void **state)
{
    (void)state;
    ADD({4 * M, 2 * M, BADM}, {0, 10 * M, AV}, {2 * M, 6 * M, NVS}, {3 * M, 4 * M, RES},
        {1 * M, 8 * M, RECL});
    EXPECT(E(0, 1 * M, F), E(1 * M, 2 * M, REGION_ACPI_RECLAIM), E(2 * M, 3 * M, REGION_ACPI_NVS),
           E(3 * M, 4 * M, FW), E(4 * M, 6 * M, REGION_BAD), E(6 * M, 7 * M, FW),
           E(7 * M, 8 * M, REGION_ACPI_NVS), E(8 * M, 9 * M, REGION_ACPI_RECLAIM),
           E(9 * M, 10 * M, F));
}

/* A physical address width outside [32, 52]. Expect K_EINVAL and the list untouched. */
static void test_bad_phys_bits(void **state)
{
    (void)state;
    const struct memmap_entry in[] = {{0, 16 * M, AV}};
    assert_int_equal(memmap_add_entries(&L, in, 1, 31), K_EINVAL);
    assert_int_equal(memmap_add_entries(&L, in, 1, 53), K_EINVAL);
    assert_int_equal(L.count, 0);
    expect_said("memmap: physical address width of 31 bits is outside [32, 52]");
}

/*
 * Twenty zero-length entries then one good one.
 * Expect 16 lines, then "4 more entries trimmed or dropped (not shown)", and the good one added.
 */
static void test_log_cap(void **state)
{
    (void)state;
    struct memmap_entry in[21];
    for (int i = 0; i < 20; i++)
        in[i] = (struct memmap_entry){(uint64_t)i * M, 0, AV};
    in[20] = (struct memmap_entry){32 * M, 1 * M, AV};
    assert_int_equal(memmap_add_entries(&L, in, 21, 48), K_OK);
    EXPECT(E(32 * M, 33 * M, F));
    expect_said("entry 15 [0xf00000, 0xf00000) available: zero length");
    assert_null(strstr(kprintf_output(), "entry 16 "));
    expect_said("memmap: 4 more entries trimmed or dropped (not shown)\n");
}

/* ---- long maps and growth ---- */

static struct region small[32];

/*
 * 545 entries, given highest first, on a list of 32 that may grow below 256M:
 *   av[256K-384K) res[384K-388K) av[512K-640K) res[640K-644K) ... av[520*256K-) (520 av, 20 res)
 *   recl/nvs at 200M.. (5 entries)
 * Expect K_OK, the list grown (storage taken from a free range, tagged meta), every available
 * page free or meta, every reserved page firmware, free + meta == 520 x 128 KiB.
 */
static void test_many_entries_grow(void **state)
{
    (void)state;
    enum { NAV = 520, NRES = 20, NACPI = 5, N = NAV + NRES + NACPI };
    static struct memmap_entry in[N];
    size_t n = 0;
    for (int i = NACPI - 1; i >= 0; i--)
        in[n++] = (struct memmap_entry){200 * M + (uint64_t)i * M, 64 * K, i % 2 ? NVS : RECL};
    for (int i = NAV; i >= 1; i--) {
        in[n++] = (struct memmap_entry){(uint64_t)i * 256 * K, 128 * K, AV};
        if (i <= NRES)
            in[n++] = (struct memmap_entry){(uint64_t)i * 256 * K + 128 * K, 4 * K, RES};
    }
    assert_int_equal(n, N);
    arena_create(256 * M);
    region_init(&L, "memmap", small, ARRAY_SIZE(small));
    region_set_grow_limit(&L, 256 * M);

    assert_int_equal(memmap_add_entries(&L, in, N, 40), K_OK);
    assert_true(region_check(&L));
    assert_int_not_equal(L.storage, 0);
    assert_true(L.capacity >= NAV + NRES + NACPI);
    for (size_t i = 0; i < N; i++) {
        for (phys_addr_t pa = in[i].base; pa < in[i].base + in[i].len; pa += PAGE_SIZE) {
            const struct region *r = region_lookup(&L, pa);
            assert_non_null(r);
            if (in[i].type == AV)
                assert_true(r->tag == F || r->tag == REGION_META);
            else if (in[i].type == RES)
                assert_int_equal(r->tag, FW);
            else
                assert_int_equal(r->tag, in[i].type == NVS ? REGION_ACPI_NVS : REGION_ACPI_RECLAIM);
        }
    }
    assert_int_equal(region_total(&L, F) + region_total(&L, REGION_META), NAV * 128 * K);
}

/*
 * More restrictive ranges than the static list holds, growth on: 12 separate reserved entries,
 * a list of 8. Growth needs free memory and none exists while restrictions are painted.
 * Expect K_ENOMEM and "the map does not fit".
 */
static void test_restrictive_overflow(void **state)
{
    (void)state;
    struct memmap_entry in[13];
    for (int i = 0; i < 12; i++)
        in[i] = (struct memmap_entry){(uint64_t)(2 * i + 1) * M, 4 * K, RES};
    in[12] = (struct memmap_entry){0, 64 * M, AV};
    arena_create(64 * M);
    region_init(&L, "memmap", small, 8);
    region_set_grow_limit(&L, 64 * M);
    assert_int_equal(memmap_add_entries(&L, in, 13, 40), K_ENOMEM);
    expect_said("memmap: the map does not fit in memmap (");
    assert_true(region_check(&L));
}

/* ---- reading the map from a multiboot2 block ---- */

static uint8_t blk[8192] __attribute__((aligned(8)));
static uint32_t blen;
static struct mb2_info mb;

static void blk_tag(uint32_t type, const void *p, uint32_t plen)
{
    uint32_t hdr[2] = {type, 8 + plen};
    memcpy(blk + blen, hdr, 8);
    if (plen)
        memcpy(blk + blen + 8, p, plen);
    blen += (uint32_t)ALIGN_UP(8 + plen, 8);
}

static void blk_mmap(const struct memmap_entry *e, size_t n)
{
    uint8_t p[1024] = {0};
    uint32_t hdr[2] = {24, 0};
    memcpy(p, hdr, 8);
    for (size_t i = 0; i < n; i++) {
        memcpy(p + 8 + i * 24, &e[i].base, 8);
        memcpy(p + 16 + i * 24, &e[i].len, 8);
        memcpy(p + 24 + i * 24, &e[i].type, 4);
    }
    blk_tag(MB2_TAG_MMAP, p, 8 + (uint32_t)n * 24);
}

static void blk_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[64];
    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    strcpy((char *)p + 8, s);
    blk_tag(MB2_TAG_MODULE, p, 8 + (uint32_t)strlen(s) + 1);
}

/* Ends the block and parses it as if it lay at phys. */
static void blk_parse(phys_addr_t phys)
{
    blk_tag(MB2_TAG_END, NULL, 0);
    memcpy(blk, &blen, 4);
    assert_int_equal(mb2_parse(blk, phys, &mb), K_OK);
}

static const struct memmap_entry qemu[] = {{0, 0x9fc00, AV},          {0x9fc00, 0x400, RES},
                                           {0xf0000, 0x10000, RES},   {0x100000, 0x7ee0000, AV},
                                           {0x7fe0000, 0x20000, RES}, {0xfffc0000, 0x40000, RES}};

/*
 * memmap_sanitize() on a GRUB-like block: cmdline | mmap (QEMU, 6 entries) | end.
 * Expect the same list as memmap_add_entries() on the raw entries, and the source announced.
 */
static void test_sanitize_from_block(void **state)
{
    (void)state;
    blen = 8;
    blk_tag(MB2_TAG_CMDLINE, "debug", 6);
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_parse(0x300000);
    assert_int_equal(memmap_sanitize(&L, &mb, 40), K_OK);
    EXPECT(E(0, 0x9f000, F), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x7fe0000, F), E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
    expect_said("memmap: 6 entries from the multiboot2 memory map, 40-bit physical addresses");
}

/*
 * memmap_sanitize() on a UEFI block with only an EFI map (descriptor_size 48):
 *   BS code[0-4K) conventional[4K-640K) RT data[640K-644K) loader[1M-2M) ACPI NVS[2M-2M+16K)
 * Expect |free 0-640K|fw 640K-644K| |free 1M-2M|nvs 2M-2M+16K|.
 */
static void test_sanitize_efi_block(void **state)
{
    (void)state;
    const uint32_t t[] = {MB2_EFI_BS_CODE, MB2_EFI_CONVENTIONAL, MB2_EFI_RT_DATA,
                          MB2_EFI_LOADER_CODE, MB2_EFI_ACPI_NVS};
    const uint64_t base[] = {0, 4 * K, 640 * K, 1 * M, 2 * M}, pages[] = {1, 159, 1, 256, 4};
    uint8_t p[8 + 5 * 48] = {0};
    uint32_t hdr[2] = {48, 1};
    memcpy(p, hdr, 8);
    for (int i = 0; i < 5; i++) {
        memcpy(p + 8 + i * 48, &t[i], 4);
        memcpy(p + 8 + i * 48 + 8, &base[i], 8);
        memcpy(p + 8 + i * 48 + 24, &pages[i], 8);
    }
    blen = 8;
    blk_tag(MB2_TAG_EFI_MMAP, p, sizeof(p));
    blk_parse(0x300000);
    assert_int_equal(memmap_sanitize(&L, &mb, 48), K_OK);
    EXPECT(E(0, 640 * K, F), E(640 * K, 644 * K, FW), E(1 * M, 2 * M, F),
           E(2 * M, 2 * M + 16 * K, REGION_ACPI_NVS));
    expect_said("memmap: 5 entries from the EFI memory map");
}

/* memmap_sanitize() with no map (a zeroed mb2_info). Expect K_ENOENT and its message. */
static void test_sanitize_no_map(void **state)
{
    (void)state;
    memset(&mb, 0, sizeof(mb));
    assert_int_equal(memmap_sanitize(&L, &mb, 40), K_ENOENT);
    assert_int_equal(memmap_sanitize(&L, NULL, 40), K_ENOENT);
    expect_said("memmap: no memory map to sanitize");
}

/* ---- carve-outs ---- */

/*
 * memmap_carve() over |free 0-16M|fw 16M-17M|:
 *   module [0x1800-0x2100)  -> rounds outward to [0x1000-0x3000)
 *   kernel [16M-17M)        -> firmware stays firmware
 *   empty [5M-5M), inverted, tag free -> nothing / K_EINVAL
 * Expect |free 0-4K|module 4K-12K|free 12K-16M|fw 16M-17M|.
 */
static void test_carve(void **state)
{
    (void)state;
    ADD({0, 16 * M, AV}, {16 * M, 1 * M, RES});
    assert_int_equal(memmap_carve(&L, 0x1800, 0x2100, REGION_MODULE), K_OK);
    assert_int_equal(memmap_carve(&L, 16 * M, 17 * M, REGION_KERNEL), K_OK);
    assert_int_equal(memmap_carve(&L, 5 * M, 5 * M, REGION_KERNEL), K_OK);
    assert_int_equal(memmap_carve(&L, 6 * M, 5 * M, REGION_KERNEL), K_EINVAL);
    assert_int_equal(memmap_carve(&L, 5 * M, 6 * M, REGION_FREE), K_EINVAL);
    EXPECT(E(0, 0x1000, F), E(0x1000, 0x3000, REGION_MODULE), E(0x3000, 16 * M, F),
           E(16 * M, 17 * M, FW));
}

static const struct memmap_carveouts kern = {
    .kernel = {2 * M, 2 * M + 600 * K},
    .bootstrap = {{2 * M + 400 * K, 2 * M + 424 * K}, {2 * M + 424 * K, 2 * M + 440 * K}},
};

/*
 * The boot carve-outs on QEMU's map, block at 3M with two modules:
 *   kernel [2M-2M+600K) containing bootstrap [2M+400K-2M+440K)
 *   block [3M-3M+len)   modules initrd [4M-4.5M) and font [5M-5M+0x123)   cmdline inside block
 * Expect |low-1MiB 0-636K|fw|fw|free 1M-2M|kernel|bootstrap|kernel|free|boot-info 3M-3M+4K|free|
 *   |module 4M-4.5M|free|module 5M-5M+4K|free ...|fw|fw| , no cmdline entry, and
 *   free = firmware-available - everything carved.
 */
static void test_carve_boot(void **state)
{
    (void)state;
    blen = 8;
    blk_tag(MB2_TAG_CMDLINE, "root=/dev/ram0", 15);
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_module(0x400000, 0x480000, "initrd");
    blk_module(0x500000, 0x500123, "font");
    blk_parse(0x300000);
    assert_int_equal(memmap_sanitize(&L, &mb, 40), K_OK);
    uint64_t avail = region_total(&L, F);
    kprintf_reset();
    assert_int_equal(memmap_carve_boot(&L, &mb, &kern), K_OK);
    expect_silent();
    EXPECT(E(0, 0x9f000, REGION_LOWMEM), E(0x9f000, 0xa0000, FW), E(0xf0000, 0x100000, FW),
           E(0x100000, 0x200000, F), E(0x200000, 0x264000, REGION_KERNEL),
           E(0x264000, 0x26e000, REGION_BOOTSTRAP), E(0x26e000, 0x296000, REGION_KERNEL),
           E(0x296000, 0x300000, F), E(0x300000, 0x301000, REGION_BOOTINFO),
           E(0x301000, 0x400000, F), E(0x400000, 0x480000, REGION_MODULE), E(0x480000, 0x500000, F),
           E(0x500000, 0x501000, REGION_MODULE), E(0x501000, 0x7fe0000, F),
           E(0x7fe0000, 0x8000000, FW), E(0xfffc0000, 0x100000000, FW));
    assert_int_equal(region_total(&L, REGION_CMDLINE), 0);
    assert_int_equal(region_total(&L, F), avail - 0x9f000 - 600 * K - 0x1000 - 0x80000 - 0x1000);

    kprintf_reset();
    memmap_print(&L);
    expect_said("memmap: 16 ranges in memmap\n");
    expect_said("  base               end                      size  type\n");
    expect_said("  0x0000000000000000 0x000000000009f000    636 KiB  low-1MiB\n");
    expect_said("  0x0000000000400000 0x0000000000480000    512 KiB  module\n");
    expect_said("  0x00000000fffc0000 0x0000000100000000    256 KiB  firmware\n");
    expect_said("  available 125.7 MiB, kernel/boot 1.7 MiB, firmware-reserved 452 KiB, ACPI 0 B, "
                "bad 0 B\n");
}

/*
 * A module partly in firmware memory and one in a hole:
 *   free [1M-127.875M)|fw [-128M)      module A [127.8125M-127.9375M)   module B [3G-3G+4K)
 * Expect K_OK, A's free part carved, and a "not all available RAM" line for each.
 */
static void test_carve_module_outside_ram(void **state)
{
    (void)state;
    blen = 8;
    blk_mmap(qemu, ARRAY_SIZE(qemu));
    blk_module(0x7fd0000, 0x7ff0000, "a");
    blk_module(0xc0000000, 0xc0001000, "b");
    blk_parse(0x300000);
    assert_int_equal(memmap_sanitize(&L, &mb, 40), K_OK);
    assert_int_equal(memmap_carve_boot(&L, &mb, NULL), K_OK);
    assert_int_equal(region_lookup(&L, 0x7fd0000)->tag, REGION_MODULE);
    assert_int_equal(region_lookup(&L, 0x7fe0000)->tag, FW);
    expect_said("memmap: module [0x7fd0000, 0x7ff0000) is not all available RAM (64 KiB in holes "
                "or firmware ranges)");
    expect_said("memmap: module [0xc0000000, 0xc0001000) is not all available RAM (4 KiB in");
}

/* Inverted kernel range in the carve-outs. Expect K_EINVAL and "is inverted". */
static void test_carve_boot_inverted(void **state)
{
    (void)state;
    const struct memmap_carveouts k = {.kernel = {3 * M, 2 * M}};
    ADD({0, 16 * M, AV});
    assert_int_equal(memmap_carve_boot(&L, NULL, &k), K_EINVAL);
    expect_said("memmap: kernel range [0x300000, 0x200000) is inverted");
}

/*
 * The list grew (into the highest free pages) before the carve-outs, and a module lies there:
 *   av [1M-2M) [3M-4M) ... [39M-40M) on a list of 8 growing below 64M; module = its storage
 * Expect memmap_carve_boot() to refuse with K_EINVAL: "overlaps the storage memmap grew into".
 */
static void test_carve_boot_meta_overlap(void **state)
{
    (void)state;
    struct memmap_entry in[20];
    for (int i = 0; i < 20; i++)
        in[i] = (struct memmap_entry){(uint64_t)(2 * i + 1) * M, 1 * M, AV};
    arena_create(64 * M);
    region_init(&L, "memmap", small, 8);
    region_set_grow_limit(&L, 64 * M);
    assert_int_equal(memmap_add_entries(&L, in, 20, 40), K_OK);
    assert_int_not_equal(L.storage, 0);
    blen = 8;
    blk_mmap(in, 1);
    blk_module((uint32_t)L.storage, (uint32_t)L.storage + 0x100, "victim");
    blk_parse(0x300000);
    assert_int_equal(memmap_carve_boot(&L, &mb, NULL), K_EINVAL);
    expect_said("overlaps the storage memmap grew into; carve before letting it grow");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, arena_teardown)
    const struct CMUnitTest tests[] = {
        T(test_qemu_bios_map),
        T(test_overlap_contained),
        T(test_overlap_containing),
        T(test_overlap_partial_left),
        T(test_overlap_partial_right),
        T(test_overlap_identical_and_duplicate),
        T(test_touching),
        T(test_unsorted_duplicated),
        T(test_zero_length),
        T(test_unaligned_rounding),
        T(test_partial_page_goes_reserved),
        T(test_above_address_width),
        T(test_qemu_1tib_hole),
        T(test_length_wraps),
        T(test_acpi_bad_unknown),
        T(test_precedence_chain),
        T(test_bad_phys_bits),
        T(test_log_cap),
        T(test_many_entries_grow),
        T(test_restrictive_overflow),
        T(test_sanitize_from_block),
        T(test_sanitize_efi_block),
        T(test_sanitize_no_map),
        T(test_carve),
        T(test_carve_boot),
        T(test_carve_module_outside_ram),
        T(test_carve_boot_inverted),
        T(test_carve_boot_meta_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
