/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness: elf_plan() and, for what it accepts, elf_pie_base() and elf_plan_place()
 * against a reference model of the rules in <frame64/elf.h> (fixed-address and static-PIE).
 *
 * The first input byte picks how the rest is used (and, for raw, the user limit):
 *   raw        the bytes are the module;
 *   scattered  the bytes describe a header and up to 12 program headers placed near the
 *              boundaries that matter (page and 64 KiB edges, the user limit, wrap-around,
 *              W+X, PT_PHDR right or wrong), then a few bytes of it overwritten;
 *   template   (half the runs) a valid static-program layout with 0-3 fields nudged, so that
 *              acceptance and the rules' exact edges (one byte, one page) are reached often,
 *              which raw bytes almost never do.
 * Every image is copied into an allocation exactly its size, so ASan sees any read past it.
 * The model (fuzz_elf_model.h) decodes with memcpy and decides with 128-bit arithmetic (nothing
 * can wrap) and "any rule broken" rather than the validator's first-broken-rule order. It must
 * accept exactly what elf_plan() accepts and, when both accept, produce the same plan; a refusal
 * must come with a sentence. Then the plan is placed (where the kernel would put it, a page off,
 * near the limit or anywhere) and elf_plan_place() must agree with the model. Any disagreement
 * aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_elf_model.h"
#include "fuzz_input.h"
#include <frame64/elf.h>
#include <frame64/error.h>

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_elf: " __VA_ARGS__);                                             \
            fprintf(stderr, "\n");                                                                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* ---- generated images ---- */

#define S_SIZE_MAX (64 * 1024)
#define S_PH_MAX   12

static const uint64_t limits[] = {0x800000000000, 0x800000000000, 0x40000000, 0x412345};

/* An address near something that matters, from a selector byte and a small delta. */
static uint64_t pick_addr(struct in *in, uint64_t limit)
{
    uint64_t sel = take(in, 1), d = take(in, 2);
    switch (sel % 8) {
    case 0:
    case 1:
    case 2: /* the usual static layout: 0x400000 + a few pages + an offset in the page */
        return 0x400000 + (d >> 4) * 0x1000 % 0x10000 + (d & 0xf) * 0x110 % 0x1000;
    case 3: /* around the 64 KiB floor */
        return 0x10000 - 0x2000 + (d % 0x4000);
    case 4: /* around the user limit */
        return limit - 0x4000 + (d % 0x8000);
    case 5: /* around wrap-around */
        return UINT64_MAX - 0x3000 + (d % 0x4000);
    case 6: /* 2 MiB-ish alignment games */
        return 0x200000 * (d % 8) + 0x1000 * (d >> 13);
    default:
        return take(in, 8);
    }
}

static void s_ph(uint8_t *p, uint32_t type, uint32_t flags, uint64_t off, uint64_t vaddr,
                 uint64_t filesz, uint64_t memsz, uint64_t align)
{
    memcpy(p, &type, 4);
    memcpy(p + 4, &flags, 4);
    memcpy(p + 8, &off, 8);
    memcpy(p + 16, &vaddr, 8);
    memcpy(p + 24, &vaddr, 8);
    memcpy(p + 32, &filesz, 8);
    memcpy(p + 40, &memsz, 8);
    memcpy(p + 48, &align, 8);
}

