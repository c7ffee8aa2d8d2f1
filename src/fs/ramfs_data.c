/* SPDX-License-Identifier: 0BSD */
/*
 * A regular file's bytes (include/frame64/ramfs.h): whole pages from the platform under a radix
 * tree of index pages, 512 pointers each, like a page table. A tree of height h covers 512^h
 * pages (height 0: the root is the only data page), and grows a level on top when a write goes
 * past it, so a small file costs one page and no index. A page that was never written is a hole
 * and reads as zeros. Every page taken is counted (data_pages, index_pages) against the file
 * system's limit, and truncate gives back every page, index pages included, past the new end.
 */
#include <frame64/errno.h>
#include <frame64/kstring.h>
#include <frame64/ramfs.h>
#include "ramfs_internal.h"

#define FANOUT     512u
#define FANOUT_LOG 9
#define MAX_HEIGHT 3

/* Pages a tree of height h covers. */
static uint64_t span(unsigned h)
{
    return 1ull << (FANOUT_LOG * h);
}

/* A zeroed page within the limit. Return: it, or NULL with *err -ENOSPC or -ENOMEM. */
static void *take_page(struct ramfs *fs, bool index, int *err)
{
    if (fs->data_pages + fs->index_pages >= fs->page_limit) {
        *err = -ENOSPC;
        return NULL;
    }
    void *p = fs->ops->page_alloc(fs->ctx);
    if (!p) {
        *err = -ENOMEM;
        return NULL;
    }
    if (index)
        fs->index_pages++;
    else
        fs->data_pages++;
    return p;
}

static void give_page(struct ramfs *fs, void *p, bool index)
{
    if (index)
        fs->index_pages--;
    else
        fs->data_pages--;
    fs->ops->page_free(fs->ctx, p);
}

/* Frees the subtree under slot (height h) whole. */
static void free_tree(struct ramfs *fs, struct ramfs_node *n, void *slot, unsigned h)
{
    if (!slot)
        return;
    if (h == 0) {
        n->u.reg.pages--;
        give_page(fs, slot, false);
        return;
    }
    void **entries = slot;
    for (unsigned i = 0; i < FANOUT; i++)
        free_tree(fs, n, entries[i], h - 1);
    give_page(fs, slot, true);
}

void ramfs_data_free(struct ramfs *fs, struct ramfs_node *n)
{
    free_tree(fs, n, n->u.reg.root, n->u.reg.height);
    n->u.reg.root = NULL;
    n->u.reg.height = 0;
}

/*
 * The data page of index, made (with the index pages above it) if create. Return: it, or NULL:
 * a hole (not create), or with *err set.
 */
static void *page_of(struct ramfs *fs, struct ramfs_node *n, uint64_t index, bool create, int *err)
{
    if (!n->u.reg.root) {
        if (!create)
            return NULL;
        n->u.reg.height = 0;
        while (index >= span(n->u.reg.height))
            n->u.reg.height++;
    }
    while (index >= span(n->u.reg.height)) {
        if (!create)
            return NULL;
        void **top = take_page(fs, true, err);
        if (!top)
            return NULL;
        top[0] = n->u.reg.root;
        n->u.reg.root = top;
        n->u.reg.height++;
    }
    void **slot = &n->u.reg.root;
    for (unsigned h = n->u.reg.height; h > 0; h--) {
        if (!*slot) {
            if (!create || !(*slot = take_page(fs, true, err)))
                return NULL;
        }
        void **entries = *slot;
        slot = &entries[(index >> (FANOUT_LOG * (h - 1))) & (FANOUT - 1)];
    }
    if (!*slot && create) {
        if ((*slot = take_page(fs, false, err)))
            n->u.reg.pages++;
    }
    return *slot;
}

