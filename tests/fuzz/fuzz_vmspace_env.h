/* SPDX-License-Identifier: 0BSD */
/*
 * What the address-space harnesses (fuzz_vmspace.c, fuzz_vmspace_huge.c) share: the step trace
 * and the environment each run starts from (an arena of RAM below ARENA: the low 1 MiB and the
 * kernel up to pool_base reserved, the rest a checked and poisoned frame pool; a kernel half in
 * the template page-map level 4 at template). Included after each harness has defined CHECK().
 */
#ifndef TEST_FUZZ_VMSPACE_ENV_H
#define TEST_FUZZ_VMSPACE_ENV_H

#include <stdbool.h>
#include <stdio.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/region.h>
#include <frame64/vmspace.h>

#include "arena.h"

/* FUZZ_VMSPACE_TRACE=1 prints every step (for reading a crash). */
static bool tracing;
#define TRACE(...)                                                                                 \
    do {                                                                                           \
        if (tracing)                                                                               \
            fprintf(stderr, __VA_ARGS__);                                                          \
    } while (0)

/* A fresh pool in the arena (made once, arena bytes long) and env over it. */
static void fuzz_vmspace_env_reset(struct region_list *list, struct region *storage,
                                   struct frame_pool *pool, struct vmspace_env *env, uint64_t arena,
                                   phys_addr_t template, phys_addr_t pool_base, unsigned env_flags,
                                   void (*flush)(void *ctx, const struct vmspace_flush *f))
{
    static bool arena_ready;
    if (!arena_ready) {
        arena_create(arena);
        arena_ready = true;
    }
    region_init(list, "fuzz", storage, REGION_STATIC_CAPACITY);
    CHECK(region_set(list, 0, 1 * MiB, REGION_LOWMEM) == K_OK);
    CHECK(region_set(list, 1 * MiB, pool_base, REGION_KERNEL) == K_OK);
    CHECK(region_set(list, pool_base, arena, REGION_FREE) == K_OK);
    CHECK(frame_init(pool, list, FRAME_CHECK | FRAME_POISON) == K_OK);
    uint64_t *k = phys_to_virt(template);
    for (unsigned i = 0; i < 512; i++)
        k[i] = i < VMSPACE_KERNEL_FIRST ? 0 : (template + (i - 255) * PAGE_SIZE) | PTE_PRESENT;
    CHECK(vmspace_env_init(env, pool, template, env_flags, flush, env) == K_OK);
}

#endif
