/* SPDX-License-Identifier: 0BSD */
/*
 * A regular file's pages placed into an address space without a copy (file.h), for mmap of a
 * file (sys_mm.c) and for exec's segments (proc_load.c): a batch at a time, each page held under
 * the file system's lock (so a truncate meanwhile cannot free it), then placed as a leaf under
 * the space's rules (include/frame64/vmspace.h, "Frames of an outside owner").
 */
#include <frame64/errno.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include "file.h"
#include "proc_internal.h"

#define MAP_BATCH 32 /* pages held per look under the file system's lock */

/*
 * Holds pages [index, index + want) of n into pa, under the file system's lock, stopping at the
 * file's end (*past_end) or at a page that cannot be had or held (*failed; the holds taken are
 * given back then). Return: how many are in pa.
 */
static uint64_t hold_batch(struct ramfs_node *n, uint64_t index, uint64_t want, bool create,
                           phys_addr_t *pa, bool *past_end, bool *failed)
{
    struct vmspace_env *env = proc_env();
    uint64_t got = 0;
    uint64_t irq = fs_lock();
    uint64_t end = ALIGN_UP(n->size, PAGE_SIZE) / PAGE_SIZE; /* the file's pages now */
    *past_end = *failed = false;
    for (; got < want && !*past_end && !*failed; got++) {
        *past_end = index + got >= end;
        void *page = *past_end ? NULL : ramfs_page(&rootfs, n, index + got, create);
        pa[got] = page ? virt_to_phys(page) : PHYS_NONE;
        *failed =
            !*past_end && ((create && !page) || (page && vmspace_env_hold(env, pa[got]) != K_OK));
    }
    fs_unlock(irq);
    if (*past_end || *failed)
        got--; /* the last one looked at is not in the batch */
    for (uint64_t i = 0; *failed && i < got; i++)
        if (pa[i] != PHYS_NONE)
            vmspace_env_unhold(env, pa[i]);
    return got;
}

long file_place_pages(struct vmspace *vs, struct ramfs_node *n, uint64_t va, uint64_t pages,
                      uint64_t first, bool create)
{
    phys_addr_t pa[MAP_BATCH];
    for (uint64_t done = 0; done < pages;) {
        bool past_end, failed;
        uint64_t got = hold_batch(n, first + done, MIN(MAP_BATCH, pages - done), create, pa,
                                  &past_end, &failed);
        if (!failed && got && vmspace_place(vs, va + done * PAGE_SIZE, pa, got) != K_OK)
            failed = true;
        if (failed)
            return -ENOMEM;
        if (past_end)
            return 0;
        done += got;
    }
    return 0;
}
