/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness for 2 MiB pages in address spaces (src/mm/vmspace_huge.c): random map
 * (advised or not, populated or not), touch and write, unmap, protect, advise, fork, destroy and
 * policy changes over two spaces and a window of three 2 MiB blocks either side of a 1 GiB
 * boundary, with the pool squeezed of single frames or of whole 2 MiB areas. The model keeps,
 * per space and page, what must be mapped and the byte last written, per space and block whether
 * a 2 MiB leaf maps it, per 4 KiB frame its owners, and per split 2 MiB frame its pieces still
 * held. After every step:
 *   - every page's raw leaf (the 2 MiB leaf of a huge block) equals the model's, PIECE and COW
 *     included, and every mapped page holds its byte;
 *   - a 2 MiB leaf appears only where the contract allows one (anonymous, advised or ALWAYS, the
 *     block inside one area, nothing mapped in it before), zero-filled; where one is allowed but a
 *     4 KiB page came, no 2 MiB frame may be free;
 *   - leaf_huge, leaf and leaf_cow equal the model's; the env's idle pieces equal the model's;
 *     the env's frames equal the categories and the pool's in-use count exactly;
 *   - K_ENOMEM only with a nearly empty pool, leaving the model as it was but for splits (seen
 *     in the tables and taken in: a split is invisible to a program).
 * At the end every space is destroyed and the pool must be exactly as it started (FRAME_CHECK).
 * The layout (40 MiB arena): [1M, 2M+4K) the template and its PDPTs, [8M, 40M) the pool.
 */
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

#define ARENA     (40 * MiB)
#define TEMPLATE  ((phys_addr_t)1 * MiB)
#define POOL_BASE (8 * MiB)
#define FRAMES    (ARENA / PAGE_SIZE)
#define HUGE      (2 * MiB)
#define NSP       2
#define BLOCKS    3
#define NPG       (BLOCKS * 512)
#define W0        ((uint64_t)1 * GiB - HUGE) /* blocks at 1G-2M, 1G, 1G+2M */
#define RW        (VM_READ | VM_WRITE | VM_USER)
#define MODEL     __attribute__((no_sanitize("coverage")))

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_vmspace_huge: %s:%d: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

struct mpg {
    bool mapped, present, cow, piece;
    uint8_t prot, advice, val;
    phys_addr_t frame;
};

struct msp {
    bool live;
    struct vmspace s;
    struct mpg pg[NPG];
    bool huge[BLOCKS];
};

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;
static struct vmspace_env env;
static struct msp sp[NSP];
static uint16_t mrefs[FRAMES];       /* owners of a 4 KiB frame (a piece, or a frame of its own) */
static uint16_t alive[FRAMES / 512]; /* pieces still held of a split 2 MiB frame, by its index */
static phys_addr_t hoard[FRAMES];
static size_t nhoard;
static uint64_t base_in_use, base_free;
static const uint8_t zero[HUGE];

#include "fuzz_vmspace_env.h"

struct input {
    const uint8_t *p, *end;
};

static unsigned take(struct input *in)
{
    return in->p < in->end ? *in->p++ : 0;
}

MODEL static uint64_t va_of(unsigned k)
{
    return W0 + (uint64_t)k * PAGE_SIZE;
}

MODEL static uint64_t pool_free(void)
{
    return frames_free(&pool);
}

static void fake_flush(void *ctx, const struct vmspace_flush *f)
{
    CHECK(ctx == &env && f->start < f->end);
}

/* --- The model's rules. --- */

MODEL static uint64_t prot_bits(uint8_t prot)
{
    if (!(prot & VM_READ))
        return PTE_SW_NOACCESS;
    return PTE_PRESENT | PTE_USER | ((prot & VM_WRITE) ? PTE_WRITE : 0) | PTE_NX;
}

MODEL static uint64_t expected_leaf(const struct mpg *p)
{
    if (!p->present)
        return 0;
    uint64_t e = p->frame | prot_bits(p->prot) | PTE_SW_OWNED | (p->piece ? PTE_SW_PIECE : 0);
    return p->cow ? (e & ~PTE_WRITE) | PTE_SW_COW : e;
}

/* Whether a fault in block b of m may map a 2 MiB page (the contract in vmspace.h). */
MODEL static bool huge_allowed(const struct msp *m, unsigned b)
{
    const struct mpg *first = &m->pg[b * 512];
    if (!first->mapped || env.thp == VMSPACE_THP_NEVER || first->advice == VMSPACE_NOHUGE)
        return false;
    if (first->advice != VMSPACE_HUGE && env.thp != VMSPACE_THP_ALWAYS)
        return false;
    for (unsigned i = 0; i < 512; i++) { /* one area: alike pages all through, none present */
        const struct mpg *p = &m->pg[b * 512 + i];
        if (!p->mapped || p->prot != first->prot || p->advice != first->advice || p->present)
            return false;
    }
    return true;
}

