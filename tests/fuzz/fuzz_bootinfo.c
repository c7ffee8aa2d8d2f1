/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness: arbitrary bytes as a multiboot2 information block, through mb2_parse(),
 * memmap_sanitize() (the block's map through bootmem_map_source()) and the kernel's own sizing
 * and carve-outs (bootmem_sanitize(), bootmem_carve()).
 *
 * The first input byte picks how the rest is used:
 *   raw        the bytes are the block, total_size as written (the buffer is exactly total_size
 *              long, so ASan sees any read past the end);
 *   patched    the bytes are the block with total_size set to their length;
 *   structured the bytes describe entries, modules and a command line from which a well-formed
 *              block is built (type 6 or, sometimes, EFI type 17 map), so the sanitizer is
 *              reached on every run, not only when the fuzzer stumbles on a valid tag chain.
 * After a successful parse the block's pointers are checked to lie inside it; after sanitizing
 * the list is checked (region_check, nothing at or above 2^phys_bits, free ranges page aligned,
 * free <= the sum of available lengths) and, for maps of up to 64 entries, compared page by page
 * with a reference model that classifies a page from the raw entries directly: a page is free
 * if an available entry covers it whole and nothing else touches it, otherwise it takes the most
 * restrictive kind of any entry touching it. A failed sanitize must leave the list empty on its
 * own storage. The kernel's path (the static list, or room found for a long map) must give the
 * same list as a growing one, and room it finds must lie in one available entry, clear of every
 * other entry and of the boot data. Any disagreement aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "fuzz_input.h"
#include <frame64/bootmem.h>
#include <frame64/error.h>
#include <frame64/memmap.h>
#include <frame64/multiboot2.h>
#include <frame64/region.h>

#define ARENA             (16 * MiB)
#define MODEL_MAX_ENTRIES 64

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_bootinfo: " __VA_ARGS__);                                        \
            fprintf(stderr, "\n");                                                                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- structured block builder ---- */

static uint8_t sbuf[64 * 1024] __attribute__((aligned(8)));
static uint32_t slen;

static void s_put(const void *p, uint32_t n)
{
    memcpy(sbuf + slen, p, n);
    slen += n;
}

static void s_tag_begin(uint32_t *at, uint32_t type)
{
    *at = slen;
    uint32_t hdr[2] = {type, 0};
    s_put(hdr, 8);
}

static void s_tag_end(uint32_t at)
{
    uint32_t size = slen - at;
    memcpy(sbuf + at + 4, &size, 4);
    while (slen % 8)
        sbuf[slen++] = 0;
}

/* An address or length: mostly small and page-ish, sometimes huge or odd. */
static uint64_t s_addr(struct in *in)
{
    uint8_t how = (uint8_t)take(in, 1);
    uint64_t v = take(in, 2);
    switch (how % 8) {
    case 0:
        return v * PAGE_SIZE; /* aligned, below 256 MiB */
    case 1:
        return v * 256; /* unaligned, below 16 MiB */
    case 2:
        return v; /* tiny */
    case 3:
        return v << (how >> 3); /* anywhere up to 2^47 */
    case 4:
        return take(in, 8); /* anything, wraps included */
    case 5:
        return (uint64_t)1 << (how >> 2); /* powers of two, address widths */
    case 6:
        return ((uint64_t)1 << (how >> 2)) - v;
    default:
        return v * 64 * KiB;
    }
}

/* Builds a well-formed block from the input; returns its length. */
static uint32_t build_structured(struct in *in)
{
    uint8_t ctl = (uint8_t)take(in, 1);
    /* Sometimes long enough that the kernel's static list cannot hold it (a room search). */
    unsigned n = 1 + (ctl & 0x40 ? (unsigned)take(in, 2) % 600 : (unsigned)take(in, 1) % 96);
    bool efi = ctl & 1;
    uint32_t esize = efi ? 40 + 8 * (ctl >> 1 & 3) : 24 + 8 * (ctl >> 1 & 3);
    uint32_t at;
    slen = 8;

    s_tag_begin(&at, MB2_TAG_CMDLINE);
    s_put("console=ttyS0", 14);
    s_tag_end(at);
    for (unsigned m = 0; m < (ctl >> 3 & 3); m++) {
        uint32_t se[2] = {(uint32_t)s_addr(in), 0};
        se[1] = se[0] + (uint32_t)take(in, 2) * 256;
        s_tag_begin(&at, MB2_TAG_MODULE);
        s_put(se, 8);
        s_put("mod", 4);
        s_tag_end(at);
    }
    if (efi && (ctl & 0x20))
        s_tag_begin(&at, MB2_TAG_EFI_BS), s_tag_end(at);

    s_tag_begin(&at, efi ? MB2_TAG_EFI_MMAP : MB2_TAG_MMAP);
    uint32_t hdr[2] = {esize, efi ? 1 : 0};
    s_put(hdr, 8);
    for (unsigned i = 0; i < n; i++) {
        uint8_t rec[64] = {0};
        uint32_t type = (uint32_t)take(in, 1);
        uint64_t base = s_addr(in), len = s_addr(in);
        if (efi) {
            type %= 16;
            len /= PAGE_SIZE; /* pages */
            memcpy(rec, &type, 4);
            memcpy(rec + 8, &base, 8);
            memcpy(rec + 24, &len, 8);
        } else {
            type %= 8; /* 0, 6, 7: unknown kinds */
            memcpy(rec, &base, 8);
            memcpy(rec + 8, &len, 8);
            memcpy(rec + 16, &type, 4);
        }
        s_put(rec, esize);
    }
    s_tag_end(at);
    s_tag_begin(&at, MB2_TAG_END);
    s_tag_end(at);
    memcpy(sbuf, &slen, 4);
    return slen;
}

/* ---- reference model ---- */

/* Restrictiveness as the policy orders it: 0 hole, 1 available .. 5 bad. */
static int model_rank(uint32_t type)
{
    switch (type) {
    case MEMMAP_AVAILABLE:
        return 1;
    case MEMMAP_ACPI_RECLAIM:
        return 2;
    case MEMMAP_ACPI_NVS:
        return 3;
    case MEMMAP_BAD:
        return 5;
    default:
        return 4;
    }
}

static int tag_rank(uint32_t tag)
{
    switch (tag) {
    case REGION_FREE:
    case REGION_META:
        return 1; /* the list's storage comes out of free memory */
    case REGION_ACPI_RECLAIM:
        return 2;
    case REGION_ACPI_NVS:
        return 3;
    case REGION_FIRMWARE:
        return 4;
    case REGION_BAD:
        return 5;
    default:
        return -1;
    }
}

/* The kind the model gives page [pa, pa + 4K), pa < limit. */
static int model_page(const struct memmap_entry *e, size_t n, uint64_t limit, uint64_t pa)
{
    int best = 0;
    for (size_t i = 0; i < n; i++) {
        if (e[i].len == 0 || e[i].base >= limit)
            continue;
        uint64_t end = e[i].len > UINT64_MAX - e[i].base ? UINT64_MAX : e[i].base + e[i].len;
        if (end > limit)
            end = limit;
        int r = model_rank(e[i].type);
        bool hit = r == 1 ? (e[i].base <= pa && pa + PAGE_SIZE <= end)
                          : (e[i].base < pa + PAGE_SIZE && pa < end);
        if (hit && r > best)
            best = r;
    }
    return best;
}

static void model_compare(const struct region_list *l, const struct memmap_entry *e, size_t n,
                          uint64_t limit, uint64_t pa)
{
    pa = ALIGN_DOWN(pa, PAGE_SIZE);
    if (pa >= limit) {
        CHECK(!region_lookup(l, pa), "0x%llx at or above the limit is in the list",
              (unsigned long long)pa);
        return;
    }
    int want = model_page(e, n, limit, pa);
    const struct region *r = region_lookup(l, pa);
    int got = r ? tag_rank(r->tag) : 0;
    CHECK(got == want, "page 0x%llx: list says %d (%s), model says %d", (unsigned long long)pa, got,
          r ? region_tag_name(r->tag) : "hole", want);
    CHECK(!r || r->end - pa >= PAGE_SIZE, "page 0x%llx is split by an entry ending at 0x%llx",
          (unsigned long long)pa, (unsigned long long)r->end);
}

/* ---- the run ---- */

static struct region storage[16];
static struct region_list L;

static void check_info(const struct mb2_info *mb)
{
    const uint8_t *lo = mb->block, *hi = mb->block + mb->size;
    CHECK(!mb->cmdline || ((const uint8_t *)mb->cmdline >= lo &&
                           (const uint8_t *)mb->cmdline + strlen(mb->cmdline) < hi),
          "command line outside the block");
    CHECK(!mb->loader_name || ((const uint8_t *)mb->loader_name >= lo &&
                               (const uint8_t *)mb->loader_name + strlen(mb->loader_name) < hi),
          "loader name outside the block");
    const struct mb2_map *maps[2] = {&mb->mmap, &mb->efi_mmap};
    for (int i = 0; i < 2; i++)
        CHECK(!maps[i]->entries || (maps[i]->entries >= lo &&
                                    maps[i]->entries + maps[i]->count * maps[i]->entry_size <= hi),
              "memory map outside the block");
    CHECK(!mb->rsdp_new || (const uint8_t *)mb->rsdp_new + mb->rsdp_new_len <= hi, "rsdp");
    struct mb2_module m;
    uint32_t cur;
    size_t count = 0;
    mb2_for_each_module(mb, cur, &m)
    {
        CHECK(m.start <= m.end && (const uint8_t *)m.string >= lo &&
                  (const uint8_t *)m.string + strlen(m.string) < hi,
              "bad module");
        count++;
    }
    CHECK(count == mb->module_count, "iterated %zu modules, parser counted %zu", count,
          mb->module_count);
}

static void check_list(const struct mb2_info *mb, unsigned bits)
{
    uint64_t limit = (uint64_t)1 << bits, avail = 0;
    size_t n = mb2_mmap_count(mb);
    CHECK(region_check(&L), "region_check failed");
    const struct region *r;
    region_for_each(&L, r)
    {
        CHECK(r->end <= limit, "entry [0x%llx, 0x%llx) above 2^%u", (unsigned long long)r->base,
              (unsigned long long)r->end, bits);
        if (r->tag == REGION_FREE)
            CHECK(IS_ALIGNED(r->base, PAGE_SIZE) && IS_ALIGNED(r->end, PAGE_SIZE),
                  "free [0x%llx, 0x%llx) not page aligned", (unsigned long long)r->base,
                  (unsigned long long)r->end);
    }
    static struct memmap_entry e[MODEL_MAX_ENTRIES];
    for (size_t i = 0; i < n; i++) {
        struct mb2_mmap_entry x;
        CHECK(mb2_mmap_get(mb, i, &x), "entry %zu missing", i);
        if (x.type == MB2_MEMORY_AVAILABLE)
            avail = x.len > UINT64_MAX - avail ? UINT64_MAX : avail + x.len;
        if (i < MODEL_MAX_ENTRIES)
            e[i] = (struct memmap_entry){x.base, x.len, x.type};
    }
    uint64_t free = region_total(&L, REGION_FREE) + region_total(&L, REGION_META);
    CHECK(free <= avail, "free %llu > available entries %llu", (unsigned long long)free,
          (unsigned long long)avail);
    if (n > MODEL_MAX_ENTRIES)
        return;
    for (uint64_t pa = 0; pa < 64 * PAGE_SIZE; pa += PAGE_SIZE)
        model_compare(&L, e, n, limit, pa);
    for (size_t i = 0; i < n; i++) {
        uint64_t b = e[i].base, t = e[i].len > UINT64_MAX - b ? UINT64_MAX : b + e[i].len;
        const uint64_t probes[] = {b, b - PAGE_SIZE, b + PAGE_SIZE, t - 1, t, t + PAGE_SIZE};
        for (size_t j = 0; j < ARRAY_SIZE(probes); j++)
            if (probes[j] <= UINT64_MAX - PAGE_SIZE)
                model_compare(&L, e, n, limit, probes[j]);
    }
    model_compare(&L, e, n, limit, limit - PAGE_SIZE);
    model_compare(&L, e, n, limit, limit);
}

static const struct bootmem_config k = {.kernel = {0x200000, 0x296000},
                                        .bootstrap = {{0x264000, 0x26e000}}};

/* The tag of pa in l, META counted as free (storage is where the list lives, not a kind). */
static uint32_t tag_of(const struct region_list *l, phys_addr_t pa)
{
    const struct region *r = region_lookup(l, pa);
    if (!r)
        return REGION_TAG_COUNT; /* a hole */
    return r->tag == REGION_META ? REGION_FREE : r->tag;
}

/* Does [b, t) overlap a boot range (kernel, block, modules) or a map entry other than available? */
static bool room_conflicts(const struct mb2_info *mb, phys_addr_t b, phys_addr_t t)
{
    struct mb2_mmap_entry x;
    struct mb2_module m;
    uint32_t cur;
    if (b < k.kernel.end && k.kernel.base < t)
        return true;
    if (b < mb->phys + mb->size && mb->phys < t)
        return true;
    mb2_for_each_module(mb, cur, &m)
    {
        /* An empty module occupies nothing: its carve-out does nothing either. */
        if (m.end > m.start && b < ALIGN_UP(m.end, PAGE_SIZE) && ALIGN_DOWN(m.start, PAGE_SIZE) < t)
            return true;
    }
    for (size_t i = 0; mb2_mmap_get(mb, i, &x); i++) {
        uint64_t xe = x.len > UINT64_MAX - x.base ? UINT64_MAX : x.base + x.len;
        if (x.len && x.type != MB2_MEMORY_AVAILABLE && b < ALIGN_UP(xe, PAGE_SIZE) &&
            ALIGN_DOWN(x.base, PAGE_SIZE) < t)
            return true;
    }
    return false;
}

/* The kernel's path on the same block: same list as L (which may grow), storage in a safe place. */
static void check_kernel_path(const struct mb2_info *mb, unsigned bits, int l_err)
{
    static struct region_list K;
    struct bootmem_config c = k;
    c.phys_bits = bits;
    int err = bootmem_sanitize(&K, mb, &c);
    CHECK(err == K_OK || err == K_ENOMEM, "bootmem_sanitize: %d", err);
    if (err != K_OK)
        return; /* no room, or a list of that size found none: reported */
    CHECK(region_check(&K), "region_check failed on the kernel's list");
    if (K.storage) {
        phys_addr_t b = K.storage, t = b + ALIGN_UP(K.capacity * sizeof(struct region), PAGE_SIZE);
        CHECK(b >= 1 * MiB && t <= ARENA, "room [0x%llx, 0x%llx) outside [1M, arena)",
              (unsigned long long)b, (unsigned long long)t);
        CHECK(!room_conflicts(mb, b, t), "room [0x%llx, 0x%llx) overlaps boot data or firmware",
              (unsigned long long)b, (unsigned long long)t);
    }
    if (l_err != K_OK)
        return;
    const struct region *r;
    for (int pass = 0; pass < 2; pass++) { /* every boundary of either list, both ways */
        const struct region_list *a = pass ? &L : &K;
        region_for_each(a, r)
        {
            CHECK(tag_of(&K, r->base) == tag_of(&L, r->base) &&
                      tag_of(&K, r->end - 1) == tag_of(&L, r->end - 1),
                  "the kernel's list differs from the growing one at [0x%llx, 0x%llx)",
                  (unsigned long long)r->base, (unsigned long long)r->end);
        }
    }
    if (bootmem_carve(&K, mb, &c) == K_OK)
        CHECK(region_check(&K), "region_check failed after the kernel's carve-outs");
}

static void check_carve(const struct mb2_info *mb)
{
    uint64_t before = region_total(&L, REGION_FREE);
    if (bootmem_carve(&L, mb, &k) != K_OK)
        return; /* refused (storage under a boot range) or out of room: reported, fine */
    CHECK(region_check(&L), "region_check failed after the carve-outs");
    CHECK(region_total(&L, REGION_FREE) <= before, "carving made memory free");
    for (uint64_t pa = 0; pa < 1 * MiB; pa += PAGE_SIZE) {
        const struct region *r = region_lookup(&L, pa);
        CHECK(!r || r->tag != REGION_FREE, "0x%llx below 1 MiB still free", (unsigned long long)pa);
    }
    for (uint64_t pa = k.kernel.base; pa < k.kernel.end; pa += PAGE_SIZE) {
        const struct region *r = region_lookup(&L, pa);
        CHECK(!r || r->tag != REGION_FREE, "kernel page 0x%llx still free", (unsigned long long)pa);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    uint8_t mode = (uint8_t)take(&in, 1);
    unsigned bits = MEMMAP_PHYS_BITS_MIN + (unsigned)take(&in, 1) % 21;
    unsigned sel = mode >> 3; /* where the block lies: mostly fine, sometimes wrapping or odd */
    phys_addr_t phys = sel == 31 ? 0xfffffffffff00000ull : sel == 30 ? 0x300004 : 0x300000;
    uint8_t *buf;
    uint32_t len;

    if (!arena_base())
        arena_create(ARENA);
    switch (mode % 3) {
    case 0: { /* raw: exactly total_size bytes when it is plausible, else just the header */
        uint32_t total = 0; /* as the parser will read it: the input, zero-padded */
        memcpy(&total, in.p, MIN(in.n, 4));
        len = total >= 16 && total <= MB2_INFO_MAX_SIZE ? total : 8;
        buf = calloc(1, len);
        memcpy(buf, in.p, MIN(in.n, len));
        break;
    }
    case 1: /* patched: total_size = the input's length */
        len = (uint32_t)MIN(MAX(in.n, 8), MB2_INFO_MAX_SIZE);
        buf = calloc(1, len);
        memcpy(buf, in.p, MIN(in.n, len));
        memcpy(buf, &len, 4);
        break;
    default:
        len = build_structured(&in);
        buf = malloc(len);
        memcpy(buf, sbuf, len);
        phys = 0x300000;
        break;
    }

    struct mb2_info mb;
    int err = mb2_parse(buf, phys, &mb);
    if (mode % 3 == 2)
        CHECK(err == K_OK, "a well-formed block failed to parse: %d", err);
    if (err == K_OK) {
        check_info(&mb);
        region_init(&L, "fuzz", storage, ARRAY_SIZE(storage));
        region_set_grow_limit(&L, ARENA);
        struct memmap_source src = bootmem_map_source(&mb);
        err = memmap_sanitize(&L, &src, bits);
        CHECK(err == K_OK || err == K_ENOMEM, "memmap_sanitize: %d", err);
        CHECK(err == K_OK || (L.count == 0 && L.regions == storage && !L.storage),
              "a failed sanitize left %zu entries behind", L.count);
        check_kernel_path(&mb, bits, err);
        if (err == K_OK) {
            check_list(&mb, bits);
            check_carve(&mb);
            if (L.count <= 32)
                memmap_print(&L);
        }
        if (L.storage)
            arena_discard(0, ARENA);
    }
    free(buf);
    return 0;
}
