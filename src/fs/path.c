/* SPDX-License-Identifier: 0BSD */
/*
 * Path lookup (include/frame64/fspath.h). A walk takes one component at a time; a symbolic link
 * met in the middle is looked up from the directory holding it by a nested walk, which spends one
 * of the lookup's 40 links, so a cycle ends in ELOOP and the nesting is bounded.
 */
#include <frame64/errno.h>
#include <frame64/fspath.h>
#include <frame64/kstring.h>

const char *path_link_target(const struct path_ctx *c, const struct ramfs_node *n)
{
    if (n->dyn && c->dyn_target) {
        const char *t = c->dyn_target(c->ctx, n);
        if (t)
            return t;
    }
    return n->u.lnk.target ? n->u.lnk.target : "";
}

static int walk(const struct path_ctx *c, struct ramfs_node *start, const char *path,
                unsigned flags, unsigned *links, struct path_result *out);

/* Follows link n found in dir. Return: 0 with *target set, or the error. */
static int follow(const struct path_ctx *c, struct ramfs_node *dir, const struct ramfs_node *n,
                  unsigned *links, struct ramfs_node **target)
{
    if (++*links > PATH_LINKS_MAX)
        return -ELOOP;
    struct path_result r;
    int err = walk(c, dir, path_link_target(c, n), PATH_FOLLOW, links, &r);
    if (err)
        return err;
    *target = r.node;
    return 0;
}

static int walk(const struct path_ctx *c, struct ramfs_node *start, const char *path,
                unsigned flags, unsigned *links, struct path_result *out)
{
    if (!*path)
        return -ENOENT;
    struct ramfs_node *dir = *path == '/' ? c->root : start;
    memset(out, 0, sizeof(*out));
    const char *p = path;
    for (;;) {
        while (*p == '/')
            p++;
        if (!*p) {
            /* "/" alone, or a path that ended in slashes after a directory. */
            out->dir = dir;
            out->node = dir;
            out->slash = p > path;
            return 0;
        }
        const char *name = p;
        while (*p && *p != '/')
            p++;
        size_t len = (size_t)(p - name);
        if (len > RAMFS_NAME_MAX)
            return -ENAMETOOLONG;
        const char *rest = p;
        while (*rest == '/')
            rest++;
        bool last = !*rest;
        bool slash = last && p != rest;
        struct ramfs_node *n = NULL;
        int err = ramfs_lookup(c->fs, dir, name, len, &n);
        if (last) {
            out->dir = dir;
            out->last = name;
            out->last_len = len;
            out->slash = slash;
            if (err == -ENOENT && (flags & PATH_PARENT)) {
                out->node = NULL;
                return 0;
            }
            if (err)
                return err;
            if (S_ISLNK(n->mode) && ((flags & PATH_FOLLOW) || slash)) {
                if ((err = follow(c, dir, n, links, &n)))
                    return err;
            }
            if (slash && !S_ISDIR(n->mode))
                return -ENOTDIR;
            out->node = n;
            return 0;
        }
        if (err)
            return err;
        if (S_ISLNK(n->mode) && (err = follow(c, dir, n, links, &n)))
            return err;
        if (!S_ISDIR(n->mode))
            return -ENOTDIR;
        dir = n;
        p = rest;
    }
}

int path_walk(const struct path_ctx *c, const char *path, unsigned flags, struct path_result *out)
{
    size_t len = strnlen(path, PATH_MAX_LEN);
    if (len >= PATH_MAX_LEN)
        return -ENAMETOOLONG;
    unsigned links = 0;
    return walk(c, c->cwd, path, flags, &links, out);
}
