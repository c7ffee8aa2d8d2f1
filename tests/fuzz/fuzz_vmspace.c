/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness for address spaces (src/mm/vmspace*.c): random sequences of map (anonymous,
 * populated or not, physical), touch (faults), user-buffer checks, share (between spaces and
 * within one), unmap (inside a window or wide), protect, destroy and create, over three spaces,
 * with the pool squeezed now and then so that every operation meets out-of-memory. A model
 * keeps, per space and page, what must be mapped, and per frame its mappings. After every step:
 *   - every leaf (the raw entry, software bits included) equals the model's;
 *   - every accounting category of every space equals the one computed from the model (tables
 *     per level from the mapped pages, areas as maximal alike runs, list frames from the count);
 *   - the sharing table's counts equal the model's, the env's frames equal the categories, and
 *     the pool's in-use count equals them exactly;
 *   - a frame handed out is new to the model and zero-filled.
 * A double free panics (FRAME_CHECK); the fake flush checks that each frame the step frees is
 * still intact when the flush covering its last mapping runs; VM_ENOMEM must leave the state
 * as it was (bar source pages a share faulted in, which the model adopts after checking them)
 * and may only come when the pool is nearly empty. At the end every space is destroyed and the
 * pool must be exactly as it started.
 *
 * Each space has four windows of 32 pages, straddling a PT, a PD, a PDPT boundary and the top
 * of the user half, so tables are made and freed at every level. The physical map (18 MiB):
 *   0    1M                 2M+4K   2560K  2816K                16M           18M
 *   |low | template + PDPTs |       | dev  |       (reserved)   |  pool (512)  |
 *
 * Input: byte 0 picks NX and the flush threshold; then an opcode byte and its argument bytes.
 * State is reset between inputs (the arena is made once), so an input costs only its steps.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/vmspace.h>

#include "arena.h"
#include "host_support.h"

#define ARENA       (18 * MiB)
#define TEMPLATE    ((phys_addr_t)1 * MiB)
#define DEV         ((phys_addr_t)2560 * KiB)
#define DEV_FRAMES  64
#define POOL_BASE   (16 * MiB) /* above FRAME_ISA_LIMIT: frees stay on the fast stack */
#define FRAMES      (ARENA / PAGE_SIZE)
#define NSPACES     3
#define NWIN        4
#define WIN         32
#define NPAGES      (NWIN * WIN)
#define POISON_WORD (0x0101010101010101ull * FRAME_POISON_BYTE)

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

enum { K_NONE, K_ANON, K_FIXED };

struct mpage {
    uint8_t kind;
    uint8_t prot; /* normalised */
    bool present, owned, shared, uncached;
    phys_addr_t frame;
};

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
static uint16_t mrefs[FRAMES];                 /* mappings of each owned frame, over all spaces */
static uint64_t m_owned, m_shared, m_mappings; /* frames with mappings, with 2+, and their sum */
static phys_addr_t hoard[FRAMES];
static size_t nhoard;
static uint64_t base_in_use, base_free; /* the pool before any space */
static bool nx;

/* Frames the current step frees, and the address whose flush must come first. */
static struct {
    phys_addr_t pa;
    uint64_t va;
    phys_addr_t pml4;
} guards[NSPACES * NPAGES];
static size_t nguards;

struct input {
    const uint8_t *p, *end;
};

/* FUZZ_VMSPACE_TRACE=1 prints every step (for reading a crash). */
static bool tracing;
#define TRACE(...)                                                                                 \
    do {                                                                                           \
        if (tracing)                                                                               \
            fprintf(stderr, __VA_ARGS__);                                                          \
    } while (0)

static unsigned take(struct input *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

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
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    return s.in_use / PAGE_SIZE;
}

