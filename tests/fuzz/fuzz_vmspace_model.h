/* SPDX-License-Identifier: 0BSD */
/*
 * The model behind tests/fuzz/fuzz_vmspace.c (included by it alone): the physical map and the
 * windows, per space and page what must be mapped, per frame its owners (owned leaves mapping it:
 * shared mappings and copy-on-write alike) and the byte a program last wrote to it, the rules of
 * the API written from include/frame64/vmspace.h (not from the code), and the checks run after
 * every step. The model and the checks are left out of the coverage instrumentation (MODEL), so
 * libFuzzer's feedback comes from src/mm alone.
 */
#ifndef TEST_FUZZ_VMSPACE_MODEL_H
#define TEST_FUZZ_VMSPACE_MODEL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/vmspace.h>

#include "arena.h"
#include "frame_counts.h"
#include "host_support.h"

#define ARENA      (18 * MiB)
#define TEMPLATE   ((phys_addr_t)1 * MiB)
#define DEV        ((phys_addr_t)2560 * KiB)
#define DEV_FRAMES 64
#define POOL_BASE  (16 * MiB) /* above FRAME_ISA_LIMIT: frees stay on the fast stack */
#define FRAMES     (ARENA / PAGE_SIZE)
#define NSPACES    3
#define NWIN       4
#define WIN        32
#define NPAGES     (NWIN * WIN)

/*
 * The model and the checks are not what is being fuzzed: leaving them out of the coverage
 * instrumentation keeps libFuzzer's feedback on src/mm and roughly doubles the speed.
 */
#define MODEL __attribute__((no_sanitize("coverage")))

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_vmspace: %s:%d: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static const uint64_t win_base[NWIN] = {
    2 * MiB - 16 * PAGE_SIZE,
    1 * GiB - 16 * PAGE_SIZE,
    512 * GiB - 16 * PAGE_SIZE,
    VMSPACE_USER_END - WIN *PAGE_SIZE,
};
/* Wide unmaps: a window and much around it. */
static const uint64_t wide_lo[NWIN] = {0, 0, 511 * GiB, VMSPACE_USER_END - 1 * GiB};
static const uint64_t wide_hi[NWIN] = {1 * GiB, 2 * GiB, 513 * GiB, VMSPACE_USER_END};

enum { K_NONE, K_ANON, K_FIXED, K_FILE, K_FILE_RO }; /* the last two: vmspace_map_file() */

#define FILE_FRAMES 8 /* frames of the outside owner (a file), placed by vmspace_place() */

struct mpage {
    uint8_t kind;
    uint8_t prot; /* normalised */
    bool present, owned, shared, uncached, cow;
    phys_addr_t frame;
};

#define VAL_OFFSET 8 /* where a step writes its byte: after the tag word */

struct mspace {
    bool live;
    struct vmspace s;
    struct mpage pg[NPAGES];
};

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static struct vmspace_env env;
static struct mspace sp[NSPACES];
static uint16_t mrefs[FRAMES];                 /* owners of each owned frame, over all spaces */
static uint8_t mval[FRAMES];                   /* the byte at VAL_OFFSET of each owned frame */
static uint64_t m_owned, m_shared, m_mappings; /* frames with mappings, with 2+, and their sum */
static phys_addr_t hoard[FRAMES];
static size_t nhoard;
static uint64_t base_in_use, base_free; /* the pool before any space */
static bool nx;
static phys_addr_t mfile[FILE_FRAMES]; /* the outside owner's frames (PHYS_NONE: let go) */
static uint64_t m_outside;             /* how many it holds: owners in mrefs, not in env.frames */

/* Frames the current step frees, and the address whose flush must come first. */
static struct {
    phys_addr_t pa;
    uint64_t va;
    phys_addr_t pml4;
} guards[NSPACES * NPAGES];
static size_t nguards;

MODEL static uint64_t va_of(unsigned k)
{
    return win_base[k / WIN] + (uint64_t)(k % WIN) * PAGE_SIZE;
}

MODEL static uint64_t tag_of(phys_addr_t pa)
{
    return 0x7a95000000000000ull ^ pa;
}

