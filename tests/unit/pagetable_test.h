/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the page-table tests (test_pagetable_map.c, _remap.c, _unmap.c, _tables.c,
 * _errors.c): a PML4 in the test arena and table frames from a bump allocator inside it that
 * counts them and can be told to fail after n frames; it fills each frame with junk so a table
 * pt_map() forgot to zero shows up as garbage mappings. Plus short forms of pt_map() and
 * pt_translate().
 */
#ifndef TEST_PAGETABLE_TEST_H
#define TEST_PAGETABLE_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/pagetable.h>
#include <frame64/layout.h>
#include <frame64/phys.h>

#include "arena.h"
#include "host_support.h"

#define ARENA_SIZE (64 * MiB)
#define PML4       ((phys_addr_t)0x1000)
#define DIRECT_MAP DIRECT_MAP_BASE /* the kernel's layout: real addresses, as it maps them */

struct bump {
    phys_addr_t next, end;
    uint64_t count; /* frames handed out */
    uint64_t limit; /* fail once count reaches it */
};

static struct bump bump;

static inline phys_addr_t bump_alloc(void *ctx, int level)
{
    struct bump *b = ctx;
    (void)level;
    if (b->count >= b->limit || b->next >= b->end)
        return PHYS_NONE;
    phys_addr_t f = b->next;
    b->next += PAGE_SIZE;
    b->count++;
    memset(phys_to_virt(f), 0xa5, PAGE_SIZE);
    return f;
}

static inline int setup(void **state)
{
    (void)state;
    arena_create(ARENA_SIZE);
    memset(phys_to_virt(PML4), 0, PAGE_SIZE);
    bump = (struct bump){.next = 1 * MiB, .end = ARENA_SIZE, .count = 0, .limit = UINT64_MAX};
    kprintf_reset();
    return 0;
}

static inline int map(uint64_t virt, phys_addr_t phys, uint64_t size, uint64_t flags,
                      unsigned sizes)
{
    return pt_map(PML4, virt, phys, size, flags, sizes, bump_alloc, &bump);
}

static inline uint64_t page_size_at(uint64_t virt)
{
    uint64_t sz;
    pt_translate(PML4, virt, NULL, &sz);
    return sz;
}

static inline uint64_t flags_at(uint64_t virt)
{
    uint64_t f;
    pt_translate(PML4, virt, &f, NULL);
    return f;
}

static inline phys_addr_t tr(uint64_t virt)
{
    return pt_translate(PML4, virt, NULL, NULL);
}

static inline uint64_t pml4_entry(unsigned i)
{
    return ((uint64_t *)phys_to_virt(PML4))[i];
}

#endif
