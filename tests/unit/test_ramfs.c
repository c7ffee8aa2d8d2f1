/* SPDX-License-Identifier: 0BSD */
/*
 * The in-memory file system and path lookup (src/fs/ramfs.c, ramfs_data.c, path.c) against
 * Linux's answers. Pages and objects come from the host's allocator and are counted here, so every
 * test ends by checking that each page and object came back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <frame64/errno.h>
#include <frame64/fspath.h>
#include <frame64/ramfs.h>

static long pages_out, objs_out;
static long page_budget; /* pages the "machine" still has (< 0: unlimited) */
static int64_t clock_ns;

static void *page_alloc(void *ctx)
{
    (void)ctx;
    if (page_budget == 0)
        return NULL;
    if (page_budget > 0)
        page_budget--;
    pages_out++;
    void *p = aligned_alloc(RAMFS_PAGE, RAMFS_PAGE);
    memset(p, 0, RAMFS_PAGE);
    return p;
}
static void page_free(void *ctx, void *p)
{
    (void)ctx;
    pages_out--;
    if (page_budget >= 0)
        page_budget++;
    free(p);
}
static void *obj_alloc(void *ctx, size_t n)
{
    (void)ctx;
    objs_out++;
    return calloc(1, n);
}
static void obj_free(void *ctx, void *o)
{
    (void)ctx;
    objs_out--;
    free(o);
}
static int64_t now_ns(void *ctx)
{
    (void)ctx;
    return clock_ns += 1000;
}

static const struct ramfs_ops ops = {page_alloc, page_free, obj_alloc, obj_free, now_ns};
static struct ramfs fs;

static int setup(void **state)
{
    (void)state;
    pages_out = objs_out = 0;
    page_budget = -1;
    assert_int_equal(ramfs_init(&fs, &ops, NULL, 1u << 20), 0);
    return 0;
}

/* Everything is freed with the file system: no page and no object may be left. */
static int teardown(void **state)
{
    (void)state;
    ramfs_destroy(&fs);
    assert_int_equal(pages_out, 0);
    assert_int_equal(objs_out, 0);
    return 0;
}

static struct ramfs_node *mk(struct ramfs_node *dir, const char *name, uint32_t mode)
{
    struct ramfs_node *n = NULL;
    assert_int_equal(ramfs_create(&fs, dir, name, strlen(name), mode, 0, &n), 0);
    return n;
}

static struct ramfs_node *walk(const char *path, unsigned flags, int expect)
{
    struct path_ctx c = {.fs = &fs, .root = fs.root, .cwd = fs.root};
    struct path_result r;
    int err = path_walk(&c, path, flags, &r);
    assert_int_equal(err, expect);
    return err ? NULL : r.node;
}

/*
 * /a (file), /d (dir): lookups of each, "." and ".."; a second create of either is EEXIST;
 * unlink of the dir is EISDIR, rmdir of the file ENOTDIR. Expect nlink 1 and 2, the root's 3.
 */
static void test_names(void **state)
{
    (void)state;
    struct ramfs_node *a = mk(fs.root, "a", S_IFREG | 0644), *d = mk(fs.root, "d", S_IFDIR | 0755);
    struct ramfs_node *n;
    assert_int_equal(ramfs_lookup(&fs, fs.root, "a", 1, &n), 0);
    assert_ptr_equal(n, a);
    assert_int_equal(ramfs_lookup(&fs, d, "..", 2, &n), 0);
    assert_ptr_equal(n, fs.root);
    assert_int_equal(ramfs_lookup(&fs, fs.root, "..", 2, &n), 0);
    assert_ptr_equal(n, fs.root);
    assert_int_equal(ramfs_lookup(&fs, fs.root, "zz", 2, &n), -ENOENT);
    assert_int_equal(ramfs_lookup(&fs, a, "x", 1, &n), -ENOTDIR);
    assert_int_equal(ramfs_create(&fs, fs.root, "a", 1, S_IFDIR, 0, NULL), -EEXIST);
    assert_int_equal(ramfs_create(&fs, fs.root, "..", 2, S_IFREG, 0, NULL), -EEXIST);
    assert_int_equal(ramfs_create(&fs, fs.root, "s", 1, S_IFLNK, 0, NULL), -EINVAL);
    assert_int_equal(ramfs_unlink(&fs, fs.root, "d", 1), -EISDIR);
    assert_int_equal(ramfs_rmdir(&fs, fs.root, "a", 1), -ENOTDIR);
    assert_int_equal(a->nlink, 1);
    assert_int_equal(d->nlink, 2);
    assert_int_equal(fs.root->nlink, 3);
    assert_int_equal(fs.root->size, 4 * RAMFS_DIRENT_SIZE); /* ".", "..", a, d: tmpfs's count */
    assert_int_equal(d->size, 2 * RAMFS_DIRENT_SIZE);
    char long_name[300];
    memset(long_name, 'x', sizeof(long_name));
    assert_int_equal(ramfs_create(&fs, fs.root, long_name, 256, S_IFREG, 0, NULL), -ENAMETOOLONG);
    assert_int_equal(ramfs_create(&fs, fs.root, long_name, 255, S_IFREG, 0, NULL), 0);
    assert_int_equal(ramfs_unlink(&fs, fs.root, "a", 1), 0);
    assert_int_equal(ramfs_unlink(&fs, fs.root, "a", 1), -ENOENT);
    assert_int_equal(fs.nodes, 3);
}

