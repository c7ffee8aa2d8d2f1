/* SPDX-License-Identifier: 0BSD */
/*
 * The input side of tests/fuzz/fuzz_vmspace.c (included by it alone): reading the fuzzer's bytes
 * as steps' arguments (ranges inside a window, protections, accesses) and tracing the steps.
 */
#ifndef TEST_FUZZ_VMSPACE_INPUT_H
#define TEST_FUZZ_VMSPACE_INPUT_H

#include "fuzz_vmspace_model.h"
/* after the model: it defines CHECK() */
#include "fuzz_vmspace_env.h"

#define RW_USER (VM_READ | VM_WRITE | VM_USER)

struct input {
    const uint8_t *p, *end;
};

static unsigned take(struct input *in)
{
    return in->p < in->end ? *in->p++ : 0;
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

static unsigned take_access(struct input *in, bool buffer)
{
    static const unsigned kinds[] = {VM_READ, VM_WRITE, VM_EXEC};
    unsigned b = take(in);
    return kinds[(b & 3) % (buffer ? 2 : 3)] | (b & 4 ? VM_USER : 0);
}

#endif