MODEL static uint64_t pool_in_use(void)
{
    return frames_in_use(&pool);
}

MODEL static uint64_t pool_free(void)
{
    return frames_free(&pool);
}

MODEL static void fake_flush(void *ctx, const struct vmspace_flush *f)
{
    CHECK(ctx == &env);
    CHECK(f->start < f->end && IS_ALIGNED(f->start | f->end, PAGE_SIZE));
    CHECK(f->end <= VMSPACE_USER_END);
    CHECK(f->all == ((f->end - f->start) / PAGE_SIZE > env.flush_max_pages));
    for (size_t i = 0; i < nguards;) {
        if (guards[i].pml4 != f->pml4 || guards[i].va < f->start || guards[i].va >= f->end) {
            i++;
            continue;
        }
        /* flush before free: the frame still holds its tag (freeing poisons or overwrites it) */
        CHECK(*(uint64_t *)phys_to_virt(guards[i].pa) == tag_of(guards[i].pa));
        guards[i] = guards[--nguards];
    }
}

/* --- The model's rules, written from the contract, not from the code. --- */

/* Normalises prot; returns 0 or the error the API must give. */
MODEL static int model_prot(unsigned prot, unsigned options, uint8_t *out)
{
    if (prot & ~(VM_PROT | options))
        return K_EINVAL;
    if ((prot & VM_WRITE) && (prot & VM_EXEC))
        return K_EPERM;
    if (prot & (VM_WRITE | VM_EXEC))
        prot |= VM_READ;
    *out = (uint8_t)(prot & VM_PROT);
    return K_OK;
}

MODEL static int model_access(const struct mpage *p, unsigned access)
{
    if (p->kind == K_NONE)
        return K_ENOENT;
    if (!(p->prot & VM_READ))
        return K_EACCES;
    if ((access & VM_WRITE) && !(p->prot & VM_WRITE))
        return K_EACCES;
    if ((access & VM_EXEC) && nx && !(p->prot & VM_EXEC))
        return K_EACCES;
    if ((access & VM_USER) && !(p->prot & VM_USER))
        return K_EACCES;
    if ((p->kind == K_FILE || p->kind == K_FILE_RO) && !p->present)
        return K_ERANGE; /* past the end of the file */
    return K_OK;
}

MODEL static uint64_t expected_leaf(const struct mpage *p)
{
    if (!p->present)
        return 0;
    uint64_t e = p->frame;
    if (p->prot & VM_READ) {
        e |= PTE_PRESENT;
        if (p->prot & VM_WRITE)
            e |= PTE_WRITE;
        if (p->prot & VM_USER)
            e |= PTE_USER;
        if (nx && !(p->prot & VM_EXEC))
            e |= PTE_NX;
    } else {
        e |= PTE_SW_NOACCESS;
    }
    if (p->owned)
        e |= PTE_SW_OWNED;
    if (p->shared)
        e |= PTE_SW_SHARED;
    if (p->cow)
        e = (e & ~PTE_WRITE) | PTE_SW_COW;
    if (p->uncached)
        e |= PTE_PCD | PTE_PWT;
    return e;
}

MODEL static uint64_t actual_leaf(const struct mspace *m, unsigned k)
{
    int level;
    uint64_t *e = pt_find(m->s.pml4, va_of(k), &level);
    CHECK(level == 0 || *e == 0); /* no huge page, no garbage above a missing table */
    return *e;
}

/* One more or one fewer mapping of the owned frame pa, with the model's totals. */
MODEL static void mref_add(phys_addr_t pa)
{
    uint16_t n = ++mrefs[pa / PAGE_SIZE];
    m_owned += n == 1;
    m_shared += n == 2;
    m_mappings += n == 2 ? 2 : n > 2;
}

MODEL static void mref_drop(phys_addr_t pa)
{
    uint16_t n = mrefs[pa / PAGE_SIZE]--;
    CHECK(n > 0);
    m_owned -= n == 1;
    m_shared -= n == 2;
    m_mappings -= n == 2 ? 2 : n > 2;
}

