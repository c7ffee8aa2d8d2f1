/* SPDX-License-Identifier: 0BSD */
/*
 * pt_map()/pt_translate()/pt_unmap()/pt_tables_needed() on the test arena. Table frames come from
 * a bump allocator inside the arena that counts them and can be told to fail after n frames; it
 * fills each frame with junk so a table pt_map() forgot to zero shows up as garbage mappings.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>

#include "arena.h"
#include "host_support.h"

#define ARENA_SIZE (64 * MiB)
#define PML4       ((phys_addr_t)0x1000)
#define DIRECT_MAP 0xffff800000000000ull
#define KERNEL_VMA 0xffffffff80000000ull

struct bump {
    phys_addr_t next, end;
    uint64_t count; /* frames handed out */
    uint64_t limit; /* fail once count reaches it */
};

static struct bump bump;

static phys_addr_t bump_alloc(void *ctx)
{
    struct bump *b = ctx;
    if (b->count >= b->limit || b->next >= b->end)
        return PHYS_NONE;
    phys_addr_t f = b->next;
    b->next += PAGE_SIZE;
    b->count++;
    memset(phys_to_virt(f), 0xa5, PAGE_SIZE);
    return f;
}

static int setup(void **state)
{
    (void)state;
    arena_create(ARENA_SIZE);
    memset(phys_to_virt(PML4), 0, PAGE_SIZE);
    bump = (struct bump){.next = 1 * MiB, .end = ARENA_SIZE, .count = 0, .limit = UINT64_MAX};
    kprintf_reset();
    return 0;
}

static int map(uint64_t virt, phys_addr_t phys, uint64_t size, uint64_t flags, unsigned sizes)
{
    return pt_map(PML4, virt, phys, size, flags, sizes, bump_alloc, &bump);
}

static uint64_t page_size_at(uint64_t virt)
{
    uint64_t sz;
    pt_translate(PML4, virt, NULL, &sz);
    return sz;
}

static uint64_t flags_at(uint64_t virt)
{
    uint64_t f;
    pt_translate(PML4, virt, &f, NULL);
    return f;
}

static phys_addr_t tr(uint64_t virt)
{
    return pt_translate(PML4, virt, NULL, NULL);
}

static uint64_t pml4_entry(unsigned i)
{
    return ((uint64_t *)phys_to_virt(PML4))[i];
}

/*
 *   virt 0x400000 [4K] -> phys 0x123000
 * Expect: PDPT + PD + PT (3 frames), first and last byte translate, both neighbours unmapped.
 */
