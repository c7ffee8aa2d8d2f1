/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the memory-map tests (test_memmap_overlap.c, _clip.c, _grow.c, _sanitize.c,
 * _carve.c): the list under test, list and message checks, and a small multiboot2 block builder.
 *
 * Drawings show raw entries as name[base-end) in the units the test uses (K = KiB, M = MiB,
 * G = GiB) and the resulting list as |tag base-end|. Tags: free, fw (firmware), bad, recl
 * (ACPI reclaimable), nvs (ACPI NVS), plus the carve-out owners.
 */
#ifndef TEST_MEMMAP_TEST_H
#define TEST_MEMMAP_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "host_support.h"
#include <frame64/error.h>
#include <frame64/memmap.h>
#include <frame64/multiboot2.h>

#define K    KiB
#define M    MiB
#define G    GiB
#define AV   MEMMAP_AVAILABLE
#define RES  MEMMAP_RESERVED
#define RECL MEMMAP_ACPI_RECLAIM
#define NVS  MEMMAP_ACPI_NVS
#define BADM MEMMAP_BAD
#define F    REGION_FREE
#define FW   REGION_FIRMWARE

static struct region storage[64];
static struct region_list L;

static inline int setup(void **state)
{
    (void)state;
    region_init(&L, "memmap", storage, ARRAY_SIZE(storage));
    kprintf_reset();
    return 0;
}

#define E(b, e, t)                                                                                 \
    {                                                                                              \
        .base = (b), .end = (e), .tag = (t)                                                        \
    }

static inline void expect_list(const struct region *want, size_t n, int line)
{
    bool same = region_check(&L) && L.count == n;
    for (size_t i = 0; same && i < n; i++)
        same = L.regions[i].base == want[i].base && L.regions[i].end == want[i].end &&
               L.regions[i].tag == want[i].tag;
    if (!same) {
        print_message("line %d: the list is:\n", line);
        for (size_t i = 0; i < L.count; i++)
            print_message("  [%#llx, %#llx) %s\n", (unsigned long long)L.regions[i].base,
                          (unsigned long long)L.regions[i].end, region_tag_name(L.regions[i].tag));
        fail_msg("line %d: list differs from the expected %zu entries", line, n);
    }
}

#define EXPECT(...)                                                                                \
    do {                                                                                           \
        const struct region want_[] = {__VA_ARGS__};                                               \
        expect_list(want_, ARRAY_SIZE(want_), __LINE__);                                           \
    } while (0)

/* Sanitizes the entries given inline at 48-bit physical addresses; asserts K_OK. */
#define ADD(...)                                                                                   \
    do {                                                                                           \
        const struct memmap_entry in_[] = {__VA_ARGS__};                                           \
        assert_int_equal(memmap_add_entries(&L, in_, ARRAY_SIZE(in_), 48), K_OK);                  \
    } while (0)

static inline void expect_said(const char *s)
{
    if (!strstr(kprintf_output(), s))
        fail_msg("expected \"%s\" in:\n%s", s, kprintf_output());
}

static inline void expect_silent(void)
{
    if (kprintf_output()[0])
        fail_msg("expected no message, got:\n%s", kprintf_output());
}

/* memmap_source.get() over an array of entries (ctx). */
static inline void array_entry(void *ctx, size_t i, struct memmap_entry *e)
{
    *e = ((const struct memmap_entry *)ctx)[i];
}

static struct region small[32];

static uint8_t blk[64 * 1024] __attribute__((aligned(8))); /* room for maps of 2,000+ entries */
static uint32_t blen;
static struct mb2_info mb;

static inline void blk_tag(uint32_t type, const void *p, uint32_t plen)
{
    uint32_t hdr[2] = {type, 8 + plen};
    memcpy(blk + blen, hdr, 8);
    if (plen)
        memcpy(blk + blen + 8, p, plen);
    blen += (uint32_t)ALIGN_UP(8 + plen, 8);
}

static inline void blk_mmap(const struct memmap_entry *e, size_t n)
{
    static uint8_t p[sizeof(blk) - 64];
    memset(p, 0, 8 + n * 24);
    uint32_t hdr[2] = {24, 0};
    memcpy(p, hdr, 8);
    for (size_t i = 0; i < n; i++) {
        memcpy(p + 8 + i * 24, &e[i].base, 8);
        memcpy(p + 16 + i * 24, &e[i].len, 8);
        memcpy(p + 24 + i * 24, &e[i].type, 4);
    }
    blk_tag(MB2_TAG_MMAP, p, 8 + (uint32_t)n * 24);
}

static inline void blk_module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[64];
    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    strcpy((char *)p + 8, s);
    blk_tag(MB2_TAG_MODULE, p, 8 + (uint32_t)strlen(s) + 1);
}

/* Ends the block and parses it as if it lay at phys. */
static inline void blk_parse(phys_addr_t phys)
{
    blk_tag(MB2_TAG_END, NULL, 0);
    memcpy(blk, &blen, 4);
    assert_int_equal(mb2_parse(blk, phys, &mb), K_OK);
}

static const struct memmap_entry qemu[] = {{0, 0x9fc00, AV},          {0x9fc00, 0x400, RES},
                                           {0xf0000, 0x10000, RES},   {0x100000, 0x7ee0000, AV},
                                           {0x7fe0000, 0x20000, RES}, {0xfffc0000, 0x40000, RES}};

#endif
