/* SPDX-License-Identifier: 0BSD */
/*
 * The outside owner's steps of tests/fuzz/fuzz_vmspace.c (included by it alone): a "file" of
 * FILE_FRAMES frames from the pool whose pages are held and placed into anonymous areas
 * (copy-on-write leaves) and file areas (shared leaves, a page without one past the file's end),
 * and let go of at any moment, before or after the leaves. The model counts the file as one
 * owner of each frame it holds (mrefs), outside env.frames (m_outside); the frame must be freed
 * by whoever lets go last, the file (vmspace_env_disown() says so) or the last leaf.
 */
#ifndef TEST_FUZZ_VMSPACE_FILE_H
#define TEST_FUZZ_VMSPACE_FILE_H

/* The file's frames, zeroed and tagged as a program's page would be, before any step. */
MODEL static void file_reset(void)
{
    for (unsigned f = 0; f < FILE_FRAMES; f++) {
        phys_addr_t pa = frame_alloc(&pool);
        CHECK(pa != PHYS_NONE);
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
        *(uint64_t *)phys_to_virt(pa) = tag_of(pa);
        mval[pa / PAGE_SIZE] = 0;
        mref_add(pa);
        mfile[f] = pa;
    }
    m_outside = FILE_FRAMES;
}

/* The file lets go of frame f; the frame is freed here if no leaf holds it. */
static void step_disown(unsigned f)
{
    phys_addr_t pa = mfile[f];
    if (pa == PHYS_NONE)
        return;
    bool last = mrefs[pa / PAGE_SIZE] == 1;
    bool freed = vmspace_env_disown(&env, pa);
    TRACE("file: disown frame %u (%lx): %d (want %d)\n", f, pa, freed, last);
    CHECK(freed == last);
    mref_drop(pa);
    m_outside--;
    mfile[f] = PHYS_NONE;
    if (freed)
        frame_free(&pool, pa);
}

static void step_map_file(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    unsigned prot = take_prot(in), ro = take(in) & 1 ? VM_NO_WRITE : 0;
    uint8_t p;
    int want = model_prot(prot, 0, &p);
    if (want == K_OK && ro && (p & VM_WRITE))
        want = K_EACCES;
    if (want == K_OK && any_mapped(m, r))
        want = K_EEXIST;
    uint64_t free_before = pool_free();
    int err = vmspace_map_file(&m->s, va_of(r.k0), (uint64_t)r.n * PAGE_SIZE, prot | ro);
    TRACE("space %d: map_file pages [%u, +%u) prot %x%s: %d (want %d)\n", (int)(m - sp), r.k0, r.n,
          prot, ro ? " no-write" : "", err, want);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, r.n);
    CHECK(err == want);
    for (unsigned k = r.k0; want == K_OK && k < r.k0 + r.n; k++)
        m->pg[k] = (struct mpage){.kind = ro ? K_FILE_RO : K_FILE, .prot = p};
}

/* Whether pages [k0, k0 + n) lie in one area that may take placed leaves. */
MODEL static bool one_place_area(const struct mspace *m, struct range r)
{
    const struct mpage *a = &m->pg[r.k0];
    if (a->kind != K_ANON && a->kind != K_FILE && a->kind != K_FILE_RO)
        return false;
    for (unsigned k = r.k0; k < r.k0 + r.n; k++)
        if (m->pg[k].kind != a->kind || m->pg[k].prot != a->prot)
            return false;
    return true;
}

/*
 * Holds some of the file's frames and places them at a range: each placed page becomes the
 * file's frame, copy-on-write in an anonymous area, shared in a file area; the first page that
 * cannot take one (mapped already, or no table frame) ends it, and the holds from there on must
 * be given back.
 */
static void step_place(struct mspace *m, struct input *in)
{
    struct range r = take_range(in);
    phys_addr_t pa[WIN];
    for (unsigned i = 0; i < r.n; i++) {
        unsigned f = take(in) % (FILE_FRAMES + 2);
        pa[i] = f < FILE_FRAMES ? mfile[f] : PHYS_NONE;
    }
    uint64_t free_before = pool_free();
    for (unsigned i = 0; i < r.n; i++) {
        if (pa[i] == PHYS_NONE)
            continue;
        int err = vmspace_env_hold(&env, pa[i]);
        if (err != K_OK) { /* frame_ref's table could not grow */
            CHECK(err == K_ENOMEM);
            check_enomem(free_before, 0);
            while (i-- > 0)
                if (pa[i] != PHYS_NONE) {
                    vmspace_env_unhold(&env, pa[i]);
                    mref_drop(pa[i]);
                }
            return;
        }
        mref_add(pa[i]);
    }
    bool one = one_place_area(m, r);
    int err = vmspace_place(&m->s, va_of(r.k0), pa, r.n);
    TRACE("space %d: place %u pages at [%u, +%u): %d\n", (int)(m - sp), r.n, r.k0, r.n, err);
    int want = one ? K_OK : K_EINVAL;
    bool stopped = !one;
    for (unsigned i = 0; i < r.n; i++) {
        if (pa[i] == PHYS_NONE)
            continue;
        struct mpage *p = &m->pg[r.k0 + i];
        if (!stopped && p->present) {
            stopped = true;
            want = K_EINVAL;
        } else if (!stopped && actual_leaf(m, r.k0 + i) == 0) {
            stopped = true;
            CHECK(err == K_ENOMEM);
            check_enomem(free_before, 1);
            want = K_ENOMEM;
        }
        if (stopped) { /* its hold is given back; the page is as it was */
            mref_drop(pa[i]);
            CHECK(actual_leaf(m, r.k0 + i) == expected_leaf(p));
            continue;
        }
        p->present = p->owned = true;
        p->cow = p->kind == K_ANON;
        p->shared = !p->cow;
        p->frame = pa[i];
        CHECK(actual_leaf(m, r.k0 + i) == expected_leaf(p));
    }
    CHECK(err == want);
}

/* The file lets go of what it still holds: at the end, when no space is left, it frees all. */
MODEL static void file_teardown(void)
{
    for (unsigned f = 0; f < FILE_FRAMES; f++) {
        CHECK(mfile[f] == PHYS_NONE || mrefs[mfile[f] / PAGE_SIZE] == 1);
        step_disown(f);
    }
}

#endif
