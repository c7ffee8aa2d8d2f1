/* SPDX-License-Identifier: 0BSD */
/*
 * The in-memory file system's nodes and directories (include/frame64/ramfs.h): making, naming,
 * renaming and freeing nodes. A directory is a list of entries in order of creation, each with a
 * sequence number that getdents64 keeps as its position, so entries made or removed during a
 * listing never make it skip or repeat another. File bytes are src/fs/ramfs_data.c's.
 */
#include <frame64/errno.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/ramfs.h>
#include "ramfs_internal.h"

static void *obj_alloc(struct ramfs *fs, size_t size)
{
    return fs->ops->obj_alloc(fs->ctx, size);
}

static void obj_free(struct ramfs *fs, void *o)
{
    fs->ops->obj_free(fs->ctx, o);
}

static struct ramfs_node *node_new(struct ramfs *fs, uint32_t mode)
{
    struct ramfs_node *n = obj_alloc(fs, sizeof(*n));
    if (!n)
        return NULL;
    n->mode = mode;
    n->ino = fs->next_ino++;
    n->atime_ns = n->mtime_ns = n->ctime_ns = fs->ops->now_ns(fs->ctx);
    if (S_ISDIR(mode)) {
        n->u.dir.next_seq = 2;
        n->size = 2 * RAMFS_DIRENT_SIZE;
    }
    fs->nodes++;
    return n;
}

/* Frees n and what it holds once no entry names it and nobody holds it. */
static void node_maybe_free(struct ramfs *fs, struct ramfs_node *n)
{
    if (n->nlink || n->refs)
        return;
    if (S_ISREG(n->mode))
        ramfs_data_free(fs, n);
    else if (S_ISLNK(n->mode))
        obj_free(fs, n->u.lnk.target);
    else if (S_ISDIR(n->mode) && n->u.dir.first)
        panic("ramfs: directory inode %llu freed with %llu entries", (unsigned long long)n->ino,
              (unsigned long long)n->u.dir.entries);
    fs->nodes--;
    obj_free(fs, n);
}

void ramfs_get(struct ramfs_node *n)
{
    n->refs++;
}

void ramfs_put(struct ramfs *fs, struct ramfs_node *n)
{
    if (!n->refs)
        panic("ramfs: inode %llu dropped more often than held", (unsigned long long)n->ino);
    n->refs--;
    node_maybe_free(fs, n);
}

int ramfs_init(struct ramfs *fs, const struct ramfs_ops *ops, void *ctx, uint64_t page_limit)
{
    memset(fs, 0, sizeof(*fs));
    fs->ops = ops;
    fs->ctx = ctx;
    fs->page_limit = page_limit;
    fs->next_ino = 1;
    fs->root = node_new(fs, S_IFDIR | 0755);
    if (!fs->root)
        return -ENOMEM;
    fs->root->nlink = 2;
    fs->root->u.dir.parent = fs->root;
    return 0;
}

/* Removes every entry under dir, depth first, and frees what only they named. */
static void destroy_tree(struct ramfs *fs, struct ramfs_node *dir)
{
    struct ramfs_dirent *e = dir->u.dir.first;
    while (e) {
        struct ramfs_dirent *next = e->next;
        struct ramfs_node *n = e->node;
        if (S_ISDIR(n->mode)) {
            destroy_tree(fs, n);
            n->nlink = 0;
        } else {
            n->nlink--;
        }
        n->refs = 0;
        obj_free(fs, e);
        dir->u.dir.first = next;
        dir->u.dir.entries--;
        dir->size -= RAMFS_DIRENT_SIZE;
        node_maybe_free(fs, n);
        e = next;
    }
    dir->u.dir.last = NULL;
}

void ramfs_destroy(struct ramfs *fs)
{
    destroy_tree(fs, fs->root);
    fs->root->nlink = 0;
    fs->root->refs = 0;
    node_maybe_free(fs, fs->root);
    fs->root = NULL;
}