/*
 *   page:  0        1        2 ... 511  512 (a second index level)
 *          [abc...] [hole ]          [x]
 * Writes at 0 and at 512 pages (2 MiB): a hole between reads as zeros; the file needs an index
 * page for each level. Truncate to 5 bytes keeps page 0 only (zeroed past byte 5), truncate to 0
 * gives every page back.
 */
static void test_pages(void **state)
{
    (void)state;
    struct ramfs_node *f = mk(fs.root, "f", S_IFREG | 0644);
    assert_int_equal(ramfs_write(&fs, f, 0, "abcdefgh", 8), 8);
    assert_int_equal(fs.data_pages, 1);
    assert_int_equal(fs.index_pages, 0);
    assert_int_equal(ramfs_write(&fs, f, 512ull * RAMFS_PAGE, "x", 1), 1);
    assert_int_equal(f->size, 512ull * RAMFS_PAGE + 1);
    assert_int_equal(fs.data_pages, 2);
    assert_int_equal(fs.index_pages, 3); /* the top, and one below it for each of the two pages */
    assert_int_equal(pages_out, 5);
    char buf[16] = {1};
    assert_int_equal(ramfs_read(&fs, f, RAMFS_PAGE * 3 - 4, buf, 8), 8);
    for (int i = 0; i < 8; i++)
        assert_int_equal(buf[i], 0);
    assert_int_equal(ramfs_read(&fs, f, 512ull * RAMFS_PAGE, buf, 16), 1);
    assert_int_equal(buf[0], 'x');
    assert_int_equal(ramfs_truncate(&fs, f, 5), 0);
    assert_int_equal(fs.data_pages, 1);
    assert_int_equal(fs.index_pages, 2); /* the top and its first child stay over page 0 */
    assert_int_equal(ramfs_truncate(&fs, f, 8), 0);
    assert_int_equal(ramfs_read(&fs, f, 0, buf, 16), 8);
    assert_memory_equal(buf, "abcde\0\0\0", 8);
    assert_int_equal(ramfs_truncate(&fs, f, 0), 0);
    assert_int_equal(fs.data_pages + fs.index_pages, 0);
    assert_int_equal(pages_out, 0);
    assert_int_equal(ramfs_read(&fs, f, 0, buf, 16), 0);
    assert_int_equal(ramfs_write(&fs, f, RAMFS_SIZE_MAX, "y", 1), -EFBIG);
    assert_int_equal(ramfs_write(&fs, f, RAMFS_SIZE_MAX - 1, "yz", 2), 1);
    assert_int_equal(ramfs_unlink(&fs, fs.root, "f", 1), 0);
    assert_int_equal(pages_out, 0);
}

/*
 * A limit of 10 pages: a 64 KiB write stops short at the tenth page (a short count), the next is
 * -ENOSPC; with the machine out of pages first it is -ENOMEM. Unlink gives all back.
 */
static void test_full(void **state)
{
    (void)state;
    fs.page_limit = 10;
    struct ramfs_node *f = mk(fs.root, "big", S_IFREG | 0644);
    static char data[64 * 1024];
    memset(data, 'q', sizeof(data));
    long w = ramfs_write(&fs, f, 0, data, sizeof(data));
    assert_true(w > 0 && w < (long)sizeof(data));
    assert_int_equal(fs.data_pages + fs.index_pages, 10);
    assert_int_equal(ramfs_write(&fs, f, (uint64_t)w, data, 100), -ENOSPC);
    assert_int_equal(ramfs_unlink(&fs, fs.root, "big", 3), 0);
    assert_int_equal(pages_out, 0);
    fs.page_limit = 100;
    page_budget = 2;
    f = mk(fs.root, "g", S_IFREG | 0644);
    assert_int_equal(ramfs_write(&fs, f, 0, data, sizeof(data)), 4096);
    assert_int_equal(ramfs_write(&fs, f, 8 * RAMFS_PAGE, data, 1), -ENOMEM);
    page_budget = -1;
}

