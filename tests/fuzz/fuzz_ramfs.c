/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness: the in-memory file system (src/fs/ramfs.c, ramfs_data.c) against a model,
 * driven by a stream of operations on a small namespace -- the root and four directories, six
 * names in each -- so that names collide, links and renames meet, and files grow through all
 * three index levels (pages 0, 1, 511, 512, 262143, 262144 and a few more).
 *
 * The model keeps, per node: its type, its link count, whether it is held open, and the bytes of
 * each page it holds (a page never written reads as zeros). Every operation must give Linux's
 * error where the model says one is due (ENOENT, EEXIST, EISDIR, ENOTDIR, ENOTEMPTY, EINVAL,
 * ENOSPC), and after each step: every file reads back as the model says, the file system's count
 * of data pages equals the model's, and the pages and objects the host handed out equal what
 * the file system says it holds. At the end everything is destroyed and must come back.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_input.h"
#include <frame64/ramfs.h>

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_ramfs: " __VA_ARGS__);                                           \
            fprintf(stderr, "\n");                                                                 \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define DIRS     5 /* the root (0) and /d1../d4 */
#define NAMES    6
#define NODES    64
#define PAGE_SET 8

static const uint64_t page_choice[PAGE_SET] = {0, 1, 2, 511, 512, 513, 262143, 262144};

struct mnode {
    bool used, dir, link;
    unsigned nlink;
    bool held;
    struct ramfs_node *n;
    uint64_t size;
    uint8_t *pages[PAGE_SET]; /* the model's bytes of page_choice[i], NULL: zeros */
};

static struct mnode nodes[NODES];
static int entry[DIRS][NAMES];        /* model node of each name, -1: none */
static struct ramfs_node *dirn[DIRS]; /* /d1../d4 as the file system has them (NULL: gone) */
static long pages_out, objs_out, budget;
static struct ramfs fs;

static void *page_alloc(void *ctx)
{
    (void)ctx;
    if (budget == 0)
        return NULL;
    budget--;
    pages_out++;
    return calloc(1, PAGE_SIZE);
}
static void page_free(void *ctx, void *p)
{
    (void)ctx;
    pages_out--;
    budget++;
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
    return 0;
}
static const struct ramfs_ops ops = {page_alloc, page_free, obj_alloc, obj_free, now_ns};

static char name_of(unsigned i)
{
    return (char)('a' + i);
}

static void mfree(int i)
{
    for (int k = 0; k < PAGE_SET; k++)
        free(nodes[i].pages[k]);
    memset(&nodes[i], 0, sizeof(nodes[i]));
}

/* Drops the model node if nothing names or holds it. */
static void maybe_gone(int i)
{
    if (nodes[i].nlink == 0 && !nodes[i].held)
        mfree(i);
}

static int new_node(void)
{
    for (int i = 0; i < NODES; i++)
        if (!nodes[i].used) {
            nodes[i].used = true;
            return i;
        }
    return -1;
}

static uint64_t model_pages(void)
{
    uint64_t n = 0;
    for (int i = 0; i < NODES; i++)
        for (int k = 0; nodes[i].used && k < PAGE_SET; k++)
            n += nodes[i].pages[k] != NULL;
    return n;
}

/* Every file's chosen pages read back as the model's; the counts agree. */
static void verify(void)
{
    static uint8_t buf[PAGE_SIZE];
    for (int i = 0; i < NODES; i++) {
        struct mnode *m = &nodes[i];
        if (m->used)
            CHECK(m->n->nlink == m->nlink, "node %d: %u links, the model says %u", i, m->n->nlink,
                  m->nlink);
        if (!m->used || m->dir || m->link)
            continue;
        CHECK(m->n->size == m->size, "node %d: size %llu, the model says %llu", i,
              (unsigned long long)m->n->size, (unsigned long long)m->size);
        for (int k = 0; k < PAGE_SET; k++) {
            uint64_t off = page_choice[k] * PAGE_SIZE;
            size_t want = off >= m->size
                              ? 0
                              : (size_t)(m->size - off < PAGE_SIZE ? m->size - off : PAGE_SIZE);
            size_t got = ramfs_read(&fs, m->n, off, buf, PAGE_SIZE);
            CHECK(got == want, "node %d page %d: read %zu, the model says %zu", i, k, got, want);
            for (size_t b = 0; b < got; b++)
                CHECK(buf[b] == (m->pages[k] ? m->pages[k][b] : 0),
                      "node %d page %d byte %zu differs", i, k, b);
        }
    }
    CHECK(fs.data_pages == model_pages(), "data pages %llu, the model says %llu",
          (unsigned long long)fs.data_pages, (unsigned long long)model_pages());
    CHECK((uint64_t)pages_out == fs.data_pages + fs.index_pages, "pages out %ld, fs says %llu",
          pages_out, (unsigned long long)(fs.data_pages + fs.index_pages));
}

