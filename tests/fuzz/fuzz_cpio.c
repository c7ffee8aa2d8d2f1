/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness: cpio_next() (src/fs/cpio.c), the initramfs reader, on what a boot module may
 * hold. The first input byte picks how the rest is used:
 *   raw        the bytes are the archive (the buffer is exactly that long, so ASan sees any read
 *              past it); every entry returned must lie inside it, each call must move forward,
 *              and an error must come with a sentence;
 *   structured the bytes describe up to 16 entries (a name, a mode, data, whether summed, zero
 *              padding before it), written by tests/support/cpio_write.h's writer; reading the
 *              archive back must give exactly those entries, in order, and then the end: the
 *              reference model is the list the archive was written from;
 *   damaged    such an archive with some bytes overwritten and its end cut anywhere, read with
 *              the raw checks (the fuzzer rarely writes a whole valid header by chance; this
 *              reaches the checks past the header).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpio_write.h"
#include "fuzz_input.h"
#include <frame64/cpio.h>

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_cpio: " __VA_ARGS__);                                            \
            fprintf(stderr, "\n");                                                                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define MAX_ENTRIES 16

static void raw(const uint8_t *data, size_t size)
{
    uint8_t *image = malloc(size ? size : 1);
    memcpy(image, data, size);
    struct cpio_entry e;
    char err[CPIO_ERR_SIZE];
    size_t at = 0;
    for (;;) {
        size_t before = at;
        err[0] = '\0';
        int r = cpio_next(image, size, &at, &e, err, sizeof(err));
        CHECK(at <= size, "the cursor %zu passed the archive's %zu bytes", at, size);
        if (r < 0) {
            CHECK(err[0] != '\0', "an error without a sentence at %zu", before);
            break;
        }
        if (r == 0) {
            if (at >= size)
                break;
            continue; /* a trailer; another archive may follow */
        }
        CHECK(at > before, "no progress at offset %zu", before);
        const uint8_t *n = (const uint8_t *)e.name, *d = e.data;
        CHECK(n >= image && n + strlen(e.name) < image + size, "a name outside the archive");
        CHECK(d >= image && d + e.size <= image + size, "data outside the archive");
    }
    free(image);
}

static uint8_t buf[1 << 20];

static void structured(struct in *in, bool damage)
{
    static char names[MAX_ENTRIES][64];
    static uint8_t bodies[MAX_ENTRIES][512];
    uint32_t modes[MAX_ENTRIES], sizes[MAX_ENTRIES];
    struct cpio_out o = {.buf = buf, .size = sizeof(buf)};
    int n = (int)(take(in, 1) % (MAX_ENTRIES + 1));
    for (int i = 0; i < n; i++) {
        unsigned pad = (unsigned)take(in, 1) % 4 * 4; /* zeros between entries: 0-12 bytes */
        unsigned len = 1 + (unsigned)take(in, 1) % 63;
        for (unsigned j = 0; j < len; j++) {
            char c = (char)take(in, 1);
            names[i][j] = c ? c : 'z';
        }
        names[i][len] = '\0';
        if (!strcmp(names[i], "TRAILER!!!"))
            names[i][0] = 't';
        modes[i] = (uint32_t)take(in, 4);
        sizes[i] = (uint32_t)take(in, 2) % sizeof(bodies[i]);
        for (uint32_t j = 0; j < sizes[i]; j++)
            bodies[i][j] = (uint8_t)take(in, 1);
        memset(buf + o.len, 0, pad);
        o.len += pad;
        cpio_write(&o, names[i], modes[i], (uint32_t)i, bodies[i], sizes[i],
                   (int)(take(in, 1) & 1));
    }
    if (take(in, 1) & 1)
        cpio_trailer(&o);
    CHECK(!o.overflow, "the writer's buffer is too small");
    if (damage) {
        for (int k = (int)(take(in, 1) % 8); k > 0 && o.len; k--) {
            size_t at = (size_t)take(in, 3) % o.len;
            buf[at] = (uint8_t)take(in, 1);
        }
        raw(buf, o.len ? (size_t)take(in, 3) % (o.len + 1) : 0);
        return;
    }

    struct cpio_entry e;
    char err[CPIO_ERR_SIZE] = "";
    size_t at = 0;
    for (int i = 0; i < n; i++) {
        int r = cpio_next(buf, o.len, &at, &e, err, sizeof(err));
        CHECK(r == 1, "entry %d of %d: %d (%s)", i, n, r, err);
        CHECK(!strcmp(e.name, names[i]), "entry %d: name %s, written %s", i, e.name, names[i]);
        CHECK(e.mode == modes[i] && e.ino == (uint32_t)i && e.size == sizes[i],
              "entry %d: mode, inode or size differ", i);
        CHECK(!memcmp(e.data, bodies[i], sizes[i]), "entry %d: the data differ", i);
    }
    CHECK(cpio_next(buf, o.len, &at, &e, err, sizeof(err)) == 0, "more than the %d entries", n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    struct in in = {data + 1, size - 1};
    switch (data[0] % 3) {
    case 0:
        raw(data + 1, size - 1);
        break;
    case 1:
        structured(&in, false);
        break;
    default:
        structured(&in, true);
    }
    return 0;
}