MODEL static uint64_t pool_free(void)
{
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    return (s.stacked + s.unseeded) / PAGE_SIZE;
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
        return VM_EINVAL;
    if ((prot & VM_WRITE) && (prot & VM_EXEC))
        return VM_EWX;
    if (prot & (VM_WRITE | VM_EXEC))
        prot |= VM_READ;
    *out = (uint8_t)(prot & VM_PROT);
    return VM_OK;
}

MODEL static int model_access(const struct mpage *p, unsigned access)
{
    if (p->kind == K_NONE)
        return VM_ENOMAP;
    if (!(p->prot & VM_READ))
        return VM_EACCES;
    if ((access & VM_WRITE) && !(p->prot & VM_WRITE))
        return VM_EACCES;
    if ((access & VM_EXEC) && nx && !(p->prot & VM_EXEC))
        return VM_EACCES;
    if ((access & VM_USER) && !(p->prot & VM_USER))
        return VM_EACCES;
    return VM_OK;
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
    mref_add(pa);
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

/* A step that failed with VM_ENOMEM: only allowed when the pool was nearly empty. */
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
        if (p->kind != K_NONE &&
            (k % WIN == 0 || m->pg[k - 1].kind != p->kind || m->pg[k - 1].prot != p->prot))
            want.areas++;
        if (!p->present)
            continue;
        if (p->prot & VM_READ)
            CHECK(vmspace_translate(&m->s, va + 5, NULL) == p->frame + 5);
        if (p->owned)
            want.leaf++;
        else
            want.phys++;
        want.pt += va >> 21 != last_pt;
        want.pd += va >> 30 != last_pd;
        want.pdpt += va >> 39 != last_pdpt;
        last_pt = va >> 21, last_pd = va >> 30, last_pdpt = va >> 39;
    }
    uint64_t data = (want.areas + 169) / 170;
    want.area_frames = data + (data > 1);
    vmspace_get_stats(&m->s, &got);
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
    CHECK(e.share_frames <= 5); /* at most 3 * 128 shared frames: 1024 entries */
    CHECK(e.frames == frames + e.share_frames);
    CHECK(pool_in_use() - base_in_use - nhoard == e.frames);
    CHECK(nguards == 0); /* every frame freed was flushed first */
}

/* --- Steps. A range is a window, a first page and a length inside the window. --- */

struct range {
    unsigned k0, n;
};

static struct range take_range(struct input *in)
{
    unsigned b = take(in), w = (b >> 5) & 3, off = b & 31;
    unsigned n = 1 + take(in) % (WIN - off);
    return (struct range){w * WIN + off, n};
}

MODEL static bool any_mapped(const struct mspace *m, struct range r)
{
    for (unsigned k = r.k0; k < r.k0 + r.n; k++)
        if (m->pg[k].kind != K_NONE)
            return true;
    return false;
}

MODEL static bool all_mapped(const struct mspace *m, struct range r)
{
    for (unsigned k = r.k0; k < r.k0 + r.n; k++)
        if (m->pg[k].kind == K_NONE)
            return false;
    return true;
}

static unsigned take_prot(struct input *in)
{
    unsigned b = take(in);
    return (b & VM_PROT) | ((b & 0xf0) == 0xf0 ? 0x100 : 0); /* now and then an unknown bit */
}

static void step_map_anon(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned prot = take_prot(in), opt = take(in) & 1 ? VM_POPULATE : 0;
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == VM_OK && any_mapped(m, r))
        want = VM_EEXIST;
    uint64_t free_before = pool_free();
    int err = vmspace_map_anon(&m->s, va_of(r.k0), (uint64_t)r.n * PAGE_SIZE, prot | opt);
    TRACE("space %d: map_anon pages [%u, +%u) prot %x%s: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, opt ? " populate" : "", err, want);
    if (err == VM_ENOMEM && want == VM_OK)
        return check_enomem(free_before, r.n);
    CHECK(err == want);
    for (unsigned k = r.k0; want == VM_OK && k < r.k0 + r.n; k++) {
        m->pg[k] = (struct mpage){.kind = K_ANON, .prot = p};
        if (opt)
            adopt(m, k, false);
    }
}

