/* SPDX-License-Identifier: 0BSD */
/*
 * An in-memory file system (src/fs/ramfs*.c, pure): directories, regular files, symbolic links
 * and device and FIFO nodes, with Linux's semantics and errors (negated errno values of
 * <frame64/errno.h>). A regular file's bytes live in whole pages the platform hands in (the
 * kernel's come from the frame manager), found through a radix tree of index pages like a page
 * table: a hole reads as zeros, truncate and unlink give the pages back at once, and the counts of
 * data and index pages are exact at every return. Nodes and directory entries are small objects
 * from the platform's object allocator. Not locked: the caller serialises every call.
 *
 * A node lives while a directory entry names it (nlink) or someone holds it (refs: an open file,
 * a working directory); the last of both frees it and its pages.
 */
#ifndef FRAME64_RAMFS_H
#define FRAME64_RAMFS_H

#include <frame64/types.h>

#define RAMFS_PAGE        4096u
#define RAMFS_NAME_MAX    255
#define RAMFS_LINK_MAX    4095         /* a symbolic link's target, without its NUL */
#define RAMFS_SIZE_MAX    (1ull << 39) /* a file's largest size: three levels of index */
#define RAMFS_DIRENT_SIZE 20 /* a directory's st_size: 20 per entry, "." and ".." too (tmpfs) */

/* Linux's st_mode bits. */
#define S_IFMT     0170000u
#define S_IFSOCK   0140000u
#define S_IFLNK    0120000u
#define S_IFREG    0100000u
#define S_IFBLK    0060000u
#define S_IFDIR    0040000u
#define S_IFCHR    0020000u
#define S_IFIFO    0010000u
#define S_ISDIR(m) (((m)&S_IFMT) == S_IFDIR)
#define S_ISREG(m) (((m)&S_IFMT) == S_IFREG)
#define S_ISLNK(m) (((m)&S_IFMT) == S_IFLNK)

struct ramfs_ops {
    void *(*page_alloc)(void *ctx); /* a zeroed RAMFS_PAGE-byte page, or NULL */
    void (*page_free)(void *ctx, void *page);
    void *(*obj_alloc)(void *ctx, size_t size); /* zeroed, or NULL */
    void (*obj_free)(void *ctx, void *obj);
    int64_t (*now_ns)(void *ctx); /* the time stamps: nanoseconds since 1970 */
};

struct ramfs_dirent;

struct ramfs_node {
    uint32_t mode; /* type and permission bits */
    uint32_t nlink, uid, gid;
    uint64_t ino, size;
    uint32_t rdev; /* a device node's number (Linux's encoding: major << 8 | minor, small) */
    uint32_t dyn;  /* the platform's own meaning for a node it made (0: none) */
    unsigned refs; /* holders besides directory entries */
    int64_t atime_ns, mtime_ns, ctime_ns;
    union {
        struct {
            struct ramfs_dirent *first, *last; /* in order of creation (seq ascending) */
            struct ramfs_node *parent;         /* "..": the root's is itself */
            uint64_t next_seq;                 /* the next entry's seq (0, 1 are "." and "..") */
            uint64_t entries;
        } dir;
        struct {
            void *root;      /* a data page (height 0) or an index page of 512 pointers */
            unsigned height; /* index levels above the data pages */
            uint64_t pages;  /* data pages held */
        } reg;
        struct {
            char *target; /* NUL-terminated; size is its length */
        } lnk;
    } u;
};

struct ramfs_dirent {
    struct ramfs_dirent *next;
    struct ramfs_node *node;
    uint64_t seq; /* getdents64's position: stays valid while others come and go */
    uint16_t len;
    char name[]; /* len bytes and a NUL */
};

struct ramfs {
    const struct ramfs_ops *ops;
    void *ctx;
    struct ramfs_node *root;
    uint64_t next_ino;
    uint64_t page_limit;  /* data + index pages at most: beyond it, ENOSPC */
    uint64_t data_pages;  /* pages of file bytes */
    uint64_t index_pages; /* pages of the radix trees over them */
    uint64_t nodes;       /* nodes alive */
};

