/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the address-space tests (test_vmspace_*.c): a frame pool with FRAME_CHECK (a double
 * free panics) and FRAME_POISON (a freed frame is filled with 0x6b) on the test arena, a kernel
 * template PML4 outside the pool, an env whose flush callback is a fake that logs every call and
 * checks that the frames a test guards are not freed yet, and the accounting checks.
 *
 * The physical map (32 MiB):
 *   0     1M                 2M+4K      3M        4M                                32M
 *   | low | template PML4 + 256 PDPTs |  | devices |          free (the pool)        |
 */
#ifndef TEST_VMSPACE_TEST_H
#define TEST_VMSPACE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/vmspace.h>

#include "arena.h"
#include "frame_counts.h"
#include "host_support.h"

#define VT_ARENA       (32 * MiB)
#define VT_TEMPLATE    ((phys_addr_t)1 * MiB)
#define VT_DEVICE      ((phys_addr_t)3 * MiB) /* [3M, 4M): frames no pool owns */
#define VT_POOL_BASE   (4 * MiB)
#define VT_POOL_FRAMES ((VT_ARENA - VT_POOL_BASE) / PAGE_SIZE)

#define RW        (VM_READ | VM_WRITE | VM_USER)
#define RO        (VM_READ | VM_USER)
#define RX        (VM_READ | VM_EXEC | VM_USER)
#define GUARD_MAX 2048

static struct region vt_storage[REGION_STATIC_CAPACITY];
static struct region_list vt_list;
static struct frame_pool pool;
static struct vmspace_env env;
static uint64_t in_use0, free0; /* the pool at setup, in frames */

/* The fake flush: every call, and the frames it checks are still held when it runs. */
static struct {
    unsigned calls;
    struct vmspace_flush log[64]; /* the first 64 calls */
    uint64_t pages;               /* pages flushed one by one, summed */
    unsigned alls;                /* full flushes */
    struct {
        phys_addr_t pa; /* must still be ours when the flush covering va comes */
        uint64_t va;
        bool table; /* a table: empty, so not marked, only checked to be all zeroes still */
    } guard[GUARD_MAX];
    unsigned nguard;
    unsigned checked;  /* guards a flush found intact */
    uint64_t in_use;   /* pool frames in use at the last flush */
    phys_addr_t probe; /* a shared frame whose owners each flush records (0: none) */
    uint32_t probe_owners;
} fl;

static inline uint64_t pool_in_use(void)
{
    return frames_in_use(&pool);
}

static inline uint64_t pool_free(void)
{
    return frames_free(&pool);
}

/* Takes free frames from the pool until only keep are left (refill() gives them all back). */
static phys_addr_t vt_hoard[VT_POOL_FRAMES];
static uint64_t vt_nhoard;
static inline void exhaust(uint64_t keep)
{
    while (pool_free() > keep)
        vt_hoard[vt_nhoard++] = frame_alloc(&pool);
}

static inline void refill(void)
{
    while (vt_nhoard)
        frame_free(&pool, vt_hoard[--vt_nhoard]);
}

/*
 * A frame a test marks or guards holds this word at offset 0 until it is freed: FRAME_POISON
 * fills it with 0x6b, or the pool makes it the head of its free stack and writes a count there.
 */
static inline uint64_t guard_word(phys_addr_t pa)
{
    return 0x600d000000000000ull ^ pa;
}

static inline void mark(phys_addr_t pa)
{
    *(uint64_t *)phys_to_virt(pa) = guard_word(pa);
}

static inline bool marked(phys_addr_t pa)
{
    return *(uint64_t *)phys_to_virt(pa) == guard_word(pa);
}

/*
 * Marks pa, which va reaches (for a table: the first address it maps), so that the flush that
 * covers va can tell pa has not been freed yet; after that flush pa may go.
 */