/*
 * An open file (held) that is unlinked keeps its bytes until the hold is dropped; a held
 * directory that is removed refuses new entries (ENOENT).
 */
static void test_held(void **state)
{
    (void)state;
    struct ramfs_node *f = mk(fs.root, "f", S_IFREG | 0644), *d = mk(fs.root, "d", S_IFDIR);
    ramfs_get(f);
    ramfs_get(d);
    assert_int_equal(ramfs_write(&fs, f, 0, "hello", 5), 5);
    assert_int_equal(ramfs_unlink(&fs, fs.root, "f", 1), 0);
    char buf[8];
    assert_int_equal(ramfs_read(&fs, f, 0, buf, 8), 5);
    assert_int_equal(f->nlink, 0);
    assert_int_equal(pages_out, 1);
    ramfs_put(&fs, f);
    assert_int_equal(pages_out, 0);
    assert_int_equal(ramfs_rmdir(&fs, fs.root, "d", 1), 0);
    assert_int_equal(ramfs_create(&fs, d, "x", 1, S_IFREG, 0, NULL), -ENOENT);
    ramfs_put(&fs, d);
    assert_int_equal(fs.nodes, 1);
}

/*
 * /d1/{x, sub/}, /d2/, /f, /g, /e/ (empty): rename file over file (the old one freed), a
 * directory over an empty one, into itself (EINVAL), a file over a directory (EISDIR), a
 * directory over a file (ENOTDIR), over a non-empty directory (ENOTEMPTY), to its own other name
 * (nothing). Expect parents and link counts to follow.
 */
static void test_rename(void **state)
{
    (void)state;
    struct ramfs_node *d1 = mk(fs.root, "d1", S_IFDIR), *d2 = mk(fs.root, "d2", S_IFDIR);
    mk(d1, "x", S_IFREG);
    struct ramfs_node *sub = mk(d1, "sub", S_IFDIR);
    struct ramfs_node *f = mk(fs.root, "f", S_IFREG);
    mk(fs.root, "g", S_IFREG);
    mk(fs.root, "e", S_IFDIR);
    long nodes = (long)fs.nodes;
    assert_int_equal(ramfs_rename(&fs, fs.root, "f", 1, fs.root, "g", 1), 0);
    assert_int_equal(fs.nodes, nodes - 1);
    struct ramfs_node *n;
    assert_int_equal(ramfs_lookup(&fs, fs.root, "g", 1, &n), 0);
    assert_ptr_equal(n, f);
    assert_int_equal(ramfs_lookup(&fs, fs.root, "f", 1, &n), -ENOENT);
    assert_int_equal(ramfs_rename(&fs, d1, "sub", 3, sub, "in", 2), -EINVAL);
    assert_int_equal(ramfs_rename(&fs, fs.root, "d1", 2, sub, "in", 2), -EINVAL);
    assert_int_equal(ramfs_rename(&fs, fs.root, "g", 1, fs.root, "e", 1), -EISDIR);
    assert_int_equal(ramfs_rename(&fs, fs.root, "e", 1, fs.root, "g", 1), -ENOTDIR);
    assert_int_equal(ramfs_rename(&fs, fs.root, "e", 1, fs.root, "d1", 2), -ENOTEMPTY);
    assert_int_equal(ramfs_rename(&fs, d1, "sub", 3, fs.root, "e", 1), 0);
    assert_ptr_equal(sub->u.dir.parent, fs.root);
    assert_int_equal(d1->nlink, 2);
    assert_int_equal(fs.root->nlink, 2 + 3); /* d1, d2, e (now sub) */
    assert_int_equal(ramfs_link(&fs, d2, "g2", 2, f), 0);
    assert_int_equal(ramfs_rename(&fs, fs.root, "g", 1, d2, "g2", 2), 0);
    assert_int_equal(f->nlink, 2);
    assert_int_equal(ramfs_rename(&fs, fs.root, "nope", 4, d2, "y", 1), -ENOENT);
}

struct listing {
    char names[16][16];
    int n, room;
};

static bool emit(void *ctx, const char *name, size_t len, uint64_t ino, uint32_t mode,
                 uint64_t next)
{
    (void)ino;
    (void)mode;
    (void)next;
    struct listing *l = ctx;
    if (l->n == l->room)
        return false;
    memcpy(l->names[l->n], name, len);
    l->names[l->n++][len] = 0;
    return true;
}

