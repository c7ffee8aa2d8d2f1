/* SPDX-License-Identifier: 0BSD */
/*
 * A reader of cpio archives in the "newc" format (pure), the format of Linux's initramfs and of
 * `cpio -H newc`: each entry is a 110-byte header of ASCII ("070701", or "070702" when the
 * check field holds a sum, then thirteen 8-digit hexadecimal fields), the name with its NUL,
 * zeros to a multiple of 4, the data, zeros to a multiple of 4. The entry named "TRAILER!!!" ends
 * the archive. The archive comes from outside (a boot module), so every field is checked against
 * the bytes there are; a bad one is refused with a sentence naming the entry's offset.
 *
 *   struct cpio_entry e;
 *   size_t at = 0;
 *   char err[CPIO_ERR_SIZE];
 *   int r;
 *   while ((r = cpio_next(image, size, &at, &e, err, sizeof(err))) > 0)
 *       use(e.name, e.mode, e.data, e.size);
 *   if (r < 0)
 *       kprintf("initramfs: %s\n", err);
 */
#ifndef FRAME64_CPIO_H
#define FRAME64_CPIO_H

#include <frame64/types.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_ERR_SIZE    160
#define CPIO_NAME_MAX    4096 /* PATH_MAX: a longer name is refused */

/* The file type bits of mode (S_IFMT), as Linux's stat. */
#define CPIO_S_IFMT  0170000u
#define CPIO_S_IFREG 0100000u
#define CPIO_S_IFDIR 0040000u
#define CPIO_S_IFLNK 0120000u
#define CPIO_S_IFCHR 0020000u
#define CPIO_S_IFBLK 0060000u

struct cpio_entry {
    const char *name; /* NUL-terminated, inside the archive */
    const void *data; /* size bytes inside the archive (a symlink's target, without NUL) */
    uint64_t size;
    uint32_t ino, mode, uid, gid, nlink, mtime;
    uint32_t dev_major, dev_minor, rdev_major, rdev_minor;
    size_t offset; /* of its header in the archive */
};

/*
 * Reads the entry at *at of the archive [image, image + size) into *e and moves *at past it.
 * Zeros between archives (what concatenated archives and a padded module hold) are skipped; the
 * end of the image after a trailer, or at an entry boundary, ends the archive too.
 * Return: 1 (an entry), 0 (the archive ended: the trailer, or no more bytes), or -1 with a
 * sentence in err (bad magic or digits, a name that is empty, too long or not NUL-terminated, a
 * size past the end, a "070702" entry whose data does not add up to its check field).
 */
int cpio_next(const void *image, size_t size, size_t *at, struct cpio_entry *e, char *err,
              size_t err_size);

#endif