size_t ramfs_read(struct ramfs *fs, struct ramfs_node *n, uint64_t off, void *buf, size_t len)
{
    if (!S_ISREG(n->mode) || off >= n->size)
        return 0;
    if (len > n->size - off)
        len = (size_t)(n->size - off);
    uint8_t *out = buf;
    for (size_t done = 0; done < len;) {
        uint64_t at = off + done;
        size_t in = (size_t)(at % RAMFS_PAGE), chunk = MIN(len - done, RAMFS_PAGE - in);
        int err = 0;
        const uint8_t *page = page_of(fs, n, at / RAMFS_PAGE, false, &err);
        if (page)
            memcpy(out + done, page + in, chunk);
        else
            memset(out + done, 0, chunk);
        done += chunk;
    }
    n->atime_ns = fs->ops->now_ns(fs->ctx);
    return len;
}

long ramfs_write(struct ramfs *fs, struct ramfs_node *n, uint64_t off, const void *buf, size_t len)
{
    if (!S_ISREG(n->mode))
        return -EINVAL;
    if (off >= RAMFS_SIZE_MAX)
        return len ? -EFBIG : 0;
    if (len > RAMFS_SIZE_MAX - off)
        len = (size_t)(RAMFS_SIZE_MAX - off);
    const uint8_t *in = buf;
    size_t done = 0;
    int err = 0;
    while (done < len) {
        uint64_t at = off + done;
        size_t pin = (size_t)(at % RAMFS_PAGE), chunk = MIN(len - done, RAMFS_PAGE - pin);
        uint8_t *page = page_of(fs, n, at / RAMFS_PAGE, true, &err);
        if (!page)
            break;
        memcpy(page + pin, in + done, chunk);
        done += chunk;
    }
    if (done) {
        if (off + done > n->size)
            n->size = off + done;
        n->mtime_ns = n->ctime_ns = fs->ops->now_ns(fs->ctx);
        return (long)done;
    }
    return len ? err : 0;
}

/*
 * Frees every data page of the subtree at *slot (height h, first page base) whose index is keep
 * or more, and every index page left with nothing under it.
 */
static void trim(struct ramfs *fs, struct ramfs_node *n, void **slot, unsigned h, uint64_t base,
                 uint64_t keep)
{
    if (!*slot || base + span(h) <= keep)
        return;
    if (base >= keep) {
        free_tree(fs, n, *slot, h);
        *slot = NULL;
        return;
    }
    void **entries = *slot;
    bool any = false;
    for (unsigned i = 0; i < FANOUT; i++) {
        trim(fs, n, &entries[i], h - 1, base + i * span(h - 1), keep);
        any |= entries[i] != NULL;
    }
    if (!any) {
        give_page(fs, entries, true);
        *slot = NULL;
    }
}

int ramfs_truncate(struct ramfs *fs, struct ramfs_node *n, uint64_t size)
{
    if (!S_ISREG(n->mode))
        return -EINVAL;
    if (size > RAMFS_SIZE_MAX)
        return -EFBIG;
    if (size < n->size) {
        uint64_t keep = (size + RAMFS_PAGE - 1) / RAMFS_PAGE;
        trim(fs, n, &n->u.reg.root, n->u.reg.height, 0, keep);
        if (!n->u.reg.root)
            n->u.reg.height = 0;
        /* Bytes past the end in the last kept page read as zeros if the file grows again. */
        int err = 0;
        uint8_t *last = size % RAMFS_PAGE ? page_of(fs, n, size / RAMFS_PAGE, false, &err) : NULL;
        if (last)
            memset(last + size % RAMFS_PAGE, 0, RAMFS_PAGE - size % RAMFS_PAGE);
    }
    n->size = size;
    n->mtime_ns = n->ctime_ns = fs->ops->now_ns(fs->ctx);
    return 0;
}

void *ramfs_page(struct ramfs *fs, struct ramfs_node *n, uint64_t index, bool create)
{
    if (!S_ISREG(n->mode))
        return NULL;
    int err = 0;
    if (create && index * RAMFS_PAGE >= n->size)
        create = false;
    return page_of(fs, n, index, create, &err);
}
