/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the region-list tests (test_region_paint.c: painting; test_region_grow.c: growth;
 * test_region_lookup.c: lookup, totals and the self-check; test_region_alloc.c: runs and frees):
 * two lists reset before every test, entry literals, and list comparisons.
 *
 * Drawings show entries as |tag base-end| in the units the test uses (K = KiB, M = MiB) and
 * the painted range as [base-end).
 */
#ifndef TEST_REGION_TEST_H
#define TEST_REGION_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "arena.h"
#include "host_support.h"
#include <frame64/error.h>
#include <frame64/phys.h>
#include <frame64/region.h>
#include <mm/region_internal.h>

#define K    KiB
#define M    MiB
#define F    REGION_FREE
#define KERN REGION_KERNEL
#define FW   REGION_FIRMWARE
#define MOD  REGION_MODULE
#define META REGION_META
#define DMA  REGION_DMA
#define TOP  PHYS_ADDR_MAX

static struct region big[REGION_STATIC_CAPACITY];
static struct region small[8];
static struct region_list L; /* room for REGION_STATIC_CAPACITY, no growth */
static struct region_list S; /* room for 4 (or as the test says) */

static inline int setup(void **state)
{
    (void)state;
    region_init(&L, "big", big, ARRAY_SIZE(big));
    region_init(&S, "small", small, 4);
    kprintf_reset();
    return 0;
}

/* S with room for two entries over a fresh arena of size bytes, allowed to grow anywhere in it. */
static inline void two_slots_growing(uint64_t size)
{
    arena_create(size);
    region_init(&S, "two", small, 2);
    region_set_grow_limit(&S, size);
}

#define E(b, e, t)                                                                                 \
    {                                                                                              \
        .base = (b), .end = (e), .tag = (t)                                                        \
    }

static inline void print_list(const struct region_list *l)
{
    for (size_t i = 0; i < l->count; i++)
        print_message("  [%#llx, %#llx) %s\n", (unsigned long long)l->regions[i].base,
                      (unsigned long long)l->regions[i].end, region_tag_name(l->regions[i].tag));
}

static inline void expect_list(const struct region_list *l, const struct region *want, size_t n,
                               int line)
{
    bool same = region_check(l) && l->count == n;
    for (size_t i = 0; same && i < n; i++)
        same = l->regions[i].base == want[i].base && l->regions[i].end == want[i].end &&
               l->regions[i].tag == want[i].tag;
    if (!same) {
        print_message("line %d: list %s is:\n", line, l->name);
        print_list(l);
        fail_msg("line %d: list differs from the expected %zu entries", line, n);
    }
}

#define EXPECT(l, ...)                                                                             \
    do {                                                                                           \
        const struct region want_[] = {__VA_ARGS__};                                               \
        expect_list((l), want_, ARRAY_SIZE(want_), __LINE__);                                      \
    } while (0)
#define EXPECT_EMPTY(l) expect_list((l), NULL, 0, __LINE__)

/* A copy of everything a failed call must leave as it was. */
struct snapshot {
    struct region_list l;
    struct region r[REGION_STATIC_CAPACITY];
};

static inline void snap(struct snapshot *s, const struct region_list *l)
{
    s->l = *l;
    memcpy(s->r, l->regions, l->count * sizeof(struct region));
}

static inline void expect_unchanged(const struct snapshot *s, const struct region_list *l)
{
    assert_true(region_check(l));
    assert_memory_equal(&s->l, l, sizeof(*l));
    assert_memory_equal(s->r, l->regions, l->count * sizeof(struct region));
}

/*
 * region_alloc() returning the base, as most tests want it; the error code must agree with it
 * (K_OK exactly when a base came back).
 */
static inline phys_addr_t ralloc(struct region_list *l, const struct region_request *req)
{
    phys_addr_t pa = 0;
    int err = region_alloc(l, req, &pa);
    assert_true((err == K_OK) == (pa != PHYS_NONE));
    assert_true(err == K_OK || err == K_ENOMEM || err == K_EINVAL);
    return pa;
}

#endif