static void test_map_4k(void **state)
{
    (void)state;
    uint64_t f, sz;
    assert_int_equal(map(0x400000, 0x123000, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(pt_translate(PML4, 0x400000, &f, &sz), 0x123000);
    assert_int_equal(sz, PAGE_SIZE);
    assert_int_equal(f, PTE_PRESENT | PTE_WRITE);
    assert_int_equal(tr(0x400fff), 0x123fff);
    assert_int_equal(pt_translate(PML4, 0x401000, &f, &sz), PHYS_NONE);
    assert_int_equal(f, 0);
    assert_int_equal(sz, 0);
    assert_int_equal(tr(0x3fffff), PHYS_NONE);
    assert_int_equal(bump.count, 3);
    assert_int_equal(pt_tables_needed(0x400000, PAGE_SIZE, PT_4K), 3);
}

/*
 *   virt [2M, 4M) -> phys [1G, 1G+2M), one 2 MiB page
 * Expect: PDPT + PD (2 frames), HUGE in the leaf flags, offsets carried through, 4M unmapped.
 */
static void test_map_2m(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB, 1 * GiB, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(page_size_at(2 * MiB), 2 * MiB);
    assert_true(flags_at(2 * MiB) & PTE_HUGE);
    assert_int_equal(tr(2 * MiB + 0x12345), 1 * GiB + 0x12345);
    assert_int_equal(tr(4 * MiB - 1), 1 * GiB + 2 * MiB - 1);
    assert_int_equal(tr(4 * MiB), PHYS_NONE);
    assert_int_equal(tr(2 * MiB - 1), PHYS_NONE);
    assert_int_equal(bump.count, 2);
}

/*
 *   virt [1G, 2G) -> phys [3G, 4G), one 1 GiB page (2 MiB also allowed)
 * Expect: only the PDPT (1 frame), page size 1 GiB, the last byte maps to 4G-1, 2G unmapped.
 */
static void test_map_1g(void **state)
{
    (void)state;
    assert_int_equal(map(1 * GiB, 3 * GiB, 1 * GiB, 0, PT_1G | PT_2M), K_OK);
    assert_int_equal(page_size_at(1 * GiB + 5 * MiB), 1 * GiB);
    assert_int_equal(tr(2 * GiB - 1), 4 * GiB - 1);
    assert_int_equal(tr(2 * GiB), PHYS_NONE);
    assert_int_equal(flags_at(1 * GiB), PTE_PRESENT | PTE_HUGE);
    assert_int_equal(bump.count, 1);
}

/*
 *   virt  1M      2M              4M      5M
 *         [ 4K x256 | one 2M page   | 4K x256 )
 * Expect: 4K pages at the unaligned edges, 2M in the middle; PDPT + PD + 2 PTs = 4 frames.
 */
static void test_mixed_unaligned(void **state)
{
    (void)state;
    assert_int_equal(map(1 * MiB, 1 * MiB, 4 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(page_size_at(1 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(2 * MiB - 1), PAGE_SIZE);
    assert_int_equal(page_size_at(2 * MiB), 2 * MiB);
    assert_int_equal(page_size_at(4 * MiB - 1), 2 * MiB);
    assert_int_equal(page_size_at(4 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(5 * MiB - 1), PAGE_SIZE);
    assert_int_equal(tr(3 * MiB + 7), 3 * MiB + 7);
    assert_int_equal(tr(5 * MiB), PHYS_NONE);
    assert_int_equal(tr(1 * MiB - 1), PHYS_NONE);
    assert_int_equal(bump.count, 4);
    assert_int_equal(pt_tables_needed(1 * MiB, 4 * MiB, PT_2M), 4);
}

/*
 *   virt [2M, 6M) -> phys [2M+4K, 6M+4K): virt 2M-aligned, phys not
 * Expect: 4K pages throughout (phys decides too), PDPT + PD + 2 PTs.
 */
static void test_phys_alignment_limits_size(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB, 2 * MiB + PAGE_SIZE, 4 * MiB, 0, PT_2M | PT_1G), K_OK);
    assert_int_equal(page_size_at(2 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(4 * MiB), PAGE_SIZE);
    assert_int_equal(tr(6 * MiB - 1), 6 * MiB + PAGE_SIZE - 1);
    assert_int_equal(bump.count, 4);
}

/*
 *   virt [0, 1G) -> phys [0, 1G), only 4 KiB pages allowed
 * Expect: 262144 4K pages in 512 PTs + PD + PDPT = 514 frames, as pt_tables_needed says.
 */
static void test_only_4k_allowed(void **state)
{
    (void)state;
    assert_int_equal(map(0, 0, 1 * GiB, 0, PT_4K), K_OK);
    assert_int_equal(page_size_at(512 * MiB), PAGE_SIZE);
    assert_int_equal(tr(1 * GiB - 1), 1 * GiB - 1);
    assert_int_equal(bump.count, 514);
    assert_int_equal(pt_tables_needed(0, 1 * GiB, PT_4K), 514);
}

/*
 *   virt 0xffffffff80000000 [4M) -> phys [0, 4M), 2 MiB pages     (PML4[511], PDPT[510])
 *   virt 0xfffffffffffff000 [4K) -> phys 0x5000                   (last page of memory)
 * Expect: both translate, PML4[511] present; the end of the range wrapping to 0 is fine.
 */
static void test_higher_half(void **state)
{
    (void)state;
    assert_int_equal(map(KERNEL_VMA, 0, 4 * MiB, PTE_WRITE | PTE_GLOBAL, PT_2M), K_OK);
    assert_int_equal(tr(KERNEL_VMA + 3 * MiB + 1), 3 * MiB + 1);
    assert_int_equal(page_size_at(KERNEL_VMA), 2 * MiB);
    assert_true(pml4_entry(511) & PTE_PRESENT);
    assert_int_equal(pml4_entry(256), 0);
    assert_int_equal(bump.count, 2);
    assert_int_equal(map(0xfffffffffffff000ull, 0x5000, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(tr(0xffffffffffffffffull), 0x5fff);
    assert_int_equal(tr(0xffffffffffffe000ull), PHYS_NONE);
}

/*
 *   virt 0xffff800000000000 [9G) -> phys [0, 9G)
 *     with 2 MiB pages: PDPT + 9 PDs = 10 frames
 *     with 1 GiB pages: PDPT only (in a fresh PML4)
 * Expect: those counts, equal to pt_tables_needed, and PML4[256] holds the map.
 */
static void test_direct_map(void **state)
{
    (void)state;
    assert_int_equal(pt_tables_needed(DIRECT_MAP, 9 * GiB, PT_2M), 10);
    assert_int_equal(map(DIRECT_MAP, 0, 9 * GiB, PTE_WRITE | PTE_NX, PT_2M), K_OK);
    assert_int_equal(bump.count, 10);
    assert_int_equal(tr(DIRECT_MAP + 5 * GiB + 123), 5 * GiB + 123);
    assert_int_equal(tr(DIRECT_MAP + 9 * GiB - 1), 9 * GiB - 1);
    assert_int_equal(tr(DIRECT_MAP + 9 * GiB), PHYS_NONE);
    assert_true(pml4_entry(256) & PTE_PRESENT);

    memset(phys_to_virt(PML4), 0, PAGE_SIZE);
    bump.count = 0;
    assert_int_equal(pt_tables_needed(DIRECT_MAP, 9 * GiB, PT_2M | PT_1G), 1);
    assert_int_equal(map(DIRECT_MAP, 0, 9 * GiB, PTE_WRITE | PTE_NX, PT_2M | PT_1G), K_OK);
    assert_int_equal(bump.count, 1);
    assert_int_equal(page_size_at(DIRECT_MAP + 8 * GiB), 1 * GiB);
    assert_int_equal(tr(DIRECT_MAP + 8 * GiB + 77), 8 * GiB + 77);
}

/*
 * Table-frame counts in an empty PML4, pt_map() against pt_tables_needed() and a hand count:
 *   [0, 1G) at 2M                    PDPT + PD                      = 2
 *   [512G-2M, 512G+2M) at 2M         2 PDPTs + 2 PDs                = 4
 *   [1G-4K, 2G+4K) at 1G|2M          PDPT + 2 PDs + 2 PTs           = 5
 *   [1G-2M, 2G+2M) at 1G only        PDPT + 2 PDs + 2 PTs           = 5
 *   [4K, 8K) in the upper half       PDPT + PD + PT                 = 3
 * Expect: all three agree for every case.
 */
static void test_table_counts(void **state)
{
    (void)state;
    static const struct {
        uint64_t virt, size;
        unsigned sizes;
        uint64_t frames;
    } cases[] = {
        {0, 1 * GiB, PT_2M, 2},
        {512 * GiB - 2 * MiB, 4 * MiB, PT_2M, 4},
        {1 * GiB - PAGE_SIZE, 1 * GiB + 2 * PAGE_SIZE, PT_1G | PT_2M, 5},
        {1 * GiB - 2 * MiB, 1 * GiB + 4 * MiB, PT_1G, 5},
        {DIRECT_MAP + PAGE_SIZE, PAGE_SIZE, PT_2M, 3},
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        memset(phys_to_virt(PML4), 0, PAGE_SIZE);
        bump.count = 0;
        assert_int_equal(
            map(cases[i].virt, cases[i].virt & 0xffffffffffffull, cases[i].size, 0, cases[i].sizes),
            K_OK);
        assert_int_equal(bump.count, cases[i].frames);
        assert_int_equal(pt_tables_needed(cases[i].virt, cases[i].size, cases[i].sizes),
                         cases[i].frames);
    }
    assert_int_equal(pt_tables_needed(0, 0, PT_2M), 0);
}

/*
 *   0x0000800000000000 (first non-canonical), 0xffff7ffffffff000 (last non-canonical),
 *   [0x00007ffffffff000, +8K) runs off the lower half
 * Expect: K_EINVAL from map and unmap, no frame used; translate says not mapped.
 */
static void test_noncanonical(void **state)
{
    (void)state;
    assert_int_equal(map(0x0000800000000000ull, 0, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0xffff7ffffffff000ull, 0, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x00007ffffffff000ull, 0, 2 * PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x00007ffffffff000ull, 0, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(bump.count, 3);
    assert_non_null(strstr(kprintf_output(), "canonical"));
    assert_int_equal(pt_unmap(PML4, 0x0000800000000000ull, PAGE_SIZE), K_EINVAL);
    assert_int_equal(tr(0x0000800000000000ull), PHYS_NONE);
    assert_int_equal(tr(0x00007ffffffff000ull), 0);
}

/*
 *   virt 0x1001 / phys 0x1001 / size 0x1001 / size 0 / HUGE or bit 9 in flags / page size bit 8
 *   phys [2^52 - 4K, +8K) past what an entry holds
 * Expect: K_EINVAL for each (K_ERANGE for the last), no frame used, tables untouched.
 */
static void test_bad_arguments(void **state)
{
    (void)state;
    assert_int_equal(map(0x1001, 0x1000, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1001, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, 0x1001, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, 0, 0, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, PTE_HUGE, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, 1u << 9, PT_4K), K_EINVAL);
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, 0, 8), K_EINVAL);
    assert_int_equal(map(0x1000, ((uint64_t)1 << 52) - PAGE_SIZE, 2 * PAGE_SIZE, 0, PT_4K),
                     K_ERANGE);
    assert_int_equal(map(0x1000, (uint64_t)1 << 52, PAGE_SIZE, 0, PT_4K), K_ERANGE);
    assert_int_equal(pt_unmap(PML4, 0x1000, 0), K_EINVAL);
    assert_int_equal(pt_unmap(PML4, 0x1800, PAGE_SIZE), K_EINVAL);
    assert_int_equal(bump.count, 0);
    assert_int_equal(pml4_entry(0), 0);
    /* the highest phys an entry holds is fine */
    assert_int_equal(map(0x1000, ((uint64_t)1 << 52) - PAGE_SIZE, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(tr(0x1fff), ((uint64_t)1 << 52) - 1);
}

/*
 *   virt [0, 4M) at 4K; frames for PDPT, PD and the PT of [0, 2M) only, then none
 *   [0 ...... 2M) mapped | [2M ...... 4M) not
 * Expect: K_ENOMEM, [0, 2M) translates, 2M does not, a message; a retry with frames completes.
 */
static void test_enomem_part_way(void **state)
{
    (void)state;
    bump.limit = 3;
    assert_int_equal(map(0, 0x10000000, 4 * MiB, PTE_WRITE, PT_4K), K_ENOMEM);
    assert_int_equal(bump.count, 3);
    assert_int_equal(tr(0), 0x10000000);
    assert_int_equal(tr(2 * MiB - 1), 0x10000000 + 2 * MiB - 1);
    assert_int_equal(tr(2 * MiB), PHYS_NONE);
    assert_non_null(strstr(kprintf_output(), "out of table frames at 200000"));

    bump.limit = UINT64_MAX;
    assert_int_equal(map(0, 0x10000000, 4 * MiB, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(bump.count, 4);
    assert_int_equal(tr(4 * MiB - 1), 0x10000000 + 4 * MiB - 1);
}

/*
 *   virt [0, 2M) at 4K, no frame at all
 * Expect: K_ENOMEM and the PML4 is still all zeroes (nothing half-linked).
 */
static void test_enomem_first_frame(void **state)
{
    (void)state;
    static const uint8_t zero[PAGE_SIZE];
    bump.limit = 0;
    assert_int_equal(map(0, 0, 2 * MiB, 0, PT_4K), K_ENOMEM);
    assert_memory_equal(phys_to_virt(PML4), zero, PAGE_SIZE);
}

/*
 *   virt 0x5000 [4K] -> 0x7000, then -> 0x9000 with NX
 *   virt [2M, 4M) -> 8M as one 2M page, then -> 10M
 * Expect: the second mapping wins (address and flags), no new table frame.
 */
static void test_remap_overwrites_leaf(void **state)
{
    (void)state;
    assert_int_equal(map(0x5000, 0x7000, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(map(2 * MiB, 8 * MiB, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    uint64_t frames = bump.count;
    assert_int_equal(map(0x5000, 0x9000, PAGE_SIZE, PTE_NX, PT_4K), K_OK);
    assert_int_equal(map(2 * MiB, 10 * MiB, 2 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(bump.count, frames);
    assert_int_equal(tr(0x5abc), 0x9abc);
    assert_int_equal(flags_at(0x5000), PTE_PRESENT | PTE_NX);
    assert_int_equal(tr(3 * MiB), 11 * MiB);
    assert_int_equal(flags_at(2 * MiB), PTE_PRESENT | PTE_HUGE);
}

/*
 *   [2M ====== 4M) one 2M page          [1G ============= 2G) one 1G page
 *       ^ 4K at 2M+4K                        ^ 2M at 1G+2M
 *   [0 ---- 2M ====== 4M) 4K-only map over [0, 4M)
 * Expect: K_EINVAL with a message, no frame used, the huge pages and [0, 2M) untouched.
 */
static void test_remap_over_huge_rejected(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB, 8 * MiB, 2 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(map(1 * GiB, 1 * GiB, 1 * GiB, 0, PT_1G), K_OK);
    uint64_t frames = bump.count;

    assert_int_equal(map(2 * MiB + PAGE_SIZE, 0x1000, PAGE_SIZE, 0, PT_4K), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "inside a 2 MiB page at 200000"));
    assert_int_equal(map(1 * GiB + 2 * MiB, 0, 2 * MiB, 0, PT_2M), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "inside a 1 GiB page at 40000000"));
    assert_int_equal(map(0, 0, 4 * MiB, 0, PT_4K), K_EINVAL);

    assert_int_equal(bump.count, frames);
    assert_int_equal(tr(2 * MiB + PAGE_SIZE), 8 * MiB + PAGE_SIZE);
    assert_int_equal(page_size_at(2 * MiB), 2 * MiB);
    assert_int_equal(tr(1 * GiB + 2 * MiB), 1 * GiB + 2 * MiB);
    assert_int_equal(tr(0), PHYS_NONE);
}

/*
 *   virt 2M+4K [4K] mapped first (a PT now hangs under PD[1])
 *   then [2M, 4M) with 2M pages allowed
 *   then [0, 1G) with 1G|2M allowed: PDPT[0] already points to a PD
 *     [0 == 2M) 2M page | [2M -- 4M) 4K pages via the PT | [4M == ... 1G) 2M pages
 * Expect: existing tables are used with the next smaller page allowed, no frame is
 *         allocated, everything translates to the newest mapping.
 */
static void test_huge_over_table_goes_through(void **state)
{
    (void)state;
    assert_int_equal(map(2 * MiB + PAGE_SIZE, 0x3000, PAGE_SIZE, 0, PT_4K), K_OK);
    uint64_t frames = bump.count;
    assert_int_equal(map(2 * MiB, 6 * MiB, 2 * MiB, PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(bump.count, frames);
    assert_int_equal(page_size_at(2 * MiB), PAGE_SIZE);
    assert_int_equal(tr(2 * MiB + PAGE_SIZE), 6 * MiB + PAGE_SIZE);
    assert_int_equal(tr(4 * MiB - 1), 8 * MiB - 1);

    assert_int_equal(map(0, 1 * GiB, 1 * GiB, 0, PT_1G | PT_2M), K_OK);
    assert_int_equal(bump.count, frames);
    assert_int_equal(page_size_at(0), 2 * MiB);
    assert_int_equal(page_size_at(2 * MiB), PAGE_SIZE);
    assert_int_equal(page_size_at(4 * MiB), 2 * MiB);
    assert_int_equal(tr(2 * MiB + PAGE_SIZE), 1 * GiB + 2 * MiB + PAGE_SIZE);
    assert_int_equal(tr(1 * GiB - 1), 2 * GiB - 1);
}

/*
 *   [0 === 2M === 4M === 6M) three 2M pages, [8M -- +16K) four 4K pages
 *   unmap [2M, 4M), then [8M+4K, +4K), then [6M, 1G) (mostly holes)
 * Expect: only those translate as unmapped, neighbours stay; no frame used by unmap.
 */
static void test_unmap(void **state)
{
    (void)state;
    assert_int_equal(map(0, 0, 6 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(map(8 * MiB, 8 * MiB, 4 * PAGE_SIZE, 0, PT_4K), K_OK);
    uint64_t frames = bump.count;
    assert_int_equal(pt_unmap(PML4, 2 * MiB, 2 * MiB), K_OK);
    assert_int_equal(tr(2 * MiB), PHYS_NONE);
    assert_int_equal(tr(4 * MiB - 1), PHYS_NONE);
    assert_int_equal(tr(2 * MiB - 1), 2 * MiB - 1);
    assert_int_equal(tr(4 * MiB), 4 * MiB);

    assert_int_equal(pt_unmap(PML4, 8 * MiB + PAGE_SIZE, PAGE_SIZE), K_OK);
    assert_int_equal(tr(8 * MiB + PAGE_SIZE), PHYS_NONE);
    assert_int_equal(tr(8 * MiB), 8 * MiB);
    assert_int_equal(tr(8 * MiB + 2 * PAGE_SIZE), 8 * MiB + 2 * PAGE_SIZE);

    assert_int_equal(pt_unmap(PML4, 6 * MiB, 1 * GiB), K_OK);
    assert_int_equal(tr(8 * MiB), PHYS_NONE);
    assert_int_equal(tr(4 * MiB), 4 * MiB);
    assert_int_equal(pt_unmap(PML4, 512 * GiB, 4 * MiB), K_OK); /* nothing there at all */
    assert_int_equal(bump.count, frames);
}

/*
 *   [0 === 2M === 4M) two 2M pages; [1G ====== 2G) one 1G page
 *   unmap [0, 3M) and [1G, 1G+2M)
 * Expect: K_EINVAL (would split), nothing unmapped, not even the whole first 2M page.
 */
static void test_unmap_split_rejected(void **state)
{
    (void)state;
    assert_int_equal(map(0, 0, 4 * MiB, 0, PT_2M), K_OK);
    assert_int_equal(map(1 * GiB, 0, 1 * GiB, 0, PT_1G), K_OK);
    assert_int_equal(pt_unmap(PML4, 0, 3 * MiB), K_EINVAL);
    assert_non_null(strstr(kprintf_output(), "only part of the 2 MiB page at 200000"));
    assert_int_equal(pt_unmap(PML4, 1 * GiB, 2 * MiB), K_EINVAL);
    assert_int_equal(pt_unmap(PML4, 1 * GiB + 2 * MiB, 1 * GiB - 2 * MiB), K_EINVAL);
    assert_int_equal(tr(0), 0);
    assert_int_equal(tr(3 * MiB), 3 * MiB);
    assert_int_equal(tr(1 * GiB + 4 * MiB), 4 * MiB);
    assert_int_equal(pt_unmap(PML4, 1 * GiB, 1 * GiB), K_OK);
    assert_int_equal(tr(1 * GiB), PHYS_NONE);
}

/*
 *   0x1000 WRITE|NX|GLOBAL|PCD, 0x2000 read-only, 0x200000 [2M] USER|WRITE
 * Expect: each leaf has exactly its flags (+PRESENT, +HUGE for 2M); intermediates are
 *         PRESENT|WRITE without NX, and get USER once a user page lies below them.
 */
static void test_flags(void **state)
{
    (void)state;
    uint64_t f = PTE_WRITE | PTE_NX | PTE_GLOBAL | PTE_PCD;
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, f, PT_4K), K_OK);
    assert_int_equal(map(0x2000, 0x2000, PAGE_SIZE, 0, PT_4K), K_OK);
    assert_int_equal(flags_at(0x1000), f | PTE_PRESENT);
    assert_int_equal(flags_at(0x2000), PTE_PRESENT);
    assert_int_equal(pml4_entry(0) & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE);

    assert_int_equal(map(2 * MiB, 2 * MiB, 2 * MiB, PTE_USER | PTE_WRITE, PT_2M), K_OK);
    assert_int_equal(flags_at(2 * MiB), PTE_PRESENT | PTE_USER | PTE_WRITE | PTE_HUGE);
    assert_int_equal(pml4_entry(0) & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE | PTE_USER);
    assert_false(flags_at(0x1000) & PTE_USER);
}

/*
 *   0x1000 mapped, then PDPT[0] (an intermediate entry) made read-only + NX by someone else;
 *   then map 0x3000 WRITE through it
 * Expect: pt_map widens PDPT[0] to PRESENT|WRITE without NX.
 */
static void test_existing_intermediate_widened(void **state)
{
    (void)state;
    assert_int_equal(map(0x1000, 0x1000, PAGE_SIZE, 0, PT_4K), K_OK);
    uint64_t *pdpt = phys_to_virt(pml4_entry(0) & PTE_ADDR_MASK);
    pdpt[0] = (pdpt[0] & PTE_ADDR_MASK) | PTE_PRESENT | PTE_NX;
    assert_int_equal(map(0x3000, 0x3000, PAGE_SIZE, PTE_WRITE, PT_4K), K_OK);
    assert_int_equal(pdpt[0] & ~PTE_ADDR_MASK, PTE_PRESENT | PTE_WRITE);
}

/*
 * Broken invariants: a misaligned PML4, an allocator handing out a misaligned frame, a PML4
 * entry with the reserved PS bit.
 * Expect: each panics naming the address.
 */
static phys_addr_t bad_alloc(void *ctx)
{
    (void)ctx;
    return 0x2008;
}

static void test_broken_invariants_panic(void **state)
{
    (void)state;
    expect_panic(pt_translate(PML4 + 8, 0, NULL, NULL));
    assert_non_null(strstr(panic_message(), "PML4 at 1008"));
    expect_panic(pt_unmap(PML4 + 8, 0, PAGE_SIZE));
    expect_panic(pt_map(PML4, 0, 0, PAGE_SIZE, 0, PT_4K, bad_alloc, NULL));
    assert_non_null(strstr(panic_message(), "allocator returned 2008"));

    ((uint64_t *)phys_to_virt(PML4))[1] = 0x3000 | PTE_PRESENT | PTE_HUGE;
    expect_panic(tr(512 * GiB));
    assert_non_null(strstr(panic_message(), "reserved PS bit"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_map_4k, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_map_2m, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_map_1g, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_mixed_unaligned, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_phys_alignment_limits_size, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_only_4k_allowed, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_higher_half, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_direct_map, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_table_counts, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_noncanonical, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_bad_arguments, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_enomem_part_way, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_enomem_first_frame, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_remap_overwrites_leaf, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_remap_over_huge_rejected, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_huge_over_table_goes_through, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_unmap_split_rejected, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_flags, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_existing_intermediate_widened, setup, arena_teardown),
        cmocka_unit_test_setup_teardown(test_broken_invariants_panic, setup, arena_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
