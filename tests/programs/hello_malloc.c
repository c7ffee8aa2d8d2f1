/* SPDX-License-Identifier: 0BSD */
/*
 * hello_malloc: a plain musl program. Many malloc/realloc/free calls of small sizes (brk and
 * musl's own mmap'ed groups) and large ones (one mmap each, munmap on free), every byte
 * checked, then a few printf lines (stdout through writev) and exit status 7.
 *
 * Usage: hello_malloc [KIB]. The large blocks are 128 KiB to 4 MiB, eight alive at a time (up to
 * 33 MiB); KIB, if given, is how much the eight may hold together, for a machine with less free
 * memory (the ktest passes what there is). The sizes follow the same sequence either way.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "progs.h"

#define SMALL 2000
#define LARGE 48

static unsigned char pattern(size_t block, size_t i)
{
    return (unsigned char)(block * 31 + i * 7 + 1);
}

static int fill_check(unsigned char *p, size_t n, size_t block, int check)
{
    for (size_t i = 0; i < n; i++) {
        if (!check)
            p[i] = pattern(block, i);
        else if (p[i] != pattern(block, i))
            return 0;
    }
    return 1;
}

int main(int argc, char **argv)
{
    static unsigned char *small[SMALL];
    static size_t small_len[SMALL];
    uint64_t rng = 0x1234567;
    printf("hello_malloc: hello from a static musl program\n");

    /* Small blocks: allocate, free every third, reallocate those bigger, check everything. */
    for (size_t b = 0; b < SMALL; b++) {
        small_len[b] = 1 + rng_next(&rng) % 3000;
        small[b] = malloc(small_len[b]);
        if (!small[b]) {
            printf("hello_malloc: malloc(%zu) failed\n", small_len[b]);
            return 1;
        }
        fill_check(small[b], small_len[b], b, 0);
    }
    for (size_t b = 0; b < SMALL; b += 3) {
        free(small[b]);
        small_len[b] = 1 + rng_next(&rng) % 9000;
        small[b] = malloc(small_len[b]);
        if (!small[b])
            return 1;
        fill_check(small[b], small_len[b], b, 0);
    }
    for (size_t b = 1; b < SMALL; b += 5) {
        size_t keep = small_len[b];
        small_len[b] = keep * 2 + 100;
        unsigned char *q = realloc(small[b], small_len[b]);
        if (!q || !fill_check(q, keep, b, 1)) {
            printf("hello_malloc: realloc lost the data of block %zu\n", b);
            return 1;
        }
        small[b] = q;
        fill_check(q, small_len[b], b, 0);
    }
    size_t small_bytes = 0;
    for (size_t b = 0; b < SMALL; b++) {
        if (!fill_check(small[b], small_len[b], b, 1)) {
            printf("hello_malloc: small block %zu corrupted\n", b);
            return 1;
        }
        small_bytes += small_len[b];
        free(small[b]);
    }

    /* Large blocks, 128 KiB to 4 MiB: at most 8 alive at a time, each checked before free. */
    size_t span = 4 << 20; /* a large block is 128 KiB plus less than this */
    if (argc > 1) {
        size_t each = (size_t)strtoull(argv[1], NULL, 10) * 1024 / 8;
        if (each < span + (128 << 10))
            span = each > (128 << 10) + 4096 ? each - (128 << 10) : 4096;
    }
    unsigned char *large[8] = {0};
    size_t large_len[8] = {0};
    size_t large_bytes = 0;
    for (size_t b = 0; b < LARGE; b++) {
        size_t slot = b % 8;
        if (large[slot]) {
            if (!fill_check(large[slot], large_len[slot], b - 8, 1)) {
                printf("hello_malloc: large block %zu corrupted\n", b - 8);
                return 1;
            }
            free(large[slot]);
        }
        large_len[slot] = (128 << 10) + rng_next(&rng) % span;
        large[slot] = malloc(large_len[slot]);
        if (!large[slot]) {
            printf("hello_malloc: malloc(%zu) failed\n", large_len[slot]);
            return 1;
        }
        fill_check(large[slot], large_len[slot], b, 0);
        large_bytes += large_len[slot];
    }
    for (size_t slot = 0; slot < 8; slot++) {
        if (!fill_check(large[slot], large_len[slot], LARGE - 8 + slot, 1)) {
            printf("hello_malloc: large block %zu corrupted\n", LARGE - 8 + slot);
            return 1;
        }
        free(large[slot]);
    }

    /* calloc'ed memory is zero even where freed blocks were. */
    unsigned char *z = calloc(1, 1 << 20);
    for (size_t i = 0; z && i < (1 << 20); i++) {
        if (z[i]) {
            printf("hello_malloc: calloc memory not zero at %zu\n", i);
            return 1;
        }
    }
    free(z);

    printf("hello_malloc: %d small blocks (%zu KiB) and %d large blocks (%zu KiB) checked\n", SMALL,
           small_bytes >> 10, LARGE, large_bytes >> 10);
    printf("hello_malloc: exiting with status 7\n");
    return 7;
}