/*
 * A directory with a, b, c listed two entries at a time: ".", "..", then b is removed and d made
 * while the listing is between calls. Expect a, c, d: nothing skipped, nothing twice.
 */
static void test_readdir(void **state)
{
    (void)state;
    mk(fs.root, "a", S_IFREG);
    mk(fs.root, "b", S_IFREG);
    mk(fs.root, "c", S_IFREG);
    uint64_t pos = 0;
    struct listing l = {.room = 2};
    assert_int_equal(ramfs_readdir(&fs, fs.root, &pos, emit, &l), 0);
    assert_string_equal(l.names[0], ".");
    assert_string_equal(l.names[1], "..");
    l.room = 3;
    assert_int_equal(ramfs_readdir(&fs, fs.root, &pos, emit, &l), 0);
    assert_string_equal(l.names[2], "a");
    assert_int_equal(ramfs_unlink(&fs, fs.root, "b", 1), 0);
    mk(fs.root, "d", S_IFREG);
    l.room = 16;
    assert_int_equal(ramfs_readdir(&fs, fs.root, &pos, emit, &l), 0);
    assert_int_equal(l.n, 5);
    assert_string_equal(l.names[3], "c");
    assert_string_equal(l.names[4], "d");
}

/*
 * /bin/sh -> busybox (relative), /bin/busybox, /lib -> /usr/lib, /usr/lib/x, /loop -> /loop,
 * /f (a file). Expect links followed in the middle and, when asked, at the end; ".." at the
 * root; a trailing slash demanding a directory; ELOOP, ENOTDIR, ENOENT, ENAMETOOLONG;
 * PATH_PARENT naming a missing last component.
 */
static void test_paths(void **state)
{
    (void)state;
    struct ramfs_node *bin = mk(fs.root, "bin", S_IFDIR), *usr = mk(fs.root, "usr", S_IFDIR);
    struct ramfs_node *bb = mk(bin, "busybox", S_IFREG | 0755);
    struct ramfs_node *lib = mk(usr, "lib", S_IFDIR);
    struct ramfs_node *x = mk(lib, "x", S_IFREG);
    mk(fs.root, "f", S_IFREG);
    assert_int_equal(ramfs_symlink(&fs, bin, "sh", 2, "busybox"), 0);
    assert_int_equal(ramfs_symlink(&fs, fs.root, "lib", 3, "/usr/lib"), 0);
    assert_int_equal(ramfs_symlink(&fs, fs.root, "loop", 4, "/loop"), 0);
    assert_ptr_equal(walk("/bin/sh", PATH_FOLLOW, 0), bb);
    assert_true(S_ISLNK(walk("/bin/sh", 0, 0)->mode));
    assert_ptr_equal(walk("/lib/x", 0, 0), x);
    assert_ptr_equal(walk("//lib/../lib/./x", 0, 0), x); /* ".." of /usr/lib is /usr */
    assert_ptr_equal(walk("/../../bin", 0, 0), bin);
    assert_ptr_equal(walk("/lib/", 0, 0), lib);
    assert_ptr_equal(walk("/", 0, 0), fs.root);
    walk("/f/", 0, -ENOTDIR);
    walk("/f/x", 0, -ENOTDIR);
    walk("/nope/x", PATH_PARENT, -ENOENT);
    walk("/loop", PATH_FOLLOW, -ELOOP);
    walk("/loop/x", 0, -ELOOP);
    walk("", 0, -ENOENT);
    char long_path[5000];
    memset(long_path, 'a', sizeof(long_path));
    long_path[4999] = 0;
    walk(long_path, 0, -ENAMETOOLONG);
    long_path[0] = '/';
    long_path[300] = 0;
    walk(long_path, 0, -ENAMETOOLONG);
    struct path_ctx c = {.fs = &fs, .root = fs.root, .cwd = bin};
    struct path_result r;
    assert_int_equal(path_walk(&c, "new", PATH_PARENT, &r), 0);
    assert_null(r.node);
    assert_ptr_equal(r.dir, bin);
    assert_int_equal(r.last_len, 3);
    assert_int_equal(path_walk(&c, "sh", PATH_PARENT | PATH_FOLLOW, &r), 0);
    assert_ptr_equal(r.node, bb);
    assert_int_equal(path_walk(&c, "../lib/x", 0, &r), 0);
    assert_ptr_equal(r.node, x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_held, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rename, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readdir, setup, teardown),
        cmocka_unit_test_setup_teardown(test_paths, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