/* Builds an image into img from the input; returns its size. */
static size_t scattered(struct in *in, uint8_t *img, uint64_t *limit)
{
    static const uint32_t types[] = {1, 1, 1, 1, 1, 0x6474e551, 7, 6, 6, 3, 2, 4};
    static const uint64_t aligns[] = {0x1000, 0x1000, 0, 1, 0x200000, 16, 0x1800, 0x1000};
    *limit = limits[take(in, 1) % ARRAY_SIZE(limits)];
    size_t size = 0x1000 + take(in, 2) % (S_SIZE_MAX - 0x1000);
    memset(img, 0, size);
    unsigned nph = 1 + take(in, 1) % S_PH_MAX;
    uint64_t phoff = take(in, 1) % 4 == 0 ? take(in, 2) % size : 64;
    memcpy(img, "\177ELF\2\1\1", 7);
    uint16_t h16[] = {take(in, 1) % 2 ? 2 : 3, 62};
    memcpy(img + 16, h16, 4);
    uint32_t one = 1;
    memcpy(img + 20, &one, 4);
    memcpy(img + 32, &phoff, 8);
    uint16_t ph_sizes[] = {64, 56, (uint16_t)nph};
    memcpy(img + 52, ph_sizes, 6);

    uint64_t entry = 0;
    for (unsigned i = 0; i < nph; i++) {
        uint32_t type = types[take(in, 1) % ARRAY_SIZE(types)];
        uint32_t flags = (uint32_t)take(in, 1) & 7;
        if (flags == 3 && take(in, 1) % 2) /* mostly W^X-respecting: RX, RW, R */
            flags = 5;
        uint64_t vaddr = pick_addr(in, *limit);
        uint64_t off;
        uint64_t choice = take(in, 1);
        if (choice % 4 == 0)
            off = take(in, 8);
        else if (i == 0 && choice % 4 == 1)
            off = 0, vaddr &= ~(uint64_t)0xfff; /* the headers' segment */
        else
            off = (vaddr & 0xfff) + (take(in, 1) % 8) * 0x1000; /* congruent */
        uint64_t memsz = take(in, 1) % 2 ? take(in, 2) : take(in, 4) % 0x400000;
        uint64_t filesz = take(in, 1) % 3 == 0 ? memsz : take(in, 2) % (memsz + 2);
        uint64_t align = aligns[take(in, 1) % ARRAY_SIZE(aligns)];
        if (type == 6) { /* PT_PHDR: mostly where LOAD 0 put the headers */
            off = take(in, 1) % 4 ? phoff : phoff + 8;
            vaddr = take(in, 1) % 4 ? 0x400000 + phoff : vaddr;
        }
        if (phoff + (i + 1) * 56 <= size)
            s_ph(img + phoff + i * 56, type, flags, off, vaddr, filesz, memsz, align);
        if (type == 1 && (flags & 1) && take(in, 1) % 4)
            entry = vaddr + (memsz ? take(in, 4) % (memsz + 1) : 0);
    }
    if (take(in, 1) % 8 == 0)
        entry = take(in, 8);
    memcpy(img + 24, &entry, 8);
    /* A few stray bytes anywhere: header fields, program headers, contents. */
    for (unsigned k = take(in, 1) % 4; k > 0; k--) {
        size_t at = take(in, 2) % size;
        img[at] = (uint8_t)take(in, 1);
    }
    return size;
}

/*
 * A valid layout first, then a few precise mutations: up to 6 loadable segments in address
 * order (the first holds the headers, one is RX with the entry inside, the rest R or RW), at
 * congruent offsets, a page or more apart or sharing nothing; a GNU_STACK, a PT_TLS and often a
 * correct PT_PHDR; then 0-3 fields nudged by +-1, +-a page or to a chosen value.
 */
