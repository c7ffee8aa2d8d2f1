/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the page-frame manager tests (test_frame_alloc.c, _run.c, _check.c, _stats.c): the
 * region list and pool on the sparse test arena, the standard map most tests use, and the stats
 * check. The standard map (64 MiB):
 *
 *   0    1M   2M       4M                             40M  41M              64M
 *   |low |free| kernel |            free               | fw |      free       |
 *
 * 60 MiB free (1 + 36 + 23), 4 MiB reserved.
 */
#ifndef TEST_FRAME_TEST_H
#define TEST_FRAME_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/phys.h>

#include "arena.h"
#include "mm/frame_internal.h"
#include "host_support.h"

struct range {
    phys_addr_t base, end;
    uint32_t tag;
};

static struct region storage[REGION_STATIC_CAPACITY];
static struct region_list list;
static struct frame_pool pool;

static const struct range std_map[] = {
    {0, 1 * MiB, REGION_LOWMEM},           {1 * MiB, 2 * MiB, REGION_FREE},
    {2 * MiB, 4 * MiB, REGION_KERNEL},     {4 * MiB, 40 * MiB, REGION_FREE},
    {40 * MiB, 41 * MiB, REGION_FIRMWARE}, {41 * MiB, 64 * MiB, REGION_FREE},
};
#define STD_FREE_FRAMES (60 * MiB / PAGE_SIZE)

static inline void make_map(uint64_t arena, const struct range *r, size_t n, size_t capacity)
{
    arena_create(arena);
    region_init(&list, "test", storage, capacity);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(region_set(&list, r[i].base, r[i].end, r[i].tag), K_OK);
}

static inline void std_pool(unsigned flags)
{
    make_map(64 * MiB, std_map, ARRAY_SIZE(std_map), REGION_STATIC_CAPACITY);
    assert_int_equal(frame_init(&pool, &list, flags), K_OK);
}

static inline uint32_t tag_at(phys_addr_t pa)
{
    const struct region *r = region_lookup(&list, pa);
    return r ? r->tag : 0xffffffffu;
}

/* Stats must add up and in_use must match what the test holds. */
static inline void check_stats(uint64_t held_bytes)
{
    struct frame_stats s;
    frame_get_stats(&pool, &s);
    assert_int_equal(s.total, s.stacked + s.unseeded + s.reserved + s.in_use);
    assert_int_equal(s.in_use, held_bytes);
}

static phys_addr_t held[STD_FREE_FRAMES + 1];

/* Allocates until the pool is exhausted, into held[]. Return: how many frames it holds. */
static inline size_t hold_all(void)
{
    size_t n = 0;
    while ((held[n] = frame_alloc(&pool)) != PHYS_NONE)
        n++;
    return n;
}

/*
 * The shared stack itself, no per-CPU cache in front (frame_pool_alloc()/frame_pool_free(), every
 * check included): for tests that need exact cursor figures or frees that land on the stack.
 */
static inline phys_addr_t stack_alloc(void)
{
    return frame_pool_alloc(&pool);
}

static inline void stack_free(phys_addr_t pa)
{
    frame_pool_free(&pool, pa);
}

#endif