/* A new file system with an empty root directory (mode 0755). Return: 0, -ENOMEM. */
int ramfs_init(struct ramfs *fs, const struct ramfs_ops *ops, void *ctx, uint64_t page_limit);
/* Frees every node and page (the root included); the file system is then unusable. */
void ramfs_destroy(struct ramfs *fs);

/* Takes and drops a hold on n (open files, working directories); the last drop may free it. */
void ramfs_get(struct ramfs_node *n);
void ramfs_put(struct ramfs *fs, struct ramfs_node *n);

/*
 * The entry name[0..len) of directory dir ("." and ".." included). Return: 0 with *out set,
 * -ENOTDIR, -ENOENT, -ENAMETOOLONG.
 */
int ramfs_lookup(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                 struct ramfs_node **out);
/*
 * A new node name[0..len) in dir: mode's type is S_IFREG, S_IFDIR, S_IFCHR, S_IFBLK or S_IFIFO
 * (rdev for the device ones). Return: 0 with *out set (if out), -EEXIST, -ENOTDIR,
 * -ENAMETOOLONG, -ENOMEM, -EINVAL (another type), -ENOENT (dir was removed).
 */
int ramfs_create(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                 uint32_t mode, uint32_t rdev, struct ramfs_node **out);
/* A symbolic link name -> target. Return: as ramfs_create(), -ENAMETOOLONG for a long target. */
int ramfs_symlink(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                  const char *target);
/* A second name for n (not a directory: -EPERM). Return: as ramfs_create(). */
int ramfs_link(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
               struct ramfs_node *n);
/* Removes a non-directory entry. Return: 0, -ENOENT, -EISDIR, -ENOTDIR. */
int ramfs_unlink(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len);
/* Removes an empty directory. Return: 0, -ENOENT, -ENOTDIR, -ENOTEMPTY, -EINVAL ("." or ".."),
 * -EBUSY (the root). */
int ramfs_rmdir(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len);
/*
 * rename(2): moves the entry, replacing what the new name held where Linux allows it. Return: 0,
 * -ENOENT, -ENOTDIR, -EISDIR, -ENOTEMPTY, -EINVAL (a directory into itself, "." or ".."),
 * -EBUSY, -ENAMETOOLONG, -ENOMEM.
 */
int ramfs_rename(struct ramfs *fs, struct ramfs_node *odir, const char *oname, size_t olen,
                 struct ramfs_node *ndir, const char *nname, size_t nlen);

/* Bytes [off, off + n) of a regular file into buf, up to its end. Return: bytes read. */
size_t ramfs_read(struct ramfs *fs, struct ramfs_node *n, uint64_t off, void *buf, size_t n_bytes);
/*
 * buf into [off, off + n) of a regular file, growing it. Return: bytes written (short when pages
 * ran out part way), or -ENOSPC (the limit), -ENOMEM (no page), -EFBIG (past RAMFS_SIZE_MAX)
 * when nothing was.
 */
long ramfs_write(struct ramfs *fs, struct ramfs_node *n, uint64_t off, const void *buf,
                 size_t n_bytes);
/* Sets a regular file's size: pages past it go back, the kept tail of the last page is zeroed.
 * Return: 0, -EFBIG. */
int ramfs_truncate(struct ramfs *fs, struct ramfs_node *n, uint64_t size);
/*
 * The page holding byte index * RAMFS_PAGE of a regular file (mmap), made if create (within the
 * file's size). Return: it, or NULL (a hole, or no page).
 */
void *ramfs_page(struct ramfs *fs, struct ramfs_node *n, uint64_t index, bool create);

/*
 * getdents64's walk: calls emit for each entry of dir from position *pos ("." is 0, ".." 1) until
 * emit returns false (no room: that entry is not consumed). Return: 0, -ENOTDIR, -ENOENT (dir
 * was removed).
 */
int ramfs_readdir(struct ramfs *fs, struct ramfs_node *dir, uint64_t *pos,
                  bool (*emit)(void *ctx, const char *name, size_t len, uint64_t ino, uint32_t mode,
                               uint64_t next_pos),
                  void *ctx);

#endif