static size_t template(struct in *in, uint8_t *img, uint64_t *limit)
{
    *limit = limits[take(in, 1) % ARRAY_SIZE(limits)];
    unsigned nload = 1 + take(in, 1) % 6;
    bool with_phdr = take(in, 1) % 2;
    unsigned nph = nload + 2 + with_phdr;
    bool pie = take(in, 1) % 3 == 0; /* a static PIE, linked at 0 */
    uint64_t base = pie ? 0 : take(in, 1) % 8 == 0 ? 0x10000 : 0x400000;
    if (!pie && *limit < 0x800000000000 && take(in, 1) % 4 == 0)
        base = ALIGN_DOWN(*limit, 0x1000) - 0x10000;
    uint64_t va = base, file = 0, rx = take(in, 1) % nload, entry = 0;
    uint8_t ph[S_PH_MAX][56];
    uint64_t f_end = 0;
    for (unsigned i = 0; i < nload; i++) {
        uint64_t in_page = i == 0 ? 0 : (take(in, 1) % 3 ? take(in, 2) % 0x1000 : 0);
        uint64_t memsz = 1 + take(in, 2) % 0x3000;
        uint64_t filesz =
            take(in, 1) % 2 ? MIN(memsz, 0x800) : take(in, 2) % (MIN(memsz, 0x800) + 1);
        if (i == 0)
            filesz = MAX(filesz, 64 + 56 * (uint64_t)nph), memsz = MAX(memsz, filesz);
        uint32_t flags = i == rx ? 5 : (take(in, 1) % 2 ? 4 : 6);
        if (i == 0 && rx != 0)
            flags = 4;
        uint64_t vaddr = va + in_page, off = file + in_page;
        s_ph(ph[i], 1, flags, off, vaddr, filesz, memsz, take(in, 1) % 4 ? 0x1000 : 0);
        if (i == rx)
            entry = vaddr + take(in, 2) % memsz;
        f_end = MAX(f_end, off + filesz);
        va = ALIGN_UP(vaddr + memsz, 0x1000) + 0x1000 * (take(in, 1) % 3);
        file = ALIGN_UP(off + filesz, 0x1000);
    }
    s_ph(ph[nload], 0x6474e551, 6, 0, 0, 0, 0, 16);
    s_ph(ph[nload + 1], 7, 4, 0, base + 0x40, 8, 16, 8);
    if (with_phdr)
        s_ph(ph[nload + 2], 6, 4, 64, base + 64, 56 * (uint64_t)nph, 56 * (uint64_t)nph, 8);

    size_t size = MIN(f_end + take(in, 1) % 64, (uint64_t)S_SIZE_MAX);
    memset(img, 0, size);
    memcpy(img, "\177ELF\2\1\1", 7);
    uint16_t h16[] = {pie ? 3 : 2, 62};
    memcpy(img + 16, h16, 4);
    uint32_t one = 1;
    memcpy(img + 24, &entry, 8);
    memcpy(img + 20, &one, 4);
    uint64_t phoff = 64;
    memcpy(img + 32, &phoff, 8);
    uint16_t ph_sizes[] = {64, 56, (uint16_t)nph};
    memcpy(img + 52, ph_sizes, 6);
    for (unsigned i = 0; i < nph; i++)
        memcpy(img + 64 + 56 * i, ph[i], 56);

    static const int64_t deltas[] = {1, -1, 0x1000, -0x1000, 0x10, 0x200000};
    for (unsigned k = take(in, 1) % 4; k > 0; k--) {
        /* a field: 0..6 of a program header (type, flags, offset, vaddr, filesz, memsz, align),
         * 7: the entry point */
        unsigned i = take(in, 1) % nph, f = take(in, 1) % 8;
        static const unsigned off[] = {0, 4, 8, 16, 32, 40, 48};
        uint8_t *p = f == 7 ? img + 24 : img + 64 + 56 * i + off[f];
        unsigned w = f < 2 ? 4 : 8;
        uint64_t v = 0;
        memcpy(&v, p, w);
        uint64_t how = take(in, 1);
        if (how % 4 == 3)
            v = take(in, 8);
        else if (f < 2)
            v = f == 0 ? (uint32_t[]){1, 2, 3, 6, 7, 0x6474e551}[how % 6] : (uint32_t)how % 8;
        else if (f == 6 && how % 8 == 1)
            v = 0x200000; /* a 2 MiB alignment the base must keep */
        else
            v += (uint64_t)deltas[how % ARRAY_SIZE(deltas)];
        memcpy(p, &v, w);
    }
    return size;
}

/* ---- the comparison ---- */

