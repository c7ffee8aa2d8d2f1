/* SPDX-License-Identifier: 0BSD */
/*
 * mkmodule: writes a test module for the boot tests — SIZE pseudo-random bytes from SEED — and
 * prints its CRC-32 as eight hex digits, the form the kernel's ktest expects after "crc32=" on
 * the module's GRUB line. The CRC comes from the kernel's own src/lib/crc32.c, so a mismatch at
 * boot means the module's bytes changed, not that two CRC implementations disagree.
 *
 *   mkmodule OUT SIZE [SEED]     SIZE in bytes, or with a K or M suffix (KiB, MiB)
 */
#include <frame64/crc32.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Parses "123", "4K" or "64M". Return: the size in bytes, or 0 when s is not such a size. */
static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s)
        return 0;
    if (*end == 'K' || *end == 'k')
        v <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        v <<= 20, end++;
    return *end ? 0 : (size_t)v;
}

/* xorshift64*: the same bytes for the same seed on every host, and no libc rand() state. */
static uint64_t next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 0x2545F4914F6CDD1Dull;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: mkmodule OUT SIZE [SEED]\n");
        return 2;
    }
    size_t size = parse_size(argv[2]);
    if (!size) {
        fprintf(stderr, "mkmodule: bad size \"%s\" (a positive number, K or M suffix)\n", argv[2]);
        return 2;
    }
    uint64_t state = argc == 4 ? strtoull(argv[3], NULL, 0) : 1;
    state = state * 0x9E3779B97F4A7C15ull + 0x5851F42D4C957F2Dull; /* never zero for small seeds */
    if (!state)
        state = 1;

    FILE *f = fopen(argv[1], "wb");
    if (!f) {
        fprintf(stderr, "mkmodule: cannot create %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    static uint8_t buf[64 * 1024];
    uint32_t crc = 0;
    for (size_t done = 0; done < size;) {
        size_t n = size - done < sizeof(buf) ? size - done : sizeof(buf);
        for (size_t i = 0; i < n; i += 8) {
            uint64_t r = next(&state);
            memcpy(buf + i, &r, n - i < 8 ? n - i : 8);
        }
        crc = crc32_update(crc, buf, n);
        if (fwrite(buf, 1, n, f) != n) {
            fprintf(stderr, "mkmodule: writing %s: %s\n", argv[1], strerror(errno));
            fclose(f);
            return 1;
        }
        done += n;
    }
    if (fclose(f)) {
        fprintf(stderr, "mkmodule: closing %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    printf("%08x\n", (unsigned)crc);
    return 0;
}
