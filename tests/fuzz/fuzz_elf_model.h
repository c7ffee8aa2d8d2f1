/* SPDX-License-Identifier: 0BSD */
/*
 * fuzz_elf's reference model of <frame64/elf.h>: model() decides with 128-bit arithmetic (nothing
 * can wrap) and "any rule broken" rather than elf_plan()'s first-broken-rule order, and fills the
 * plan elf_plan() should; model_place() does what elf_plan_place() should. Only fuzz_elf.c
 * includes it.
 */
#ifndef FUZZ_ELF_MODEL_H
#define FUZZ_ELF_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <frame64/elf.h>

typedef unsigned __int128 u128;

/* ---- the reference model ---- */

struct m_ph {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static uint64_t le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    memcpy(&v, p, n); /* the host is little-endian, like the format */
    return v;
}

/* Accepts or refuses; when accepting, fills *out as elf_plan() should. */
static bool model(const uint8_t *b, size_t size, uint64_t limit, struct elf_plan *out)
{
    if (size < 64 || memcmp(b, "\177ELF", 4) != 0 || b[4] != 2 || b[5] != 1 || b[6] != 1)
        return false;
    uint64_t type = le(b + 16, 2);
    if (le(b + 20, 4) != 1 || (type != 2 && type != 3) || le(b + 18, 2) != 62 ||
        le(b + 54, 2) != 56)
        return false;
    bool pie = type == 3;
    uint64_t phnum = le(b + 56, 2), phoff = le(b + 32, 8);
    if (phnum == 0 || phnum == 0xffff || (u128)phoff + phnum * 56 > size)
        return false;
    limit &= ~(uint64_t)4095;
    memset(out, 0, sizeof(*out));
    out->entry = le(b + 24, 8);
    out->phent = 56;
    out->phnum = (uint16_t)phnum;
    out->pie = pie;
    out->align = 4096;
    const struct m_ph *pt_phdr = NULL;
    static struct m_ph ph[0xffff];
    for (uint64_t i = 0; i < phnum; i++)
        memcpy(&ph[i], b + phoff + i * 56, 56);
    for (uint64_t i = 0; i < phnum; i++) {
        const struct m_ph *p = &ph[i];
        if (p->type == 3 || (p->type == 2 && !pie))
            return false;
        if (p->type == 0x6474e551 && (p->flags & 1))
            return false;
        if (p->type == 6 && !pt_phdr)
            pt_phdr = p;
        if (p->type != 1)
            continue;
        u128 end = (u128)p->vaddr + p->memsz;
        bool w = p->flags & 2, x = p->flags & 1;
        if (p->memsz == 0 || p->filesz > p->memsz || (u128)p->offset + p->filesz > size)
            return false;
        if (p->align != 0 && __builtin_popcountll(p->align) != 1)
            return false;
        if (p->vaddr % 4096 != p->offset % 4096)
            return false;
        if (p->align > 4096 && p->vaddr % p->align != p->offset % p->align)
            return false;
        if (!pie && (p->vaddr < 0x10000 || end > limit))
            return false;
        if (pie && end > ELF_PIE_SPAN_MAX)
            return false;
        if ((w && x) || out->nseg == 16)
            return false;
        u128 lo = p->vaddr / 4096, hi = (end + 4095) / 4096;
        for (unsigned k = 0; k < out->nseg; k++) {
            const struct elf_segment *s = &out->seg[k];
            u128 slo = s->vaddr / 4096, shi = ((u128)s->vaddr + s->memsz + 4095) / 4096;
            if (!(hi <= slo || shi <= lo))
                return false;
        }
        out->seg[out->nseg++] = (struct elf_segment){
            .vaddr = p->vaddr,
            .memsz = p->memsz,
            .offset = p->offset,
            .filesz = p->filesz,
            .perm = (p->flags & 4 ? ELF_SEG_R : 0) | (w ? ELF_SEG_W : 0) | (x ? ELF_SEG_X : 0),
            .phindex = (unsigned)i,
        };
        if ((uint64_t)(hi * 4096) > out->brk_start)
            out->brk_start = (uint64_t)(hi * 4096);
        if (p->align > out->align)
            out->align = p->align;
    }
    if (out->nseg == 0)
        return false;
    bool entry_ok = false, phdr_ok = false;
    for (unsigned k = 0; k < out->nseg; k++) {
        const struct elf_segment *s = &out->seg[k];
        if ((s->perm & ELF_SEG_X) && out->entry >= s->vaddr &&
            (u128)out->entry < (u128)s->vaddr + s->memsz)
            entry_ok = true;
    }
    for (unsigned k = 0; k < out->nseg && !phdr_ok; k++) {
        const struct elf_segment *s = &out->seg[k];
        if (phoff < s->offset || (u128)phoff + phnum * 56 > (u128)s->offset + s->filesz)
            continue;
        uint64_t at = s->vaddr + (phoff - s->offset);
        if (!pt_phdr || (pt_phdr->offset == phoff && pt_phdr->vaddr == at)) {
            out->phdr_vaddr = at;
            phdr_ok = true;
        }
    }
    return entry_ok && phdr_ok;
}

/* The model of elf_plan_place(): true with *p moved, or false. */
static bool model_place(struct elf_plan *p, uint64_t base, uint64_t limit)
{
    limit &= ~(uint64_t)4095;
    if (base % p->align != 0 || (base != 0 && !p->pie))
        return false;
    for (unsigned k = 0; k < p->nseg; k++) {
        u128 v = (u128)p->seg[k].vaddr + base;
        if (v < 0x10000 || v + p->seg[k].memsz > limit)
            return false;
        p->seg[k].vaddr = (uint64_t)v;
    }
    p->base = base;
    p->entry += base;
    p->phdr_vaddr += base;
    p->brk_start += base;
    return true;
}

#endif
