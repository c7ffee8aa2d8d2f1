/* SPDX-License-Identifier: 0BSD */
/*
 * The fork and write steps of tests/fuzz/fuzz_vmspace.c (included by it alone, after the steps
 * they build on): a byte written to a page through copy-on-write, and vmspace_fork() into a fresh
 * or a non-empty space, against the model of fuzz_vmspace_model.h (sync_cow() and the per-frame
 * owners and contents).
 */
#ifndef TEST_FUZZ_VMSPACE_COW_H
#define TEST_FUZZ_VMSPACE_COW_H

/* A program's write of one byte to page k: the fault (if any), then the store. */
static void step_write(struct mspace *m, struct input *in)
{
    unsigned k = take(in) % NPAGES;
    uint8_t v = (uint8_t)take(in);
    int want = model_access(&m->pg[k], VM_WRITE | VM_USER);
    uint64_t free_before = pool_free();
    int err = vmspace_fault(&m->s, va_of(k), VM_WRITE | VM_USER);
    TRACE("space %d: write %u to page %u: %d (want %d)\n", (int)(m - sp), v, k, err, want);
    if (err == K_ENOMEM && want == K_OK)
        return check_enomem(free_before, 1);
    CHECK(err == want);
    if (want != K_OK)
        return;
    if (!m->pg[k].present)
        adopt(m, k, false);
    if (m->pg[k].cow)
        CHECK(sync_cow(m, k));
    CHECK(!(m->pg[k].cow));
    phys_addr_t pa = m->pg[k].frame;
    ((uint8_t *)phys_to_virt(pa))[VAL_OFFSET] = v;
    if (m->pg[k].owned)
        mval[pa / PAGE_SIZE] = v;
}

/*
 * fork into child: usually a fresh space (the old one destroyed), sometimes the child as it is,
 * which must be refused unless it has no area.
 */
static void step_fork(struct mspace *child, struct mspace *parent, struct input *in)
{
    if (child == parent)
        return;
    if (take(in) & 1) {
        step_destroy(child);
        step_create(child);
        if (!child->live)
            return;
    }
    bool empty = !any_mapped(child, (struct range){0, NPAGES});
    uint64_t free_before = pool_free();
    int err = vmspace_fork(&child->s, &parent->s);
    TRACE("space %d: fork from space %d: %d\n", (int)(child - sp), (int)(parent - sp), err);
    if (!empty) {
        CHECK(err == K_EINVAL);
        return;
    }
    if (err == K_ENOMEM)
        return check_enomem(free_before, 4); /* the child stays empty: check_space sees it */
    CHECK(err == K_OK);
    for (unsigned k = 0; k < NPAGES; k++) {
        struct mpage *p = &parent->pg[k];
        if (p->present && p->owned && !p->shared)
            p->cow = true;
        child->pg[k] = *p;
        if (p->present && p->owned)
            mref_add(p->frame);
    }
}

#endif