static struct ramfs_node *dir_node(unsigned d)
{
    return d == 0 ? fs.root : dirn[d];
}

static int expect(int got, int want, const char *what)
{
    CHECK(got == want, "%s: got %d, the model says %d", what, got, want);
    return got;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    memset(nodes, 0, sizeof(nodes));
    memset(entry, -1, sizeof(entry));
    pages_out = objs_out = 0;
    budget = 1 + (long)take(&in, 1) % 64;
    uint64_t limit = 1 + take(&in, 1) % 48;
    CHECK(ramfs_init(&fs, &ops, NULL, limit) == 0, "init");
    for (unsigned d = 1; d < DIRS; d++) {
        CHECK(ramfs_create(&fs, fs.root, (char[]){'d', (char)('0' + d)}, 2, S_IFDIR | 0755, 0,
                           &dirn[d]) == 0,
              "mkdir");
    }
    for (unsigned steps = 0; in.n && steps < 400; steps++) {
        unsigned op = (unsigned)take(&in, 1) % 10, d = (unsigned)take(&in, 1) % DIRS,
                 k = (unsigned)take(&in, 1) % NAMES;
        struct ramfs_node *dir = dir_node(d);
        int e = entry[d][k];
        char nm = name_of(k);
        if (!dir)
            continue;
        switch (op) {
        case 0:   /* create a file */
        case 1: { /* or a directory (only in the root's subdirectories: depth stays 2) */
            bool mkdir = op == 1 && d != 0;
            int want = e >= 0 ? -EEXIST : 0, i = e >= 0 ? -1 : new_node();
            if (i < 0 && !want)
                break;
            struct ramfs_node *n = NULL;
            int got = ramfs_create(&fs, dir, &nm, 1, (mkdir ? S_IFDIR : S_IFREG) | 0644, 0, &n);
            if (got == -ENOMEM && budget == 0 && !want) { /* objects never run out here */
                nodes[i].used = false;
                break;
            }
            if (expect(got, want, "create") == 0) {
                entry[d][k] = i;
                nodes[i] =
                    (struct mnode){.used = true, .dir = mkdir, .nlink = mkdir ? 2 : 1, .n = n};
            }
            break;
        }
        case 2: { /* unlink, or rmdir */
            bool isdir = e >= 0 && nodes[e].dir;
            int want = e < 0 ? -ENOENT : isdir ? -EISDIR : 0;
            if (expect(ramfs_unlink(&fs, dir, &nm, 1), want, "unlink") == 0) {
                entry[d][k] = -1;
                nodes[e].nlink--;
                maybe_gone(e);
            } else if (isdir) {
                struct ramfs_node *sub = nodes[e].n;
                want = sub->u.dir.entries ? -ENOTEMPTY : 0;
                if (expect(ramfs_rmdir(&fs, dir, &nm, 1), want, "rmdir") == 0) {
                    entry[d][k] = -1;
                    nodes[e].nlink = 0;
                    maybe_gone(e);
                }
            }
            break;
        }
        case 3: { /* write: a chosen page, an offset and a length in it, one byte value */
            if (e < 0 || nodes[e].dir || nodes[e].link)
                break;
            unsigned s = (unsigned)take(&in, 1) % PAGE_SET;
            unsigned off = (unsigned)take(&in, 2) % PAGE_SIZE,
                     len = 1 + (unsigned)take(&in, 2) % (PAGE_SIZE - off);
            uint8_t v = (uint8_t)take(&in, 1);
            static uint8_t buf[PAGE_SIZE];
            memset(buf, v, len);
            uint64_t at = page_choice[s] * PAGE_SIZE + off;
            long got = ramfs_write(&fs, nodes[e].n, at, buf, len);
            CHECK(got == (long)len || got == -ENOSPC || got == -ENOMEM, "write: %ld", got);
            if (got == (long)len) {
                struct mnode *m = &nodes[e];
                if (!m->pages[s])
                    m->pages[s] = calloc(1, PAGE_SIZE);
                memset(m->pages[s] + off, v, len);
                if (at + len > m->size)
                    m->size = at + len;
            }
            break;
        }
        case 4: { /* truncate to a chosen page's start, a little past it, or 0 */
            if (e < 0 || nodes[e].dir || nodes[e].link)
                break;
            unsigned s = (unsigned)take(&in, 1) % (PAGE_SET + 1),
                     plus = (unsigned)take(&in, 2) % 6000;
            /* A chosen page's start and a bit, or a cut inside the last page (a tail to zero). */
            uint64_t to = s == PAGE_SET ? nodes[e].size - MIN(nodes[e].size, plus % PAGE_SIZE)
                                        : page_choice[s] * PAGE_SIZE + plus;
            expect(ramfs_truncate(&fs, nodes[e].n, to), 0, "truncate");
            struct mnode *m = &nodes[e];
            for (int p = 0; p < PAGE_SET; p++) {
                uint64_t start = page_choice[p] * PAGE_SIZE;
                if (m->pages[p] && start >= to) {
                    free(m->pages[p]);
                    m->pages[p] = NULL;
                } else if (m->pages[p] && start + PAGE_SIZE > to && to < m->size) {
                    memset(m->pages[p] + (to - start), 0, PAGE_SIZE - (to - start));
                }
            }
            m->size = to;
            break;
        }
        case 5: { /* hard link of a file to another name */
            unsigned d2 = (unsigned)take(&in, 1) % DIRS, k2 = (unsigned)take(&in, 1) % NAMES;
            char nm2 = name_of(k2);
            if (e < 0 || !dir_node(d2))
                break;
            int e2 = entry[d2][k2];
            int want = nodes[e].dir ? -EPERM : e2 >= 0 ? -EEXIST : 0;
            if (expect(ramfs_link(&fs, dir_node(d2), &nm2, 1, nodes[e].n), want, "link") == 0) {
                entry[d2][k2] = e;
                nodes[e].nlink++;
            }
            break;
        }
        case 6: { /* rename, with Linux's rules for what it replaces */
            unsigned d2 = (unsigned)take(&in, 1) % DIRS, k2 = (unsigned)take(&in, 1) % NAMES;
            char nm2 = name_of(k2);
            struct ramfs_node *dir2 = dir_node(d2);
            if (!dir2)
                break;
            int e2 = entry[d2][k2], want = 0;
            if (e < 0)
                want = -ENOENT;
            else if (e2 >= 0 && e2 == e)
                want = 0;
            else if (e2 >= 0 && nodes[e2].dir && !nodes[e].dir)
                want = -EISDIR;
            else if (e2 >= 0 && !nodes[e2].dir && nodes[e].dir)
                want = -ENOTDIR;
            else if (e2 >= 0 && nodes[e2].dir && nodes[e2].n->u.dir.entries)
                want = -ENOTEMPTY;
            if (expect(ramfs_rename(&fs, dir, &nm, 1, dir2, &nm2, 1), want, "rename") || e2 == e)
                break;
            entry[d][k] = -1;
            if (e2 >= 0) {
                nodes[e2].nlink = nodes[e2].dir ? 0 : nodes[e2].nlink - 1;
                maybe_gone(e2);
            }
            entry[d2][k2] = e;
            break;
        }
        case 7: { /* hold open, or drop the hold */
            if (e < 0)
                break;
            if (!nodes[e].held) {
                ramfs_get(nodes[e].n);
                nodes[e].held = true;
            }
            break;
        }
        case 8: { /* drop every hold (a process ending) */
            for (int i = 0; i < NODES; i++)
                if (nodes[i].used && nodes[i].held) {
                    nodes[i].held = false;
                    ramfs_put(&fs, nodes[i].n);
                    maybe_gone(i);
                }
            break;
        }
        case 9: { /* a symbolic link */
            int want = e >= 0 ? -EEXIST : 0, i = e >= 0 ? -1 : new_node();
            if (i < 0 && !want)
                break;
            int got = ramfs_symlink(&fs, dir, &nm, 1, "target");
            if (expect(got, want, "symlink") == 0) {
                struct ramfs_node *n;
                CHECK(ramfs_lookup(&fs, dir, &nm, 1, &n) == 0, "lookup of a new link");
                entry[d][k] = i;
                nodes[i] = (struct mnode){.used = true, .link = true, .nlink = 1, .n = n};
            }
            break;
        }
        }
        /* A directory that went away takes its entries' model with it: it was empty. */
        for (unsigned dd = 1; dd < DIRS; dd++) {
            struct ramfs_node *n;
            char dn[2] = {'d', (char)('0' + dd)};
            if (dirn[dd] && ramfs_lookup(&fs, fs.root, dn, 2, &n))
                dirn[dd] = NULL;
        }
        verify();
    }
    for (int i = 0; i < NODES; i++)
        if (nodes[i].used && nodes[i].held)
            ramfs_put(&fs, nodes[i].n);
    ramfs_destroy(&fs);
    CHECK(pages_out == 0, "%ld pages not given back", pages_out);
    CHECK(objs_out == 0, "%ld objects not given back", objs_out);
    for (int i = 0; i < NODES; i++)
        if (nodes[i].used)
            mfree(i);
    return 0;
}
