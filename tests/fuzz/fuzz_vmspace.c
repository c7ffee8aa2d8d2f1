/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness for address spaces (src/mm/vmspace*.c): random sequences of map (anonymous,
 * populated or not, physical), touch (faults), writes (a byte per page, through copy-on-write),
 * user-buffer checks, share (between spaces and within one), fork (into a fresh or a non-empty
 * space), unmap (inside a window or wide), protect, destroy and create, over three spaces, and
 * the frames of an outside owner (a file: fuzz_vmspace_file.h) mapped in file areas and placed,
 * with the pool squeezed now and then so that every operation meets out-of-memory. A model
 * keeps, per space and page, what must be mapped, and per frame its mappings. After every step:
 *   - every leaf (the raw entry, software bits included) equals the model's;
 *   - every accounting category of every space equals the one computed from the model (tables
 *     per level from the mapped pages, areas as maximal alike runs, list frames from the count);
 *   - frame_ref's counts equal the model's, the env's frames equal the categories, and
 *     the pool's in-use count equals them exactly;
 *   - a frame handed out is new to the model and zero-filled, or, for a copy-on-write break, a
 *     copy of the frame it replaces;
 *   - every owned page holds the byte last written to it through its own space (a write after a
 *     fork is seen by the writer alone, a write to a shared mapping by every mapping).
 * A double free panics (FRAME_CHECK); the fake flush checks that each frame the step frees is
 * still intact when the flush covering its last mapping runs; K_ENOMEM must leave the state
 * as it was (bar source pages a share faulted in, which the model adopts after checking them)
 * and may only come when the pool is nearly empty. At the end every space is destroyed and the
 * pool must be exactly as it started.
 *
 * Each space has four windows of 32 pages, straddling a PT, a PD, a PDPT boundary and the top
 * of the user half, so tables are made and freed at every level. The physical map (18 MiB):
 *   0    1M                 2M+4K   2560K  2816K                16M           18M
 *   |low | template + PDPTs |       | dev  |       (reserved)   |  pool (512)  |
 *
 * Also vmspace_find_free() against the model's highest free run in a window.
 *
 * Input: byte 0 picks NX and the flush threshold; then an opcode byte and its argument bytes.
 * State is reset between inputs (the arena is made once), so an input costs only its steps.
 */
#include "fuzz_vmspace_input.h"