static void step_map_phys(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned prot = take_prot(in), b = take(in);
    unsigned opt = b & 1 ? VM_UNCACHED : 0;
    phys_addr_t phys = DEV + (uint64_t)((b >> 1) % (DEV_FRAMES - r.n + 1)) * PAGE_SIZE;
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == VM_OK && any_mapped(m, r))
        want = VM_EEXIST;
    uint64_t free_before = pool_free();
    int err = vmspace_map_phys(&m->s, va_of(r.k0), phys, (uint64_t)r.n * PAGE_SIZE, prot | opt);
    TRACE("space %d: map_phys pages [%u, +%u) prot %x: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, err, want);
    if (err == VM_ENOMEM && want == VM_OK)
        return check_enomem(free_before, r.n);
    CHECK(err == want);
    for (unsigned k = r.k0; want == VM_OK && k < r.k0 + r.n; k++)
        m->pg[k] = (struct mpage){.kind = K_FIXED,
                                  .prot = p,
                                  .present = true,
                                  .uncached = opt != 0,
                                  .frame = phys + (uint64_t)(k - r.k0) * PAGE_SIZE};
}

static void step_share(struct mspace *dst, struct mspace *src, struct input *in)
{
    struct range d = take_range(in), s = take_range(in);
    unsigned prot = take_prot(in);
    unsigned n = MIN(d.n, s.n);
    d.n = s.n = n;
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == VM_OK && !all_mapped(src, s))
        want = VM_ENOMAP;
    if (want == VM_OK && any_mapped(dst, d))
        want = VM_EEXIST;
    uint64_t free_before = pool_free();
    int err =
        vmspace_share(&dst->s, va_of(d.k0), &src->s, va_of(s.k0), (uint64_t)n * PAGE_SIZE, prot);
    TRACE("space %d: share pages [%u, +%u) from space %d page %u prot %x: %d (want %d)\n",
          (int)(dst - sp), d.k0, n, (int)(src - sp), s.k0, prot, err, want);
    if (err == VM_ENOMEM && want == VM_OK) {
        /*
         * The source pages it faulted in stay (zero-filled, as before), and the source leaves
         * it got to before failing keep a (stale) shared mark.
         */
        adopt_faulted(src, s.k0, n, true);
        for (unsigned k = s.k0; k < s.k0 + n; k++) {
            struct mpage *pg = &src->pg[k];
            uint64_t e = actual_leaf(src, k);
            CHECK((e & ~PTE_SW_SHARED) == (expected_leaf(pg) & ~PTE_SW_SHARED));
            pg->shared = (e & PTE_SW_SHARED) != 0;
            CHECK(!pg->shared || pg->owned);
        }
        return check_enomem(free_before, n);
    }
    CHECK(err == want);
    if (want != VM_OK)
        return;
    adopt_faulted(src, s.k0, n, true);
    for (unsigned i = 0; i < n; i++) {
        struct mpage *from = &src->pg[s.k0 + i], *to = &dst->pg[d.k0 + i];
        CHECK(from->present);
        from->shared |= from->owned;
        *to = (struct mpage){.kind = K_FIXED,
                             .prot = p,
                             .present = true,
                             .owned = from->owned,
                             .shared = from->owned,
                             .uncached = from->uncached,
                             .frame = from->frame};
        if (to->owned)
            mref_add(to->frame);
    }
}