static inline void guard(phys_addr_t pa, uint64_t va)
{
    assert_true(fl.nguard < GUARD_MAX);
    mark(pa);
    fl.guard[fl.nguard].pa = pa;
    fl.guard[fl.nguard].table = false;
    fl.guard[fl.nguard++].va = va;
}

/* As guard() for the table pa, which is empty: its entries are left alone. */
static inline void guard_table(phys_addr_t pa, uint64_t va)
{
    assert_true(fl.nguard < GUARD_MAX);
    fl.guard[fl.nguard].pa = pa;
    fl.guard[fl.nguard].table = true;
    fl.guard[fl.nguard++].va = va;
}

/* An empty table still ours is all zeroes; a freed one is poisoned (or a free-stack head). */
static inline bool table_intact(phys_addr_t pa)
{
    const uint64_t *w = phys_to_virt(pa);
    for (unsigned i = 0; i < PAGE_SIZE / sizeof(*w); i++)
        if (w[i] != 0)
            return false;
    return true;
}

/* Expect pa to be free in the pool: with FRAME_CHECK a second free of it panics. */
#define expect_freed(pa)                                                                           \
    do {                                                                                           \
        expect_panic(frame_free(&pool, (pa)));                                                     \
        assert_non_null(strstr(panic_message(), "already"));                                       \
    } while (0)

static inline void fake_flush(void *ctx, const struct vmspace_flush *f)
{
    assert_ptr_equal(ctx, &fl);
    assert_true(f->start < f->end);
    assert_true(IS_ALIGNED(f->start | f->end, PAGE_SIZE));
    for (unsigned i = 0; i < fl.nguard;) {
        phys_addr_t pa = fl.guard[i].pa;
        uint64_t va = fl.guard[i].va;
        if (va < f->start || va >= f->end) {
            i++;
            continue;
        }
        if (fl.guard[i].table ? !table_intact(pa) : !marked(pa))
            fail_msg("frame %lx (for %lx) was freed before the flush of [%lx, %lx)", pa, va,
                     f->start, f->end);
        fl.checked++;
        fl.guard[i] = fl.guard[--fl.nguard]; /* flushed: it may be freed from now on */
    }
    if (fl.calls < ARRAY_SIZE(fl.log))
        fl.log[fl.calls] = *f;
    fl.calls++;
    if (f->all)
        fl.alls++;
    else
        fl.pages += (f->end - f->start) / PAGE_SIZE;
    fl.in_use = pool_in_use();
    if (fl.probe)
        fl.probe_owners = frame_ref_count(&env.refs, fl.probe);
}

static inline void reset_flush_log(void)
{
    memset(&fl, 0, sizeof(fl));
}