static void step_map_anon(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned prot = take_prot(in), opt = take(in) & 1 ? VM_POPULATE : 0;
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == K_OK && any_mapped(m, r))
        want = K_EEXIST;
    uint64_t free_before = pool_free();
    int err = vmspace_map_anon(&m->s, va_of(r.k0), (uint64_t)r.n * PAGE_SIZE, prot | opt);
    TRACE("space %d: map_anon pages [%u, +%u) prot %x%s: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, opt ? " populate" : "", err, want);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, r.n);
    CHECK(err == want);
    for (unsigned k = r.k0; want == K_OK && k < r.k0 + r.n; k++) {
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
    if (want == K_OK && any_mapped(m, r))
        want = K_EEXIST;
    uint64_t free_before = pool_free();
    int err = vmspace_map_phys(&m->s, va_of(r.k0), phys, (uint64_t)r.n * PAGE_SIZE, prot | opt);
    TRACE("space %d: map_phys pages [%u, +%u) prot %x: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, err, want);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, r.n);
    CHECK(err == want);
    for (unsigned k = r.k0; want == K_OK && k < r.k0 + r.n; k++)
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
    if (want == K_OK && !all_mapped(src, s))
        want = K_ENOENT;
    if (want == K_OK && any_mapped(dst, d))
        want = K_EEXIST;
    unsigned hole = n; /* a file area's page past the file's end: nothing to share */
    for (unsigned i = 0; want == K_OK && i < n && hole == n; i++)
        if ((src->pg[s.k0 + i].kind == K_FILE || src->pg[s.k0 + i].kind == K_FILE_RO) &&
            !src->pg[s.k0 + i].present)
            hole = i;
    if (hole < n)
        want = K_ENOENT;
    uint64_t free_before = pool_free();
    int err =
        vmspace_share(&dst->s, va_of(d.k0), &src->s, va_of(s.k0), (uint64_t)n * PAGE_SIZE, prot);
    if (hole < n && (err == K_ENOENT || err == K_ENOMEM)) {
        /* the source pages before the hole were faulted in and their copy-on-write broken */
        adopt_faulted(src, s.k0, hole, false);
        sync_cow_range(src, s.k0, hole);
        if (err == K_ENOMEM)
            return check_enomem(free_before, n);
    }
    TRACE("space %d: share pages [%u, +%u) from space %d page %u prot %x: %d (want %d)\n",
          (int)(dst - sp), d.k0, n, (int)(src - sp), s.k0, prot, err, want);
    if (err == K_ENOMEM && want == K_OK) {
        /*
         * The source pages it faulted in stay (zero-filled, as before), its copy-on-write pages
         * it broke stay broken (same contents), and the source leaves it got to before failing
         * keep a (stale) shared mark.
         */
        adopt_faulted(src, s.k0, n, true);
        sync_cow_range(src, s.k0, n);
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
    if (want != K_OK)
        return;
    adopt_faulted(src, s.k0, n, true);
    sync_cow_range(src, s.k0, n);
    for (unsigned i = 0; i < n; i++) {
        struct mpage *from = &src->pg[s.k0 + i], *to = &dst->pg[d.k0 + i];
        CHECK(from->present && !from->cow);
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
    if (err == K_ENOMEM) {
        nguards = 0;
        return check_enomem(free_before, 0);
    }
    CHECK(err == K_OK);
    for (unsigned k = k0; k < k1; k++)
        release(&m->pg[k]);
}

static void step_protect(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned prot = take_prot(in);
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == K_OK && !all_mapped(m, r))
        want = K_ENOENT;
    for (unsigned k = r.k0; want == K_OK && (p & VM_WRITE) && k < r.k0 + r.n; k++)
        if (m->pg[k].kind == K_FILE_RO)
            want = K_EACCES; /* a file opened read-only */
    uint64_t free_before = pool_free();
    int err = vmspace_protect(&m->s, va_of(r.k0), (uint64_t)r.n * PAGE_SIZE, prot);
    TRACE("space %d: protect pages [%u, +%u) prot %x: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, err, want);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, 0);
    CHECK(err == want);
    for (unsigned k = r.k0; want == K_OK && k < r.k0 + r.n; k++)
        m->pg[k].prot = p;
}

static void step_touch(struct mspace *m, struct input *in)
{
    unsigned k = take(in) % NPAGES, access = take_access(in, false);
    int want = model_access(&m->pg[k], access);
    uint64_t free_before = pool_free();
    int err = vmspace_fault(&m->s, va_of(k) + (take(in) << 4), access);
    TRACE("space %d: fault page %u access %x: %d (want %d)\n", (int)(m - sp), k, access, err, want);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, 1);
    CHECK(err == want);
    if (want == K_OK && !m->pg[k].present)
        adopt(m, k, false);
    if (want == K_OK && m->pg[k].cow)
        CHECK(sync_cow(m, k) == ((access & VM_WRITE) != 0));
}

static void step_check_user(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned access = take_access(in, true), b = take(in);
    uint64_t va = va_of(r.k0) + (b & 0xf) * 256;
    uint64_t len = (uint64_t)r.n * PAGE_SIZE - (b & 0xf) * 256 - (b >> 4);
    int want = K_OK;
    unsigned k = r.k0;
    bool may_fail = false; /* some page before the first refused one needs a frame */
    for (; k < r.k0 + r.n && want == K_OK; k++) {
        want = model_access(&m->pg[k], access | VM_USER);
        may_fail |= want == K_OK && (!m->pg[k].present || (m->pg[k].cow && (access & VM_WRITE)));
    }
    uint64_t free_before = pool_free();
    int err = vmspace_check_user(&m->s, va, len, access);
    TRACE("space %d: check_user [%lx, +%lx) pages [%u, +%u) access %x: %d (want %d)\n",
          (int)(m - sp), va, len, r.k0, r.n, access, err, want);
    if (err == K_ENOMEM && may_fail) {
        adopt_faulted(m, r.k0, r.n, false);
        sync_cow_range(m, r.k0, r.n);
        return check_enomem(free_before, r.n);
    }
    CHECK(err == want);
    adopt_faulted(m, r.k0, k - r.k0, false); /* every page before the failing one was faulted in */
    for (unsigned j = r.k0; j < k - (want != K_OK); j++) { /* a write gave each its own frame */
        bool was_cow = m->pg[j].cow;
        CHECK(sync_cow(m, j) == (was_cow && (access & VM_WRITE)));
    }
}

/* vmspace_find_free() inside a window against the model's highest free run; then map it. */
static void step_find_free(struct mspace *m, struct input *in)
{
    unsigned w = take(in) % NWIN, n = 1 + take(in) % WIN, run = 0;
    int want = K_ENOMEM;
    uint64_t want_va = 0, va = 0;
    for (unsigned k = (w + 1) * WIN; k-- > w * WIN;) {
        run = m->pg[k].kind == K_NONE ? run + 1 : 0;
        if (run == n) {
            want = K_OK;
            want_va = va_of(k);
            break;
        }
    }
    int err = vmspace_find_free(&m->s, win_base[w], win_base[w] + WIN * PAGE_SIZE,
                                (uint64_t)n * PAGE_SIZE, &va);
    TRACE("space %d: find_free %u pages in window %u: %d at %lx (want %d at %lx)\n", (int)(m - sp),
          n, w, err, va, want, want_va);
    CHECK(err == want && (err != K_OK || va == want_va));
    if (err != K_OK)
        return;
    err = vmspace_map_anon(&m->s, va, (uint64_t)n * PAGE_SIZE, RW_USER);
    CHECK(err == K_OK || err == K_ENOMEM); /* it was free */
    if (err == K_OK)
        for (unsigned k = (unsigned)(w * WIN + (va - win_base[w]) / PAGE_SIZE), i = 0; i < n; i++)
            m->pg[k + i] = (struct mpage){.kind = K_ANON, .prot = RW_USER};
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
    CHECK(err == K_OK || (err == K_ENOMEM && pool_free() == 0));
    m->live = err == K_OK;
}

#include "fuzz_vmspace_cow.h"
#include "fuzz_vmspace_file.h"

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
    nx = cfg & 1;
    fuzz_vmspace_env_reset(&list, storage, &pool, &env, ARENA, TEMPLATE, POOL_BASE,
                           nx ? VMSPACE_NX : 0, fake_flush);
    env.flush_max_pages = (cfg >> 1) % 64;
    memset(mrefs, 0, sizeof(mrefs));
    memset(mval, 0, sizeof(mval));
    m_owned = m_shared = m_mappings = 0;
    memset(sp, 0, sizeof(sp));
    nhoard = nguards = 0;
    base_in_use = pool_in_use();
    base_free = pool_free();
    file_reset();
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
            step_map_anon(m, &in);
            break;
        case 1:
            step_write(m, &in);
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
            step_touch(m, &in);
            break;
        case 9:
            if (sp[b].live)
                step_fork(m, &sp[b], &in);
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
        case 14: /* a burst of touches and writes */
            for (unsigned i = take(&in) % 16; i > 0; i--) {
                if (i & 1)
                    step_touch(m, &in);
                else
                    step_write(m, &in);
            }
            break;
        default: /* 15: the rarer steps */
            switch (take(&in) % 4) {
            case 0:
                step_find_free(m, &in);
                break;
            case 1:
                step_map_file(m, &in);
                break;
            case 2:
                step_place(m, &in);
                break;
            default:
                step_disown(take(&in) % FILE_FRAMES);
                break;
            }
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
    file_teardown();
    check_global();
    CHECK(pool_in_use() == base_in_use && pool_free() == base_free);
    return 0;
}