MODEL static void mref_drop(phys_addr_t pa, bool piece)
{
    CHECK(mrefs[pa / PAGE_SIZE] > 0);
    if (--mrefs[pa / PAGE_SIZE] == 0 && piece)
        CHECK(alive[pa / HUGE]-- > 0);
}

MODEL static void release(struct mpg *p)
{
    if (p->present)
        mref_drop(p->frame, p->piece);
    memset(p, 0, sizeof(*p));
}

/* Block b of m, a 2 MiB page in the model, is now 512 pieces. */
MODEL static void model_split(struct msp *m, unsigned b)
{
    m->huge[b] = false;
    phys_addr_t base = m->pg[b * 512].frame;
    CHECK(alive[base / HUGE] == 0);
    alive[base / HUGE] = 512;
    for (unsigned i = 0; i < 512; i++) {
        m->pg[b * 512 + i].piece = true;
        mrefs[(base + i * PAGE_SIZE) / PAGE_SIZE] = 1;
    }
}

MODEL static void model_drop_block(struct msp *m, unsigned b)
{
    m->huge[b] = false;
    for (unsigned i = 0; i < 512; i++)
        memset(&m->pg[b * 512 + i], 0, sizeof(struct mpg));
}

/* The splits an operation on [k0, k1) makes: blocks it cuts. */
MODEL static void split_cut(struct msp *m, unsigned k0, unsigned k1)
{
    for (unsigned b = 0; b < BLOCKS; b++)
        if (m->huge[b] &&
            ((k0 > b * 512 && k0 < b * 512 + 512) || (k1 > b * 512 && k1 < b * 512 + 512)))
            model_split(m, b);
}

/* After a failure: the splits that were made stay; take them in from the tables. */
MODEL static void sync_splits(struct msp *m)
{
    for (unsigned b = 0; b < BLOCKS; b++) {
        int level;
        pt_find(m->s.pml4, va_of(b * 512), &level);
        if (m->huge[b] && level == PT_LEVEL_PT)
            model_split(m, b);
    }
}

/*
 * Page k of m was faulted in by the kernel: a 2 MiB page or a 4 KiB one, fresh and zeroed. A
 * populate sees only the area it makes (within pages [lo, hi)): it runs before the area merges
 * with alike neighbours.
 */
MODEL static void adopt(struct msp *m, unsigned k, unsigned lo, unsigned hi)
{
    unsigned b = k / 512;
    int level;
    uint64_t *e = pt_find(m->s.pml4, va_of(k), &level);
    bool allowed = huge_allowed(m, b) && lo <= b * 512 && b * 512 + 512 <= hi;
    if (level == PT_LEVEL_PD) {
        CHECK(allowed && (*e & PTE_HUGE));
        phys_addr_t base = *e & PTE_ADDR_MASK;
        CHECK(IS_ALIGNED(base, HUGE) && base >= POOL_BASE && base < ARENA);
        CHECK(memcmp(phys_to_virt(base), zero, HUGE) == 0);
        m->huge[b] = true;
        for (unsigned i = 0; i < 512; i++) {
            struct mpg *p = &m->pg[b * 512 + i];
            CHECK(mrefs[base / PAGE_SIZE + i] == 0);
            p->present = true;
            p->frame = base + i * PAGE_SIZE;
            p->val = 0;
        }
        return;
    }
    CHECK(level == PT_LEVEL_PT && *e != 0);
    phys_addr_t pa = *e & PTE_ADDR_MASK;
    CHECK(pa >= POOL_BASE && pa < ARENA && mrefs[pa / PAGE_SIZE] == 0 && !(*e & PTE_SW_PIECE));
    CHECK(memcmp(phys_to_virt(pa), zero, PAGE_SIZE) == 0);
    if (allowed) { /* a 4 KiB page where a 2 MiB one could go: no 2 MiB frame was free */
        phys_addr_t t = frame_alloc_huge(&pool);
        CHECK(t == PHYS_NONE);
    }
    struct mpg *p = &m->pg[k];
    p->present = true;
    p->frame = pa;
    p->val = 0;
    mrefs[pa / PAGE_SIZE] = 1;
}

