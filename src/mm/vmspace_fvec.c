/* SPDX-License-Identifier: 0BSD */
/*
 * Frames from the pool as the address spaces take them (every one counted in env->frames, the
 * frame_ref tables' storage and 2 MiB frames, 512 each, included), and the frame-backed array the
 * area lists live in. The pool hands out single frames only, so an array of more than one frame is
 * reached through a directory frame holding the addresses of its data frames; an array of one frame
 * needs none, which keeps the usual small area list at one frame.
 */
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "vmspace_internal.h"

/* Relaxed atomics: the count is only summed, never used to order other memory accesses. */
phys_addr_t vm_frame_alloc(struct vmspace_env *env)
{
    phys_addr_t pa = frame_alloc(env->pool);
    if (pa != PHYS_NONE)
        __atomic_fetch_add(&env->frames, 1, __ATOMIC_RELAXED);
    return pa;
}

void vm_frame_free(struct vmspace_env *env, phys_addr_t pa)
{
    if (__atomic_fetch_sub(&env->frames, 1, __ATOMIC_RELAXED) == 0)
        panic("vmspace: freeing %lx, but the address spaces hold no frame", pa);
    frame_free(env->pool, pa);
}

phys_addr_t vm_huge_alloc(struct vmspace_env *env)
{
    phys_addr_t pa = frame_alloc_huge(env->pool);
    if (pa != PHYS_NONE)
        __atomic_fetch_add(&env->frames, FRAME_HUGE_SIZE / PAGE_SIZE, __ATOMIC_RELAXED);
    return pa;
}

void vm_huge_free(struct vmspace_env *env, phys_addr_t pa)
{
    const uint64_t n = FRAME_HUGE_SIZE / PAGE_SIZE;
    if (__atomic_fetch_sub(&env->frames, n, __ATOMIC_RELAXED) < n)
        panic("vmspace: freeing the 2 MiB frame %lx, but the address spaces hold fewer frames", pa);
    frame_free_huge(env->pool, pa);
}

phys_addr_t vm_ref_alloc(void *env)
{
    return vm_frame_alloc(env);
}

void vm_ref_free(void *env, phys_addr_t pa)
{
    vm_frame_free(env, pa);
}

static phys_addr_t *directory(const struct vm_fvec *v)
{
    return phys_to_virt(v->root);
}

void *vm_fvec_at(const struct vm_fvec *v, uint64_t index, size_t size)
{
    uint64_t per = PAGE_SIZE / size;
    uint64_t f = index / per;
    if (f >= v->frames)
        panic("vmspace: element %lu is past the %lu frames of its array", index, v->frames);
    phys_addr_t frame = v->frames == 1 ? v->root : directory(v)[f];
    return (uint8_t *)phys_to_virt(frame) + (index % per) * size;
}

uint64_t vm_fvec_cost(uint64_t frames)
{
    return frames + (frames > 1);
}

/* A zeroed frame. Return: it, or PHYS_NONE. */
static phys_addr_t zeroed(struct vmspace_env *env)
{
    phys_addr_t pa = vm_frame_alloc(env);
    if (pa != PHYS_NONE)
        memset(phys_to_virt(pa), 0, PAGE_SIZE);
    return pa;
}

static int grow(struct vmspace_env *env, struct vm_fvec *v, uint64_t frames)
{
    if (frames == 1) { /* from 0: the frame is the root */
        phys_addr_t pa = zeroed(env);
        if (pa == PHYS_NONE)
            return K_ENOMEM;
        v->root = pa;
        v->frames = 1;
        return K_OK;
    }
    phys_addr_t dir = v->root;
    if (v->frames <= 1) { /* a directory from now on, holding the old root first */
        dir = zeroed(env);
        if (dir == PHYS_NONE)
            return K_ENOMEM;
        ((phys_addr_t *)phys_to_virt(dir))[0] = v->root;
    }
    phys_addr_t *d = phys_to_virt(dir);
    for (uint64_t f = v->frames; f < frames; f++) {
        d[f] = zeroed(env);
        if (d[f] == PHYS_NONE) { /* give back what this call took: v is as it was */
            while (f-- > v->frames)
                vm_frame_free(env, d[f]);
            if (dir != v->root)
                vm_frame_free(env, dir);
            return K_ENOMEM;
        }
    }
    v->root = dir;
    v->frames = frames;
    return K_OK;
}

static void shrink(struct vmspace_env *env, struct vm_fvec *v, uint64_t frames)
{
    if (v->frames == 1) { /* to 0 */
        vm_frame_free(env, v->root);
    } else {
        phys_addr_t *d = directory(v);
        for (uint64_t f = frames; f < v->frames; f++)
            vm_frame_free(env, d[f]);
        if (frames <= 1) {
            phys_addr_t dir = v->root;
            v->root = frames ? d[0] : PHYS_NONE;
            vm_frame_free(env, dir);
        }
    }
    if (frames == 0)
        v->root = PHYS_NONE;
    v->frames = frames;
}

int vm_fvec_resize(struct vmspace_env *env, struct vm_fvec *v, uint64_t frames)
{
    if (frames > VM_FVEC_MAX_FRAMES)
        return K_ENOMEM;
    if (frames > v->frames)
        return grow(env, v, frames);
    if (frames < v->frames)
        shrink(env, v, frames);
    return K_OK;
}