static void step_unmap(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned w = r.k0 / WIN;
    bool wide = take(in) & 1;
    uint64_t lo = wide ? wide_lo[w] : va_of(r.k0);
    uint64_t hi = wide ? wide_hi[w] : va_of(r.k0) + (uint64_t)r.n * PAGE_SIZE;
    unsigned k0 = NPAGES, k1 = 0; /* the model pages inside [lo, hi) are contiguous */
    for (unsigned k = 0; k < NPAGES; k++) {
        if (va_of(k) >= lo && va_of(k) < hi) {
            k0 = MIN(k0, k);
            k1 = k + 1;
        }
    }
    guard_release(m, k0, k1 - k0);
    uint64_t free_before = pool_free();
    int err = vmspace_unmap(&m->s, lo, hi - lo);
    TRACE("space %d: unmap [%lx, %lx) pages [%u, %u): %d\n", (int)(m - sp), lo, hi, k0, k1, err);
    if (err == VM_ENOMEM) {
        nguards = 0;
        return check_enomem(free_before, 0);
    }
    CHECK(err == VM_OK);
    for (unsigned k = k0; k < k1; k++)
        release(&m->pg[k]);
}

static void step_protect(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned prot = take_prot(in);
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == VM_OK && !all_mapped(m, r))
        want = VM_ENOMAP;
    uint64_t free_before = pool_free();
    int err = vmspace_protect(&m->s, va_of(r.k0), (uint64_t)r.n * PAGE_SIZE, prot);
    TRACE("space %d: protect pages [%u, +%u) prot %x: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, err, want);
    if (err == VM_ENOMEM && want == VM_OK)
        return check_enomem(free_before, 0);
    CHECK(err == want);
    for (unsigned k = r.k0; want == VM_OK && k < r.k0 + r.n; k++)
        m->pg[k].prot = p;
}

static unsigned take_access(struct input *in, bool buffer)
{
    static const unsigned kinds[] = {VM_READ, VM_WRITE, VM_EXEC};
    unsigned b = take(in);
    return kinds[(b & 3) % (buffer ? 2 : 3)] | (b & 4 ? VM_USER : 0);
}

static void step_touch(struct mspace *m, struct input *in)
{
    unsigned k = take(in) % NPAGES, access = take_access(in, false);
    int want = model_access(&m->pg[k], access);
    uint64_t free_before = pool_free();
    int err = vmspace_fault(&m->s, va_of(k) + (take(in) << 4), access);
    TRACE("space %d: fault page %u access %x: %d (want %d)\n", (int)(m - sp), k, access, err, want);
    if (err == VM_ENOMEM && want == VM_OK)
        return check_enomem(free_before, 1);
    CHECK(err == want);
    if (want == VM_OK && !m->pg[k].present)
        adopt(m, k, false);
}

static void step_check_user(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned access = take_access(in, true), b = take(in);
    uint64_t va = va_of(r.k0) + (b & 0xf) * 256;
    uint64_t len = (uint64_t)r.n * PAGE_SIZE - (b & 0xf) * 256 - (b >> 4);
    int want = VM_OK;
    unsigned k = r.k0;
    bool may_fail = false; /* some page before the first refused one needs a frame */
    for (; k < r.k0 + r.n && want == VM_OK; k++) {
        want = model_access(&m->pg[k], access | VM_USER);
        may_fail |= want == VM_OK && !m->pg[k].present;
    }
    uint64_t free_before = pool_free();
    int err = vmspace_check_user(&m->s, va, len, access);
    TRACE("space %d: check_user [%lx, +%lx) pages [%u, +%u) access %x: %d (want %d)\n",
          (int)(m - sp), va, len, r.k0, r.n, access, err, want);
    if (err == VM_ENOMEM && may_fail) {
        adopt_faulted(m, r.k0, r.n, false);
        return check_enomem(free_before, r.n);
    }
    CHECK(err == want);
    adopt_faulted(m, r.k0, k - r.k0, false); /* every page before the failing one was faulted in */
}

static void step_destroy(struct mspace *m)
{
    TRACE("space %d: destroy\n", (int)(m - sp));
    guard_release(m, 0, NPAGES);
    vmspace_destroy(&m->s);
    for (unsigned k = 0; k < NPAGES; k++)
        release(&m->pg[k]);
    m->live = false;
}