static void compare(const uint8_t *img, size_t size, uint64_t limit, uint64_t seed)
{
    struct elf_plan got, want;
    char why[ELF_WHY_SIZE];
    int err = elf_plan(img, size, limit, &got, why, sizeof(why));
    bool ok = model(img, size, limit, &want);
    CHECK(err == K_OK || err == K_EINVAL, "elf_plan returned %d", err);
    CHECK((err == K_OK) == ok, "elf_plan %s, the model %s (%s)", err ? "refused" : "accepted",
          ok ? "accepts" : "refuses", err ? why : "");
    if (!ok) {
        CHECK(why[0] != '\0' && strlen(why) < sizeof(why) - 1, "refusal without a whole sentence");
        return;
    }
    CHECK(got.entry == want.entry && got.nseg == want.nseg, "entry/nseg differ");
    CHECK(got.phdr_vaddr == want.phdr_vaddr, "AT_PHDR 0x%lx, the model 0x%lx", got.phdr_vaddr,
          want.phdr_vaddr);
    CHECK(got.phent == want.phent && got.phnum == want.phnum, "phent/phnum differ");
    CHECK(got.brk_start == want.brk_start, "brk 0x%lx, the model 0x%lx", got.brk_start,
          want.brk_start);
    CHECK(got.pie == want.pie && got.align == want.align && got.base == 0, "pie/align differ");
    for (unsigned k = 0; k < got.nseg; k++)
        CHECK(memcmp(&got.seg[k], &want.seg[k], sizeof(got.seg[k])) == 0, "segment %u differs", k);

    /* Placement: where the kernel would put it, or a base one page off, or near the limit. */
    uint64_t base = got.pie ? elf_pie_base(&got, seed) : 0;
    u128 want_base =
        got.pie ? ((u128)0x555555554000 + (seed % (1ull << 28)) * 4096) & ~(u128)(got.align - 1)
                : 0;
    CHECK(base == want_base, "elf_pie_base 0x%lx, the model 0x%lx", base, (uint64_t)want_base);
    switch (seed >> 60) {
    case 0:
        base += 0x1000;
        break;
    case 1:
        base = ALIGN_DOWN(limit, 0x1000) - (seed >> 32) % 0x10 * 0x1000;
        break;
    case 2:
        base = seed << 12;
        break;
    default:
        break;
    }
    bool place_ok = model_place(&want, base, limit);
    int perr = elf_plan_place(&got, base, limit, why, sizeof(why));
    CHECK((perr == K_OK) == place_ok, "elf_plan_place %s at 0x%lx, the model %s (%s)",
          perr ? "refused" : "accepted", base, place_ok ? "accepts" : "refuses", perr ? why : "");
    if (!place_ok) {
        CHECK(why[0] != '\0' && strlen(why) < sizeof(why) - 1, "refusal without a whole sentence");
        return;
    }
    CHECK(got.entry == want.entry && got.phdr_vaddr == want.phdr_vaddr &&
              got.brk_start == want.brk_start && got.base == want.base,
          "placed entry/AT_PHDR/brk/base differ");
    for (unsigned k = 0; k < got.nseg; k++)
        CHECK(got.seg[k].vaddr == want.seg[k].vaddr, "placed segment %u differs", k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct in in = {data + 1, size - 1};
    if (data[0] % 4 == 0) {
        /* raw: exactly the bytes, in their own allocation */
        uint8_t *img = malloc(in.n ? in.n : 1);
        memcpy(img, in.p, in.n);
        uint64_t seed = 0;
        memcpy(&seed, in.p, MIN(in.n, sizeof(seed)));
        compare(img, in.n, limits[data[0] / 4 % ARRAY_SIZE(limits)], seed * 0x9e3779b97f4a7c15ull);
        free(img);
        return 0;
    }
    static uint8_t scratch[S_SIZE_MAX];
    uint64_t limit;
    size_t n = data[0] % 4 == 1 ? scattered(&in, scratch, &limit) : template(&in, scratch, &limit);
    uint64_t seed = take(&in, 8);
    uint8_t *img = malloc(n);
    memcpy(img, scratch, n);
    compare(img, n, limit, seed);
    free(img);
    return 0;
}