/*
 * The page k of m got a frame from the pool: it must be new and zero-filled. Only a share may
 * have marked it shared already (allow_shared).
 */
MODEL static void adopt(struct mspace *m, unsigned k, bool allow_shared)
{
    struct mpage *p = &m->pg[k];
    uint64_t e = actual_leaf(m, k);
    phys_addr_t pa = e & PTE_ADDR_MASK;
    CHECK(p->kind == K_ANON && !p->present);
    CHECK(e != 0 && (e & PTE_SW_OWNED) && (allow_shared || !(e & PTE_SW_SHARED)));
    CHECK(pa >= POOL_BASE && pa < ARENA && mrefs[pa / PAGE_SIZE] == 0);
    const uint64_t *w = phys_to_virt(pa);
    for (size_t i = 0; i < PAGE_SIZE / sizeof(*w); i++)
        CHECK(w[i] == 0);
    *(uint64_t *)phys_to_virt(pa) = tag_of(pa); /* what a program would write; flush checks it */
    p->present = p->owned = true;
    p->shared = (e & PTE_SW_SHARED) != 0;
    p->frame = pa;
    mval[pa / PAGE_SIZE] = 0;
    mref_add(pa);
}

/*
 * The copy-on-write page k of m may have been broken (by a write fault, a user-buffer check or a
 * share of it): if its leaf lost the mark, it must hold either its old frame, when that had no
 * other owner, or a new one with the old one's contents. Return: whether it was broken.
 */
MODEL static bool sync_cow(struct mspace *m, unsigned k)
{
    struct mpage *p = &m->pg[k];
    if (!p->cow)
        return false;
    uint64_t e = actual_leaf(m, k);
    if (e & PTE_SW_COW)
        return false;
    phys_addr_t old = p->frame, pa = e & PTE_ADDR_MASK;
    p->cow = false;
    if (mrefs[old / PAGE_SIZE] == 1) {
        CHECK(pa == old); /* taken back, not copied */
    } else {
        CHECK(pa != old && pa >= POOL_BASE && pa < ARENA && mrefs[pa / PAGE_SIZE] == 0);
        CHECK(memcmp(phys_to_virt(pa), phys_to_virt(old), PAGE_SIZE) == 0);
        *(uint64_t *)phys_to_virt(pa) = tag_of(pa);
        mval[pa / PAGE_SIZE] = mval[old / PAGE_SIZE];
        mref_drop(old);
        mref_add(pa);
        p->frame = pa;
    }
    /* a share breaks the source's copy-on-write first, then marks it shared */
    CHECK((e & ~PTE_SW_SHARED) == expected_leaf(p));
    return true;
}

MODEL static void sync_cow_range(struct mspace *m, unsigned k0, unsigned n)
{
    for (unsigned k = k0; k < k0 + n; k++)
        sync_cow(m, k);
}

/* After a step that may fault pages in: take in the ones that were. */
MODEL static void adopt_faulted(struct mspace *m, unsigned k0, unsigned n, bool allow_shared)
{
    for (unsigned k = k0; k < k0 + n; k++)
        if (m->pg[k].kind == K_ANON && !m->pg[k].present && actual_leaf(m, k) != 0)
            adopt(m, k, allow_shared);
}

MODEL static void release(struct mpage *p)
{
    if (p->present && p->owned)
        mref_drop(p->frame);
    memset(p, 0, sizeof(*p));
}

/* Before a step that unmaps pages [k0, k0 + n) of m: guard the frames it will free. */
MODEL static void guard_release(const struct mspace *m, unsigned k0, unsigned n)
{
    static uint16_t drops[FRAMES];
    nguards = 0;
    for (unsigned k = k0; k < k0 + n; k++)
        if (m->pg[k].present && m->pg[k].owned)
            drops[m->pg[k].frame / PAGE_SIZE]++;
    for (unsigned k = k0 + n; k-- > k0;) { /* the last mapping goes last: guard that one */
        const struct mpage *p = &m->pg[k];
        if (!p->present || !p->owned)
            continue;
        size_t f = p->frame / PAGE_SIZE;
        if (drops[f] == mrefs[f]) {
            guards[nguards].pa = p->frame;
            guards[nguards].va = va_of(k);
            guards[nguards++].pml4 = m->s.pml4;
        }
        drops[f] = 0;
    }
}

