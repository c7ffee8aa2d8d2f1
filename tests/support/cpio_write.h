/* SPDX-License-Identifier: 0BSD */
/*
 * A newc cpio writer for the tests of src/fs/cpio.c (unit tests and the fuzzer): what
 * `cpio -o -H newc` writes, one entry at a time, so each test can build an archive and then
 * break one byte of it.
 */
#ifndef TEST_CPIO_WRITE_H
#define TEST_CPIO_WRITE_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

struct cpio_out {
    uint8_t *buf;
    size_t size, len;
    int overflow;
};

static inline void cpio_put(struct cpio_out *o, const void *p, size_t n)
{
    if (n > o->size - o->len) {
        o->overflow = 1;
        return;
    }
    memcpy(o->buf + o->len, p, n);
    o->len += n;
}

static inline void cpio_pad4(struct cpio_out *o)
{
    static const uint8_t zero[4];
    cpio_put(o, zero, (4 - o->len % 4) % 4);
}

/* One entry: magic 070701, or 070702 with the data's byte sum in the check field when sum. */
static inline void cpio_write(struct cpio_out *o, const char *name, uint32_t mode, uint32_t ino,
                              const void *data, uint32_t size, int sum)
{
    char h[111];
    uint32_t check = 0;
    for (uint32_t i = 0; sum && i < size; i++)
        check += ((const uint8_t *)data)[i];
    snprintf(h, sizeof(h), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
             sum ? "070702" : "070701", ino, mode, 0u, 0u, 1u, 0u, size, 0u, 0u,
             (mode & 0170000u) == 0020000u ? 5u : 0u, (mode & 0170000u) == 0020000u ? 1u : 0u,
             (uint32_t)strlen(name) + 1, check);
    cpio_put(o, h, 110);
    cpio_put(o, name, strlen(name) + 1);
    cpio_pad4(o);
    cpio_put(o, data, size);
    cpio_pad4(o);
}

static inline void cpio_trailer(struct cpio_out *o)
{
    cpio_write(o, "TRAILER!!!", 0, 0, "", 0, 0);
}

#endif