static void step_create(struct mspace *m)
{
    int err = vmspace_create(&m->s, &env);
    TRACE("space %d: create: %d\n", (int)(m - sp), err);
    CHECK(err == VM_OK || (err == VM_ENOMEM && pool_free() == 0));
    m->live = err == VM_OK;
}

static void squeeze(unsigned keep)
{
    TRACE("squeeze to %u free\n", keep);
    for (uint64_t n = pool_free(); n > keep; n--)
        hoard[nhoard++] = frame_alloc(&pool);
}

static void unsqueeze(void)
{
    while (nhoard)
        frame_free(&pool, hoard[--nhoard]);
}

static void reset(unsigned cfg)
{
    static bool arena_ready;
    if (!arena_ready) {
        arena_create(ARENA);
        arena_ready = true;
    }
    region_init(&list, "fuzz", storage, REGION_STATIC_CAPACITY);
    CHECK(region_set(&list, 0, 1 * MiB, REGION_LOWMEM) == K_OK);
    CHECK(region_set(&list, 1 * MiB, POOL_BASE, REGION_KERNEL) == K_OK);
    CHECK(region_set(&list, POOL_BASE, ARENA, REGION_FREE) == K_OK);
    CHECK(frame_init(&pool, &list, FRAME_CHECK | FRAME_POISON) == K_OK);
    uint64_t *k = phys_to_virt(TEMPLATE);
    for (unsigned i = 0; i < 512; i++)
        k[i] = i < VMSPACE_KERNEL_FIRST ? 0 : (TEMPLATE + (i - 255) * PAGE_SIZE) | PTE_PRESENT;
    nx = cfg & 1;
    CHECK(vmspace_env_init(&env, &pool, TEMPLATE, nx ? VMSPACE_NX : 0, fake_flush, &env) == VM_OK);
    env.flush_max_pages = (cfg >> 1) % 64;
    memset(mrefs, 0, sizeof(mrefs));
    m_owned = m_shared = m_mappings = 0;
    memset(sp, 0, sizeof(sp));
    nhoard = nguards = 0;
    base_in_use = pool_in_use();
    base_free = pool_free();
    for (int i = 0; i < NSPACES; i++)
        step_create(&sp[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, data + size};
    tracing = getenv("FUZZ_VMSPACE_TRACE") != NULL;
    reset(take(&in));
    while (in.p < in.end) {
        unsigned op = take(&in), a = take(&in) % NSPACES, b = (op >> 4) % NSPACES;
        struct mspace *m = &sp[a];
        if (!m->live && (op & 15) != 11) {
            step_create(m);
            continue;
        }
        switch (op & 15) {
        case 0:
        case 1:
            step_map_anon(m, &in);
            break;
        case 2:
            step_map_phys(m, &in);
            break;
        case 3:
        case 4:
            if (sp[b].live)
                step_share(m, &sp[b], &in);
            break;
        case 5:
        case 6:
            step_unmap(m, &in);
            break;
        case 7:
            step_protect(m, &in);
            break;
        case 8:
        case 9:
            step_touch(m, &in);
            break;
        case 10:
            step_check_user(m, &in);
            break;
        case 11:
            if (m->live)
                step_destroy(m);
            else
                step_create(m);
            break;
        case 12:
            squeeze(take(&in) % 24);
            break;
        case 13:
            unsqueeze();
            break;
        default: /* 14, 15: a burst of touches */
            for (unsigned i = take(&in) % 16; i > 0; i--)
                step_touch(m, &in);
            break;
        }
        check_space(m);
        if (m != &sp[b])
            check_space(&sp[b]);
        check_global();
    }
    for (int i = 0; i < NSPACES; i++)
        if (sp[i].live)
            step_destroy(&sp[i]);
    check_global();
    unsqueeze();
    CHECK(pool_in_use() == base_in_use && pool_free() == base_free);
    return 0;
}