/* Fills the template PML4's kernel half with 256 (empty) PDPTs, as the kernel pre-allocates. */
static inline void build_template(void)
{
    uint64_t *k = phys_to_virt(VT_TEMPLATE);
    memset(k, 0, PAGE_SIZE);
    for (unsigned i = VMSPACE_KERNEL_FIRST; i < 512; i++)
        k[i] = (VT_TEMPLATE + (i - VMSPACE_KERNEL_FIRST + 1) * PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
}

static inline void vt_setup_flags(unsigned env_flags)
{
    arena_create(VT_ARENA);
    region_init(&vt_list, "vmspace", vt_storage, REGION_STATIC_CAPACITY);
    assert_int_equal(region_set(&vt_list, 0, 1 * MiB, REGION_LOWMEM), K_OK);
    assert_int_equal(region_set(&vt_list, 1 * MiB, VT_POOL_BASE, REGION_KERNEL), K_OK);
    assert_int_equal(region_set(&vt_list, VT_POOL_BASE, VT_ARENA, REGION_FREE), K_OK);
    assert_int_equal(frame_init(&pool, &vt_list, FRAME_CHECK | FRAME_POISON), K_OK);
    build_template();
    reset_flush_log();
    kprintf_reset();
    vt_nhoard = 0;
    assert_int_equal(vmspace_env_init(&env, &pool, VT_TEMPLATE, env_flags, fake_flush, &fl), K_OK);
    in_use0 = pool_in_use();
    free0 = pool_free();
}

static inline int vt_setup(void **state)
{
    (void)state;
    vt_setup_flags(VMSPACE_NX);
    return 0;
}

static inline int vt_setup_no_nx(void **state)
{
    (void)state;
    vt_setup_flags(0);
    return 0;
}

static inline struct vmspace_stats stats_of(const struct vmspace *s)
{
    struct vmspace_stats st;
    vmspace_get_stats(s, &st);
    return st;
}

/* Expect the space's categories to be exactly these. */
static inline void expect_stats(const struct vmspace *s, uint64_t leaf, uint64_t pt, uint64_t pd,
                                uint64_t pdpt, uint64_t area_frames)
{
    struct vmspace_stats st = stats_of(s);
    assert_int_equal(st.leaf, leaf);
    assert_int_equal(st.pt, pt);
    assert_int_equal(st.pd, pd);
    assert_int_equal(st.pdpt, pdpt);
    assert_int_equal(st.pml4, 1);
    assert_int_equal(st.area_frames, area_frames);
}

/*
 * The accounting identity over the given spaces (all the env has): the env's frames are the sum
 * of the categories, less the extra owners of shared frames, plus frame_ref's table; and
 * exactly the pool frames in use since setup.
 */
static inline void expect_identity(struct vmspace *const *spaces, size_t n)
{
    struct vmspace_env_stats e;
    uint64_t sum = 0;
    vmspace_env_get_stats(&env, &e);
    for (size_t i = 0; i < n; i++) {
        struct vmspace_stats st = stats_of(spaces[i]);
        sum += st.leaf + st.leaf_huge + st.pt + st.pd + st.pdpt + st.pml4 + st.area_frames;
    }
    assert_int_equal(e.frames,
                     sum - (e.shared_mappings - e.shared) + e.share_frames + e.pieces_idle);
    assert_int_equal(pool_in_use() - in_use0, e.frames);
}

/* Expect every frame back in the pool: nothing in use, the free counters where they started. */
static inline void expect_pool_back(void)
{
    struct vmspace_env_stats e;
    vmspace_env_get_stats(&env, &e);
    assert_int_equal(e.frames, 0);
    assert_int_equal(e.share_frames, 0);
    assert_int_equal(e.shared, 0);
    assert_int_equal(e.shared_mappings, 0);
    assert_int_equal(e.pieces_idle, 0);
    assert_int_equal(e.split_frames, 0);
    assert_int_equal(pool_in_use(), in_use0);
    assert_int_equal(pool_free(), free0);
}

/* The frame va maps to (PHYS_NONE if none). */
static inline phys_addr_t tr(const struct vmspace *s, uint64_t va)
{
    return vmspace_translate(s, va, NULL);
}

/* The env's sharing counters now. */
static inline struct vmspace_env_stats env_stats(void)
{
    struct vmspace_env_stats e;
    vmspace_env_get_stats(&env, &e);
    return e;
}

/* The byte at va of s, through the direct map (va must be mapped). */
static inline char *at(const struct vmspace *s, uint64_t va)
{
    return (char *)phys_to_virt(tr(s, va)) + va % PAGE_SIZE;
}

/* A user leaf's flags after fork: copy-on-write (read-only), and private writable. */
#define COW_RO  (PTE_PRESENT | PTE_USER | PTE_NX | PTE_SW_OWNED | PTE_SW_COW)
#define PRIV_RW (PTE_PRESENT | PTE_WRITE | PTE_USER | PTE_NX | PTE_SW_OWNED)

static inline uint64_t leaf_flags(const struct vmspace *s, uint64_t va)
{
    uint64_t f;
    vmspace_translate(s, va, &f);
    return f;
}

/* A user read or write of va, as the #PF handler would report it. */
static inline int touch(struct vmspace *s, uint64_t va, unsigned access)
{
    return vmspace_fault(s, va, access | VM_USER);
}

#endif