static bool is_dot(const char *name, size_t len)
{
    return (len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.');
}

/* The entry of dir named name[0..len), and the one before it (NULL: it is first). */
static struct ramfs_dirent *find(struct ramfs_node *dir, const char *name, size_t len,
                                 struct ramfs_dirent **prev)
{
    struct ramfs_dirent *before = NULL;
    for (struct ramfs_dirent *e = dir->u.dir.first; e; before = e, e = e->next) {
        if (e->len == len && !memcmp(e->name, name, len)) {
            if (prev)
                *prev = before;
            return e;
        }
    }
    return NULL;
}

/* Whether dir was removed (rmdir, or renamed over): nothing may be made in it. */
static bool dir_dead(const struct ramfs_node *dir)
{
    return dir->nlink == 0;
}

int ramfs_lookup(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                 struct ramfs_node **out)
{
    (void)fs;
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (len > RAMFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (len == 0 || (len == 1 && name[0] == '.')) {
        *out = dir;
        return 0;
    }
    if (len == 2 && name[0] == '.' && name[1] == '.') {
        *out = dir->u.dir.parent;
        return 0;
    }
    struct ramfs_dirent *e = find(dir, name, len, NULL);
    if (!e)
        return -ENOENT;
    *out = e->node;
    return 0;
}

/* Checks that name[0..len) can be made in dir. Return: 0 or the error. */
static int can_add(struct ramfs_node *dir, const char *name, size_t len)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (dir_dead(dir))
        return -ENOENT;
    if (len > RAMFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (!len || is_dot(name, len) || find(dir, name, len, NULL))
        return -EEXIST;
    return 0;
}

/* A new entry for n at the end of dir (names checked). Return: 0, -ENOMEM. */
static int add_entry(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                     struct ramfs_node *n)
{
    struct ramfs_dirent *e = obj_alloc(fs, sizeof(*e) + len + 1);
    if (!e)
        return -ENOMEM;
    memcpy(e->name, name, len);
    e->name[len] = 0;
    e->len = (uint16_t)len;
    e->node = n;
    e->seq = dir->u.dir.next_seq++;
    if (dir->u.dir.last)
        dir->u.dir.last->next = e;
    else
        dir->u.dir.first = e;
    dir->u.dir.last = e;
    dir->u.dir.entries++;
    dir->size += RAMFS_DIRENT_SIZE;
    dir->mtime_ns = dir->ctime_ns = fs->ops->now_ns(fs->ctx);
    return 0;
}

/* Takes entry e (after prev) out of dir and frees it; the node is the caller's to settle. */
static void drop_entry(struct ramfs *fs, struct ramfs_node *dir, struct ramfs_dirent *e,
                       struct ramfs_dirent *prev)
{
    if (prev)
        prev->next = e->next;
    else
        dir->u.dir.first = e->next;
    if (dir->u.dir.last == e)
        dir->u.dir.last = prev;
    dir->u.dir.entries--;
    dir->size -= RAMFS_DIRENT_SIZE;
    dir->mtime_ns = dir->ctime_ns = fs->ops->now_ns(fs->ctx);
    obj_free(fs, e);
}

int ramfs_create(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                 uint32_t mode, uint32_t rdev, struct ramfs_node **out)
{
    uint32_t type = mode & S_IFMT;
    if (type != S_IFREG && type != S_IFDIR && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO)
        return -EINVAL;
    int err = can_add(dir, name, len);
    if (err)
        return err;
    struct ramfs_node *n = node_new(fs, mode);
    if (!n)
        return -ENOMEM;
    n->rdev = rdev;
    if ((err = add_entry(fs, dir, name, len, n))) {
        node_maybe_free(fs, n);
        return err;
    }
    n->nlink = 1;
    if (type == S_IFDIR) {
        n->nlink = 2;
        n->u.dir.parent = dir;
        dir->nlink++;
    }
    if (out)
        *out = n;
    return 0;
}

int ramfs_symlink(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
                  const char *target)
{
    size_t tlen = strlen(target);
    if (tlen > RAMFS_LINK_MAX)
        return -ENAMETOOLONG;
    if (!tlen)
        return -ENOENT;
    int err = can_add(dir, name, len);
    if (err)
        return err;
    struct ramfs_node *n = node_new(fs, S_IFLNK | 0777);
    if (!n)
        return -ENOMEM;
    char *t = obj_alloc(fs, tlen + 1);
    if (!t) {
        node_maybe_free(fs, n);
        return -ENOMEM;
    }
    memcpy(t, target, tlen + 1);
    n->u.lnk.target = t;
    n->size = tlen;
    if ((err = add_entry(fs, dir, name, len, n))) {
        node_maybe_free(fs, n);
        return err;
    }
    n->nlink = 1;
    return 0;
}

int ramfs_link(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len,
               struct ramfs_node *n)
{
    if (S_ISDIR(n->mode))
        return -EPERM;
    int err = can_add(dir, name, len);
    if (err)
        return err;
    if (!n->nlink)
        return -ENOENT; /* linkat() of an unlinked open file: Linux says ENOENT */
    if ((err = add_entry(fs, dir, name, len, n)))
        return err;
    n->nlink++;
    n->ctime_ns = fs->ops->now_ns(fs->ctx);
    return 0;
}

int ramfs_unlink(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (len > RAMFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (is_dot(name, len))
        return -EISDIR;
    struct ramfs_dirent *prev, *e = find(dir, name, len, &prev);
    if (!e)
        return -ENOENT;
    struct ramfs_node *n = e->node;
    if (S_ISDIR(n->mode))
        return -EISDIR;
    drop_entry(fs, dir, e, prev);
    n->nlink--;
    n->ctime_ns = fs->ops->now_ns(fs->ctx);
    node_maybe_free(fs, n);
    return 0;
}

int ramfs_rmdir(struct ramfs *fs, struct ramfs_node *dir, const char *name, size_t len)
{
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (len > RAMFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (len == 1 && name[0] == '.')
        return -EINVAL;
    if (len == 2 && name[0] == '.' && name[1] == '.')
        return -ENOTEMPTY;
    struct ramfs_dirent *prev, *e = find(dir, name, len, &prev);
    if (!e)
        return -ENOENT;
    struct ramfs_node *n = e->node;
    if (!S_ISDIR(n->mode))
        return -ENOTDIR;
    if (n->u.dir.entries)
        return -ENOTEMPTY;
    drop_entry(fs, dir, e, prev);
    n->nlink = 0;
    dir->nlink--;
    node_maybe_free(fs, n);
    return 0;
}

/* Whether a is d or one of d's ancestors. */
static bool is_ancestor(const struct ramfs_node *a, const struct ramfs_node *d)
{
    for (;;) {
        if (d == a)
            return true;
        if (d->u.dir.parent == d)
            return false;
        d = d->u.dir.parent;
    }
}

int ramfs_rename(struct ramfs *fs, struct ramfs_node *odir, const char *oname, size_t olen,
                 struct ramfs_node *ndir, const char *nname, size_t nlen)
{
    if (!S_ISDIR(odir->mode) || !S_ISDIR(ndir->mode))
        return -ENOTDIR;
    if (olen > RAMFS_NAME_MAX || nlen > RAMFS_NAME_MAX)
        return -ENAMETOOLONG;
    if (is_dot(oname, olen) || is_dot(nname, nlen) || !olen || !nlen)
        return is_dot(oname, olen) || !olen ? -EINVAL : -EBUSY;
    struct ramfs_dirent *oprev, *oe = find(odir, oname, olen, &oprev);
    if (!oe)
        return -ENOENT;
    if (dir_dead(ndir))
        return -ENOENT;
    struct ramfs_node *n = oe->node;
    bool isdir = S_ISDIR(n->mode);
    if (isdir && is_ancestor(n, ndir))
        return -EINVAL; /* into itself or below it */
    struct ramfs_dirent *nprev, *ne = find(ndir, nname, nlen, &nprev);
    if (ne) {
        struct ramfs_node *victim = ne->node;
        if (victim == n)
            return 0; /* two names of one file: POSIX says do nothing */
        if (S_ISDIR(victim->mode)) {
            if (!isdir)
                return -EISDIR;
            if (victim->u.dir.entries)
                return -ENOTEMPTY;
        } else if (isdir) {
            return -ENOTDIR;
        }
        /* The entry is reused for n: no allocation, so nothing can fail from here. */
        ne->node = n;
        if (S_ISDIR(victim->mode)) {
            victim->nlink = 0;
            ndir->nlink--;
        } else {
            victim->nlink--;
        }
        victim->ctime_ns = fs->ops->now_ns(fs->ctx);
        ndir->mtime_ns = ndir->ctime_ns = victim->ctime_ns;
        drop_entry(fs, odir, oe, oprev);
        node_maybe_free(fs, victim);
    } else {
        int err = add_entry(fs, ndir, nname, nlen, n);
        if (err)
            return err;
        /* add_entry() appended, so oe's predecessor is unchanged unless the dirs are one. */
        if (odir == ndir)
            find(odir, oname, olen, &oprev);
        drop_entry(fs, odir, oe, oprev);
    }
    if (isdir && odir != ndir) {
        n->u.dir.parent = ndir;
        odir->nlink--;
        ndir->nlink++;
    }
    n->ctime_ns = fs->ops->now_ns(fs->ctx);
    return 0;
}

int ramfs_readdir(struct ramfs *fs, struct ramfs_node *dir, uint64_t *pos,
                  bool (*emit)(void *ctx, const char *name, size_t len, uint64_t ino, uint32_t mode,
                               uint64_t next_pos),
                  void *ctx)
{
    (void)fs;
    if (!S_ISDIR(dir->mode))
        return -ENOTDIR;
    if (dir_dead(dir))
        return -ENOENT;
    if (*pos == 0) {
        if (!emit(ctx, ".", 1, dir->ino, dir->mode, 1))
            return 0;
        *pos = 1;
    }
    if (*pos == 1) {
        if (!emit(ctx, "..", 2, dir->u.dir.parent->ino, S_IFDIR, 2))
            return 0;
        *pos = 2;
    }
    for (struct ramfs_dirent *e = dir->u.dir.first; e; e = e->next) {
        if (e->seq < *pos)
            continue;
        if (!emit(ctx, e->name, e->len, e->node->ino, e->node->mode, e->seq + 1))
            return 0;
        *pos = e->seq + 1;
    }
    return 0;
}
