/* SPDX-License-Identifier: 0BSD */
/* The newc cpio reader (see include/frame64/cpio.h). */
#include <frame64/cpio.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>

#define TRAILER "TRAILER!!!"

/* Eight hexadecimal digits at s into *v. Return: whether they all were. */
static bool hex8(const char *s, uint32_t *v)
{
    uint32_t x = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return false;
        x = x << 4 | d;
    }
    *v = x;
    return true;
}

static size_t align4(size_t n)
{
    return (n + 3) & ~(size_t)3;
}

int cpio_next(const void *image, size_t size, size_t *at, struct cpio_entry *e, char *err,
              size_t err_size)
{
    const char *base = image;
    size_t off = *at;
    /* Padding between archives is zeros, in steps of 4 (the kernel's initramfs reader too). */
    while (off < size && off % 4 == 0 && size - off >= 4 && !memcmp(base + off, "\0\0\0\0", 4))
        off += 4;
    if (off >= size) {
        *at = size;
        return 0;
    }
    if (size - off < CPIO_HEADER_SIZE) {
        ksnprintf(err, err_size, "%zu bytes at offset %zu are not a cpio header (%u bytes)",
                  size - off, off, CPIO_HEADER_SIZE);
        return -1;
    }
    const char *h = base + off;
    bool sum = !memcmp(h, "070702", 6);
    if (!sum && memcmp(h, "070701", 6) != 0) {
        ksnprintf(err, err_size,
                  "the entry at offset %zu is not a newc cpio header (magic 070701 or 070702; "
                  "make the archive with cpio -H newc)",
                  off);
        return -1;
    }
    uint32_t f[13];
    for (int i = 0; i < 13; i++) {
        if (!hex8(h + 6 + 8 * i, &f[i])) {
            ksnprintf(err, err_size,
                      "the header at offset %zu has a field that is not 8 hex digits", off);
            return -1;
        }
    }
    uint32_t namesize = f[11], check = f[12];
    uint64_t filesize = f[6];
    size_t name_at = off + CPIO_HEADER_SIZE;
    if (namesize < 2 || namesize > CPIO_NAME_MAX || namesize > size - name_at) {
        ksnprintf(err, err_size,
                  "the entry at offset %zu has a name of %u bytes (1 to %u with its NUL, within "
                  "the archive)",
                  off, namesize, CPIO_NAME_MAX);
        return -1;
    }
    const char *name = base + name_at;
    if (name[namesize - 1] != '\0' || strlen(name) != namesize - 1) {
        ksnprintf(err, err_size, "the name of the entry at offset %zu is not one NUL-ended string",
                  off);
        return -1;
    }
    size_t data_at = align4(name_at + namesize);
    if (data_at > size || filesize > size - data_at) {
        ksnprintf(err, err_size,
                  "the entry at offset %zu says %llu bytes of data, past the archive's end", off,
                  (unsigned long long)filesize);
        return -1;
    }
    if (!strcmp(name, TRAILER)) {
        *at = align4(data_at + filesize) < size ? align4(data_at + filesize) : size;
        return 0;
    }
    const uint8_t *data = (const uint8_t *)base + data_at;
    if (sum) {
        uint32_t s = 0;
        for (uint64_t i = 0; i < filesize; i++)
            s += data[i];
        if (s != check) {
            ksnprintf(err, err_size,
                      "the data of %s (offset %zu) sums to %08x, its header says %08x", name, off,
                      s, check);
            return -1;
        }
    }
    *e = (struct cpio_entry){.name = name,
                             .data = data,
                             .size = filesize,
                             .ino = f[0],
                             .mode = f[1],
                             .uid = f[2],
                             .gid = f[3],
                             .nlink = f[4],
                             .mtime = f[5],
                             .dev_major = f[7],
                             .dev_minor = f[8],
                             .rdev_major = f[9],
                             .rdev_minor = f[10],
                             .offset = off};
    size_t next = align4(data_at + filesize);
    *at = next < size ? next : size;
    return 1;
}
