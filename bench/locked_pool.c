/* SPDX-License-Identifier: 0BSD */
/* frame64's stack behind one lock, for bench_threads to compare the per-CPU caches with. */
#include "locked_pool.h"

#include "../src/mm/frame_internal.h"

phys_addr_t locked_alloc(struct frame_pool *p)
{
    return frame_pool_alloc(p);
}

void locked_free(struct frame_pool *p, phys_addr_t pa)
{
    frame_pool_free(p, pa);
}