/* The copy-on-write page k may have been broken by a write: take in the copy, or the frame. */
MODEL static void sync_cow(struct msp *m, unsigned k)
{
    struct mpg *p = &m->pg[k];
    int level;
    uint64_t e = *pt_find(m->s.pml4, va_of(k), &level);
    if (!p->cow || (e & PTE_SW_COW))
        return;
    p->cow = false;
    phys_addr_t pa = e & PTE_ADDR_MASK;
    if (mrefs[p->frame / PAGE_SIZE] == 1) {
        CHECK(pa == p->frame); /* taken back: a piece stays a piece */
        return;
    }
    CHECK(pa != p->frame && mrefs[pa / PAGE_SIZE] == 0 && !(e & PTE_SW_PIECE));
    CHECK(memcmp(phys_to_virt(pa), phys_to_virt(p->frame), PAGE_SIZE) == 0);
    mref_drop(p->frame, p->piece);
    mrefs[pa / PAGE_SIZE] = 1;
    p->frame = pa;
    p->piece = false;
}

MODEL static int model_access(const struct mpg *p, unsigned access)
{
    if (!p->mapped)
        return K_ENOENT;
    if (!(p->prot & VM_READ) || ((access & VM_WRITE) && !(p->prot & VM_WRITE)))
        return K_EACCES;
    return K_OK;
}

MODEL static void check_enomem(uint64_t free_before, uint64_t need)
{
    CHECK(free_before < 16 + need);
}

/* --- Steps. A range is a first page and a length in the window. --- */

struct range {
    unsigned k0, k1;
};

static struct range take_range(struct input *in)
{
    /* Often on block edges (0, 512, 1024) or one page off them, so splits and fits both come. */
    static const unsigned edges[] = {0, 1, 511, 512, 513, 1023, 1024, 1025, 1535, 1536};
    unsigned a = take(in), b = take(in);
    unsigned k0 = a & 1 ? edges[(a >> 1) % 9] : (a * 7u) % NPG;
    unsigned k1 = b & 1 ? edges[(b >> 1) % 10] : k0 + 1 + (b * 13u) % (NPG - k0);
    if (k1 <= k0)
        k1 = k0 + 1;
    return (struct range){k0, MIN(k1, (unsigned)NPG)};
}

static void step_map(struct msp *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned o = take(in);
    unsigned prot = (o & 3) == 0 ? VM_READ | VM_USER : RW;
    unsigned opt = (o & 4 ? VM_POPULATE : 0) | (o & 8 ? VM_HUGE : 0);
    int want = K_OK;
    for (unsigned k = r.k0; k < r.k1; k++)
        if (m->pg[k].mapped)
            want = K_EEXIST;
    uint64_t free_before = pool_free();
    int err = vmspace_map_anon(&m->s, va_of(r.k0), (uint64_t)(r.k1 - r.k0) * PAGE_SIZE, prot | opt);
    TRACE("space %d: map [%u, %u) prot %x opt %x: %d (free %lu)\n", (int)(m - sp), r.k0, r.k1, prot,
          opt, err, free_before);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, (opt & VM_POPULATE) ? r.k1 - r.k0 + 512 : 0);
    CHECK(err == want);
    if (err != K_OK)
        return;
    for (unsigned k = r.k0; k < r.k1; k++)
        m->pg[k] = (struct mpg){.mapped = true,
                                .prot = (uint8_t)prot,
                                .advice = (opt & VM_HUGE) ? VMSPACE_HUGE : VMSPACE_ADVICE_NONE};
    for (unsigned k = r.k0; (opt & VM_POPULATE) && k < r.k1; k++)
        if (!m->pg[k].present)
            adopt(m, k, r.k0, r.k1);
}

static void step_write(struct msp *m, struct input *in)
{
    unsigned k = (take(in) * 256u + take(in)) % NPG, v = take(in);
    bool write = v & 1;
    unsigned access = (write ? VM_WRITE : VM_READ) | VM_USER;
    int want = model_access(&m->pg[k], access);
    uint64_t free_before = pool_free();
    int err = vmspace_fault(&m->s, va_of(k) + (v & 0xff0), access);
    TRACE("space %d: %s page %u: %d (free %lu)\n", (int)(m - sp), write ? "write" : "read", k, err,
          free_before);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, 1);
    CHECK(err == want);
    if (err != K_OK)
        return;
    if (!m->pg[k].present)
        adopt(m, k, 0, NPG);
    if (write) {
        sync_cow(m, k);
        CHECK(!m->pg[k].cow);
        ((uint8_t *)phys_to_virt(m->pg[k].frame))[8] = (uint8_t)v;
        m->pg[k].val = (uint8_t)v;
    }
}

