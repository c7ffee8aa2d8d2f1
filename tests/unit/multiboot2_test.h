/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by the multiboot2 parser tests (test_multiboot2_walk.c, _mmap.c, _modules.c, _tags.c):
 * a builder for hand-made information blocks, the parse helpers and the checks on their outcome.
 * Every block is parsed from a heap copy of exactly its length, so the sanitizer build catches
 * any read past the end.
 */
#ifndef TEST_MULTIBOOT2_TEST_H
#define TEST_MULTIBOOT2_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/multiboot2.h>
#include "host_support.h"

/* ---- block builder ---- */

static uint8_t blk[256 * 1024] __attribute__((aligned(8)));
static uint32_t blen;
static uint8_t *copy;
static struct mb2_info mb;

#define PHYS 0x10000u

static inline void put32(uint32_t off, uint32_t v)
{
    memcpy(blk + off, &v, 4);
}

static inline void put64(uint32_t off, uint64_t v)
{
    memcpy(blk + off, &v, 8);
}

/* Appends a tag whose size field says size, with plen payload bytes; returns its offset. */
static inline uint32_t tag_sized(uint32_t type, uint32_t size, const void *payload, uint32_t plen)
{
    uint32_t off = blen;
    put32(off, type);
    put32(off + 4, size);
    if (plen)
        memcpy(blk + off + 8, payload, plen);
    blen = off + (uint32_t)ALIGN_UP(8 + plen, 8);
    return off;
}

static inline uint32_t tag(uint32_t type, const void *payload, uint32_t plen)
{
    return tag_sized(type, 8 + plen, payload, plen);
}

static inline uint32_t str_tag(uint32_t type, const char *s)
{
    return tag(type, s, (uint32_t)strlen(s) + 1);
}

static inline uint32_t module(uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[128];
    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    strcpy((char *)p + 8, s);
    return tag(MB2_TAG_MODULE, p, 8 + (uint32_t)strlen(s) + 1);
}

/* A type 6 map of n entries, each esize bytes (>= 20 written). */
static inline uint32_t mmap_tag(const struct mb2_mmap_entry *e, size_t n, uint32_t esize)
{
    uint32_t off = blen;
    put32(off, MB2_TAG_MMAP);
    put32(off + 4, 16 + (uint32_t)n * esize);
    put32(off + 8, esize);
    put32(off + 12, 0);
    for (size_t i = 0; i < n; i++) {
        uint32_t p = off + 16 + (uint32_t)i * esize;
        memset(blk + p, 0xee, esize); /* junk in padding must be ignored */
        put64(p, e[i].base);
        put64(p + 8, e[i].len);
        put32(p + 16, e[i].type);
    }
    blen = off + (uint32_t)ALIGN_UP(16 + n * esize, 8);
    return off;
}

struct efi_desc {
    uint32_t type;
    uint64_t phys, pages;
};

/* A type 17 map of n descriptors of dsize bytes (>= 40 written). */
static inline uint32_t efi_tag(const struct efi_desc *d, size_t n, uint32_t dsize)
{
    uint32_t off = blen;
    put32(off, MB2_TAG_EFI_MMAP);
    put32(off + 4, 16 + (uint32_t)n * dsize);
    put32(off + 8, dsize);
    put32(off + 12, 1);
    for (size_t i = 0; i < n; i++) {
        uint32_t p = off + 16 + (uint32_t)i * dsize;
        memset(blk + p, 0xee, dsize);
        put32(p, d[i].type);
        put64(p + 8, d[i].phys);
        put64(p + 16, 0xdead0000); /* virtual start: ignored */
        put64(p + 24, d[i].pages);
        put64(p + 32, 0xf);
    }
    blen = off + (uint32_t)ALIGN_UP(16 + n * dsize, 8);
    return off;
}

static const struct mb2_mmap_entry one_map[] = {{0x100000, 0x7ee0000, MB2_MEMORY_AVAILABLE}};

/* Appends the end tag and sets total_size to the length. */
static inline void end_tag(void)
{
    tag(MB2_TAG_END, NULL, 0);
    put32(0, blen);
}

/* Parses a heap copy of exactly blen bytes (8 minimum, so the header is always there). */
static inline int parse_at(phys_addr_t phys)
{
    free(copy);
    copy = malloc(blen < 8 ? 8 : blen);
    memcpy(copy, blk, blen < 8 ? 8 : blen);
    return mb2_parse(copy, phys, &mb);
}

static inline int parse(void)
{
    return parse_at(PHYS);
}

static inline bool said(const char *s)
{
    return strstr(kprintf_output(), s) != NULL;
}

static inline int setup(void **state)
{
    (void)state;
    memset(blk, 0, sizeof(blk));
    blen = 8;
    kprintf_reset();
    return 0;
}

static inline int teardown(void **state)
{
    (void)state;
    free(copy);
    copy = NULL;
    return 0;
}

static const struct mb2_mmap_entry qemu_map[] = {
    {0x0, 0x9fc00, MB2_MEMORY_AVAILABLE},      {0x9fc00, 0x400, MB2_MEMORY_RESERVED},
    {0xf0000, 0x10000, MB2_MEMORY_RESERVED},   {0x100000, 0x7ee0000, MB2_MEMORY_AVAILABLE},
    {0x7fe0000, 0x20000, MB2_MEMORY_RESERVED}, {0xfffc0000, 0x40000, MB2_MEMORY_RESERVED},
};

static inline void expect_entry(size_t i, uint64_t base, uint64_t len, uint32_t type)
{
    struct mb2_mmap_entry e;
    assert_true(mb2_mmap_get(&mb, i, &e));
    assert_int_equal(e.base, base);
    assert_int_equal(e.len, len);
    assert_int_equal(e.type, type);
}

/* Expect: parse fails with err and printed msg. */
static inline void expect_fail(int err, const char *msg)
{
    assert_int_equal(parse(), err);
    if (!said(msg))
        fail_msg("expected \"%s\" in: %s", msg, kprintf_output());
}

/* Expect: parse succeeds with one warning that printed msg. */
static inline void expect_warning(const char *msg)
{
    assert_int_equal(parse(), K_OK);
    if (!said(msg))
        fail_msg("expected \"%s\" in: %s", msg, kprintf_output());
    assert_int_equal(mb.warnings, 1);
}

#endif
