/* SPDX-License-Identifier: 0BSD */
/*
 * The area list of an address space: what is reserved, with which protection, whether it is
 * mapped or not yet touched. A sorted array of struct vm_area in pool frames (a vm_fvec), grown
 * one frame at a time and trimmed as soon as a frame is no longer needed, so its cost is exact:
 * ceil(areas / VM_AREAS_PER_FRAME) frames, plus a directory frame past one. Lookups are binary
 * searches. Alike neighbours are always merged, so the list is canonical: its areas are the
 * maximal runs of pages with one kind, protection and huge-page advice.
 *
 * Every operation that adds areas reserves its room first, so a failure never leaves the list
 * half-changed.
 */
#include <frame64/panic.h>

#include "vmspace_internal.h"

struct vm_area *vm_area_at(const struct vmspace *s, uint64_t i)
{
    return vm_fvec_at(&s->areas, i, sizeof(struct vm_area));
}

uint64_t vm_area_search(const struct vmspace *s, uint64_t va)
{
    uint64_t lo = 0, hi = s->stats.areas;
    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (vm_area_at(s, mid)->end > va)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

struct vm_area *vm_area_lookup(const struct vmspace *s, uint64_t va)
{
    uint64_t i = vm_area_search(s, va);
    if (i == s->stats.areas)
        return NULL;
    struct vm_area *a = vm_area_at(s, i);
    return a->start <= va ? a : NULL;
}

static uint64_t frames_for(uint64_t areas)
{
    return (areas + VM_AREAS_PER_FRAME - 1) / VM_AREAS_PER_FRAME;
}

static void count_frames(struct vmspace *s)
{
    s->stats.area_frames = vm_fvec_cost(s->areas.frames);
}

int vm_area_reserve(struct vmspace *s, uint64_t extra)
{
    uint64_t need = frames_for(s->stats.areas + extra);
    if (need <= s->areas.frames)
        return K_OK;
    int err = vm_fvec_resize(s->env, &s->areas, need);
    count_frames(s);
    return err;
}

void vm_area_trim(struct vmspace *s)
{
    uint64_t need = frames_for(s->stats.areas);
    if (need < s->areas.frames)
        vm_fvec_resize(s->env, &s->areas, need); /* shrinking cannot fail */
    count_frames(s);
}

void vm_area_insert(struct vmspace *s, uint64_t i, const struct vm_area *a)
{
    uint64_t n = s->stats.areas;
    if (n + 1 > s->areas.frames * VM_AREAS_PER_FRAME)
        panic("vmspace: inserting the area [%lx, %lx) with no room reserved", a->start, a->end);
    for (uint64_t j = n; j > i; j--)
        *vm_area_at(s, j) = *vm_area_at(s, j - 1);
    *vm_area_at(s, i) = *a;
    s->stats.areas = n + 1;
}

void vm_area_remove(struct vmspace *s, uint64_t i, uint64_t n)
{
    if (n == 0)
        return;
    for (uint64_t j = i; j + n < s->stats.areas; j++)
        *vm_area_at(s, j) = *vm_area_at(s, j + n);
    s->stats.areas -= n;
}

void vm_area_split(struct vmspace *s, uint64_t i, uint64_t at)
{
    struct vm_area tail = *vm_area_at(s, i);
    if (at <= tail.start || at >= tail.end)
        panic("vmspace: splitting the area [%lx, %lx) at %lx, outside it", tail.start, tail.end,
              at);
    tail.start = at;
    vm_area_at(s, i)->end = at;
    vm_area_insert(s, i + 1, &tail);
}

int vm_area_isolate(struct vmspace *s, uint64_t lo, uint64_t hi, uint64_t *first, uint64_t *last)
{
    uint64_t i = vm_area_search(s, lo), j = vm_area_search(s, hi - 1);
    bool split_head = vm_area_at(s, i)->start < lo;
    bool split_tail = vm_area_at(s, j)->end > hi;
    int err = vm_area_reserve(s, split_head + split_tail);
    if (err != K_OK)
        return err;
    if (split_head) {
        vm_area_split(s, i++, lo);
        j++;
    }
    if (split_tail)
        vm_area_split(s, j, hi);
    *first = i;
    *last = j;
    return K_OK;
}

void vm_area_merge(struct vmspace *s, uint64_t lo, uint64_t hi)
{
    hi = MIN(hi, s->stats.areas);
    for (uint64_t i = lo; i + 1 < hi;) {
        struct vm_area *a = vm_area_at(s, i), *b = vm_area_at(s, i + 1);
        if (a->end == b->start && a->kind == b->kind && a->prot == b->prot &&
            a->advice == b->advice) {
            a->end = b->end;
            vm_area_remove(s, i + 1, 1);
            hi--;
        } else {
            i++;
        }
    }
}

bool vmspace_is_free(const struct vmspace *s, uint64_t va, uint64_t size)
{
    if (!size || !IS_ALIGNED(va | size, PAGE_SIZE) || va >= VMSPACE_USER_END ||
        size > VMSPACE_USER_END - va)
        return false;
    uint64_t i = vm_area_search(s, va);
    return i == s->stats.areas || vm_area_at(s, i)->start >= va + size;
}

bool vmspace_area_get(const struct vmspace *s, uint64_t i, uint64_t *start, uint64_t *end,
                      unsigned *prot)
{
    if (i >= s->stats.areas)
        return false;
    const struct vm_area *a = vm_area_at(s, i);
    *start = a->start;
    *end = a->end;
    *prot = a->prot;
    return true;
}