/* A step that failed with K_ENOMEM: only allowed when the pool was nearly empty. */
MODEL static void check_enomem(uint64_t free_before, uint64_t pages)
{
    CHECK(free_before < 24 + 4 * pages);
}

MODEL static void check_space(struct mspace *m)
{
    if (!m->live)
        return;
    struct vmspace_stats want = {.pml4 = 1}, got;
    uint64_t last_pt = UINT64_MAX, last_pd = UINT64_MAX, last_pdpt = UINT64_MAX;
    const uint64_t *pt = NULL; /* the PT of the current 2 MiB slot, walked once per slot */
    for (unsigned k = 0; k < NPAGES; k++) {
        const struct mpage *p = &m->pg[k];
        uint64_t va = va_of(k);
        if (k % WIN == 0 || va % (2 * MiB) == 0) {
            int level;
            const uint64_t *e = pt_find(m->s.pml4, va, &level);
            CHECK(level == 0 || *e == 0); /* no huge page, no garbage above a missing table */
            pt = level == 0 ? e - (va >> PAGE_SHIFT) % 512 : NULL;
        }
        uint64_t leaf = pt ? pt[(va >> PAGE_SHIFT) % 512] : 0;
        CHECK(leaf == expected_leaf(p));
        if (p->present && p->owned) /* every space reads its own copy */
            CHECK(((const uint8_t *)phys_to_virt(p->frame))[VAL_OFFSET] ==
                  mval[p->frame / PAGE_SIZE]);
        if (p->kind != K_NONE &&
            (k % WIN == 0 || m->pg[k - 1].kind != p->kind || m->pg[k - 1].prot != p->prot))
            want.areas++;
        if (!p->present)
            continue;
        if (p->prot & VM_READ)
            CHECK(vmspace_translate(&m->s, va + 5, NULL) == p->frame + 5);
        if (p->owned) {
            want.leaf++;
            want.leaf_cow += p->cow;
            want.leaf_shared += p->shared;
            want.leaf_private += !p->cow && !p->shared;
        } else {
            want.phys++;
        }
        want.pt += va >> 21 != last_pt;
        want.pd += va >> 30 != last_pd;
        want.pdpt += va >> 39 != last_pdpt;
        last_pt = va >> 21, last_pd = va >> 30, last_pdpt = va >> 39;
    }
    uint64_t data = (want.areas + 169) / 170;
    want.area_frames = data + (data > 1);
    want.tables = want.pt + want.pd + want.pdpt + want.pml4;
    vmspace_get_stats(&m->s, &got);
    CHECK(got.faults_2m == 0 && got.splits == 0); /* no area here is advised huge */
    want.faults_4k = got.faults_4k;               /* a counter, not a category */
    CHECK(memcmp(&want, &got, sizeof(want)) == 0);
}

MODEL static void check_global(void)
{
    struct vmspace_env_stats e;
    uint64_t frames = m_owned, shared = m_shared, mappings = m_mappings;
    vmspace_env_get_stats(&env, &e);
    for (int i = 0; i < NSPACES; i++) {
        if (!sp[i].live)
            continue;
        struct vmspace_stats st;
        vmspace_get_stats(&sp[i].s, &st);
        frames += st.pt + st.pd + st.pdpt + st.pml4 + st.area_frames;
    }
    CHECK(e.shared == shared && e.shared_mappings == mappings);
    CHECK((e.share_frames == 0) == (shared == 0));
    /* at most 3 * 128 + 8 owners, so 196 shared frames: frame_ref's first 512 slots, 2 frames */
    CHECK(e.share_frames <= 2);
    CHECK(e.frames == frames - m_outside + e.share_frames);
    CHECK(pool_in_use() - base_in_use - nhoard == e.frames + m_outside);
    CHECK(nguards == 0); /* every frame freed was flushed first */
}

#endif
