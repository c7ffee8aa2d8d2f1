/* SPDX-License-Identifier: 0BSD */
/*
 * Path lookup over the in-memory file system (src/fs/path.c, pure), with Linux's rules: a path
 * starting with '/' starts at the process's root, any other at its working directory; "." and
 * ".." as in the directory entries (".." of the root is the root); symbolic links followed in
 * every component but the last, and in the last too when asked, at most 40 in one lookup
 * (ELOOP); a trailing '/' asks for a directory. Errors are Linux's (negated): ENOENT, ENOTDIR,
 * ENAMETOOLONG (a component past 255 bytes, a path past 4,095), ELOOP.
 */
#ifndef FRAME64_FSPATH_H
#define FRAME64_FSPATH_H

#include <frame64/ramfs.h>

#define PATH_MAX_LEN   4096 /* with its NUL, as Linux's PATH_MAX */
#define PATH_LINKS_MAX 40   /* Linux's MAXSYMLINKS */

struct path_ctx {
    struct ramfs *fs;
    struct ramfs_node *root, *cwd;
    /* A node the platform made with dyn set: its link target now (NULL: use its own). */
    const char *(*dyn_target)(void *ctx, const struct ramfs_node *n);
    void *ctx;
};

enum path_flags {
    PATH_FOLLOW = 1u << 0, /* a symbolic link as the last component is followed */
    PATH_PARENT = 1u << 1, /* the last component need not exist: its directory is the answer */
};

struct path_result {
    struct ramfs_node *dir;  /* the directory holding the last component */
    struct ramfs_node *node; /* what the path names (PATH_PARENT: NULL when it does not exist) */
    const char *last;        /* the last component, inside the path (PATH_PARENT) */
    size_t last_len;
    bool slash; /* the path ends with '/' */
};

/*
 * Looks path up. Return: 0 with *out set; with PATH_PARENT also when only the last component is
 * missing (out->node NULL). Otherwise the negated errno.
 */
int path_walk(const struct path_ctx *c, const char *path, unsigned flags, struct path_result *out);

/* The target a symbolic link node has now (its own, or the platform's for a dyn node). */
const char *path_link_target(const struct path_ctx *c, const struct ramfs_node *n);

#endif