static void step_unmap(struct msp *m, struct input *in)
{
    struct range r = take_range(in);
    uint64_t free_before = pool_free();
    int err = vmspace_unmap(&m->s, va_of(r.k0), (uint64_t)(r.k1 - r.k0) * PAGE_SIZE);
    TRACE("space %d: unmap [%u, %u): %d\n", (int)(m - sp), r.k0, r.k1, err);
    if (err == K_ENOMEM) {
        sync_splits(m);
        return check_enomem(free_before, 0);
    }
    CHECK(err == K_OK);
    split_cut(m, r.k0, r.k1);
    for (unsigned b = 0; b < BLOCKS; b++)
        if (m->huge[b] && r.k0 <= b * 512 && r.k1 >= b * 512 + 512)
            model_drop_block(m, b);
    for (unsigned k = r.k0; k < r.k1; k++)
        release(&m->pg[k]);
}

/* protect (set) or advise: the whole range must be mapped. */
static void step_change(struct msp *m, struct input *in, bool advise)
{
    struct range r = take_range(in);
    unsigned v = take(in) % 3;
    int want = K_OK;
    for (unsigned k = r.k0; k < r.k1; k++)
        if (!m->pg[k].mapped)
            want = K_ENOENT;
    uint64_t free_before = pool_free(), size = (uint64_t)(r.k1 - r.k0) * PAGE_SIZE;
    unsigned prot = v == 0 ? 0 : v == 1 ? VM_READ | VM_USER : RW;
    int err = advise ? vmspace_advise(&m->s, va_of(r.k0), size, v)
                     : vmspace_protect(&m->s, va_of(r.k0), size, prot);
    TRACE("space %d: %s [%u, %u) %u: %d\n", (int)(m - sp), advise ? "advise" : "protect", r.k0,
          r.k1, advise ? v : prot, err);
    if (err == K_ENOMEM && want == K_OK) {
        sync_splits(m);
        return check_enomem(free_before, 0);
    }
    CHECK(err == want);
    if (err != K_OK)
        return;
    split_cut(m, r.k0, r.k1);
    for (unsigned k = r.k0; k < r.k1; k++) {
        if (advise)
            m->pg[k].advice = (uint8_t)v;
        else
            m->pg[k].prot = (uint8_t)prot;
    }
}

static void step_destroy(struct msp *m)
{
    vmspace_destroy(&m->s);
    for (unsigned b = 0; b < BLOCKS; b++)
        if (m->huge[b])
            model_drop_block(m, b); /* freed whole: no 4 KiB owner to drop */
    for (unsigned k = 0; k < NPG; k++)
        release(&m->pg[k]);
    m->live = false;
}

static void step_create(struct msp *m)
{
    int err = vmspace_create(&m->s, &env);
    CHECK(err == K_OK || (err == K_ENOMEM && pool_free() == 0));
    m->live = err == K_OK;
}

static void step_fork(struct msp *child, struct msp *parent)
{
    step_destroy(child);
    step_create(child);
    if (!child->live)
        return;
    uint64_t free_before = pool_free();
    int err = vmspace_fork(&child->s, &parent->s);
    TRACE("space %d: fork into %d: %d\n", (int)(parent - sp), (int)(child - sp), err);
    if (err == K_ENOMEM) {
        sync_splits(parent);
        return check_enomem(free_before, 16);
    }
    CHECK(err == K_OK);
    for (unsigned b = 0; b < BLOCKS; b++)
        if (parent->huge[b])
            model_split(parent, b);
    for (unsigned k = 0; k < NPG; k++) {
        struct mpg *p = &parent->pg[k];
        if (p->present) {
            p->cow = true;
            mrefs[p->frame / PAGE_SIZE]++;
        }
        child->pg[k] = *p;
    }
}

/* Takes single frames until keep are left, or (whole) every free 2 MiB area. */
static void squeeze(unsigned keep, bool whole)
{
    TRACE("squeeze to %u free%s\n", keep, whole ? ", whole areas" : "");
    if (whole) {
        for (phys_addr_t pa; (pa = frame_alloc_huge(&pool)) != PHYS_NONE;)
            hoard[nhoard++] = pa | 1;
        return;
    }
    for (uint64_t n = pool_free(); n > keep; n--)
        hoard[nhoard++] = frame_alloc(&pool);
}

static void unsqueeze(void)
{
    while (nhoard) {
        phys_addr_t pa = hoard[--nhoard];
        if (pa & 1)
            frame_free_huge(&pool, pa & ~(phys_addr_t)1);
        else
            frame_free(&pool, pa);
    }
}

/* --- The checks after every step. --- */

MODEL static void check_space(struct msp *m)
{
    if (!m->live)
        return;
    struct vmspace_stats st;
    vmspace_get_stats(&m->s, &st);
    uint64_t leaf = 0, cow = 0, huge = 0;
    for (unsigned b = 0; b < BLOCKS; b++) { /* one walk per block: its PD entry or its PT */
        int level;
        const uint64_t *e = pt_find(m->s.pml4, va_of(b * 512), &level);
        CHECK(level <= PT_LEVEL_PD || *e == 0);
        if (m->huge[b]) {
            const struct mpg *p = &m->pg[b * 512];
            CHECK(level == PT_LEVEL_PD);
            CHECK(*e == (p->frame | prot_bits(p->prot) | PTE_SW_OWNED | PTE_HUGE));
            huge++;
        } else {
            CHECK(level == PT_LEVEL_PT || *e == 0);
        }
        for (unsigned i = 0; i < 512; i++) {
            const struct mpg *p = &m->pg[b * 512 + i];
            if (m->huge[b]) {
                CHECK(p->present && !p->cow && !p->piece &&
                      p->frame == m->pg[b * 512].frame + i * PAGE_SIZE);
            } else {
                CHECK((level == PT_LEVEL_PT ? e[i] : 0) == expected_leaf(p));
                leaf += p->present;
                cow += p->present && p->cow;
            }
            if (p->present)
                CHECK(((const uint8_t *)phys_to_virt(p->frame))[8] == p->val);
        }
    }
    CHECK(st.leaf_huge == huge * 512 && st.leaf == leaf && st.leaf_cow == cow);
}

MODEL static void check_global(void)
{
    struct vmspace_env_stats e;
    vmspace_env_get_stats(&env, &e);
    uint64_t sum = 0, idle = 0;
    for (int i = 0; i < NSP; i++) {
        if (!sp[i].live)
            continue;
        struct vmspace_stats st;
        vmspace_get_stats(&sp[i].s, &st);
        sum += st.leaf + st.leaf_huge + st.tables + st.area_frames;
    }
    for (size_t a = 0; a < FRAMES / 512; a++)
        idle += alive[a] ? 512 - alive[a] : 0;
    CHECK(e.pieces_idle == idle);
    CHECK(e.frames == sum - (e.shared_mappings - e.shared) + e.share_frames + e.pieces_idle);
    uint64_t hoarded = 0;
    for (size_t i = 0; i < nhoard; i++)
        hoarded += hoard[i] & 1 ? 512 : 1;
    CHECK(frames_in_use(&pool) - base_in_use - hoarded == e.frames);
}

static void reset(unsigned cfg)
{
    fuzz_vmspace_env_reset(&list, storage, &pool, &env, ARENA, TEMPLATE, POOL_BASE, VMSPACE_NX,
                           fake_flush);
    env.thp = cfg % 3;
    memset(mrefs, 0, sizeof(mrefs));
    memset(alive, 0, sizeof(alive));
    memset(sp, 0, sizeof(sp));
    nhoard = 0;
    base_in_use = frames_in_use(&pool);
    base_free = pool_free();
    for (int i = 0; i < NSP; i++)
        step_create(&sp[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, data + size};
    tracing = getenv("FUZZ_VMSPACE_TRACE") != NULL;
    reset(take(&in));
    TRACE("policy %u\n", env.thp);
    while (in.p < in.end) {
        unsigned op = take(&in), a = op >> 7;
        struct msp *m = &sp[a];
        if (!m->live) {
            step_create(m);
            continue;
        }
        switch (op & 15) {
        case 0:
        case 1:
            step_map(m, &in);
            break;
        case 2:
        case 3:
        case 4:
            step_write(m, &in);
            break;
        case 5:
            step_unmap(m, &in);
            break;
        case 6:
            step_change(m, &in, false);
            break;
        case 7:
            step_change(m, &in, true);
            break;
        case 8:
            if (sp[!a].live)
                step_fork(&sp[!a], m);
            break;
        case 9:
            step_destroy(m);
            break;
        case 10:
            squeeze(take(&in) % 24, take(&in) & 1);
            break;
        case 11:
            unsqueeze();
            break;
        case 12:
            env.thp = take(&in) % 3;
            TRACE("policy %u\n", env.thp);
            break;
        default: /* a burst of writes */
            for (unsigned i = take(&in) % 16; i > 0; i--)
                step_write(m, &in);
            break;
        }
        check_space(&sp[0]);
        check_space(&sp[1]);
        check_global();
    }
    for (int i = 0; i < NSP; i++)
        if (sp[i].live)
            step_destroy(&sp[i]);
    check_global();
    unsqueeze();
    CHECK(frames_in_use(&pool) == base_in_use && pool_free() == base_free);
    return 0;
}
