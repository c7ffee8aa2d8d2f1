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

long file_place_pages(struct vmspace *vs, struct ramfs_node *n, uint64_t va, uint64_t pages,
                      uint64_t first, bool create)
{
    struct vmspace_env *env = proc_env();
    phys_addr_t pa[MAP_BATCH];
    for (uint64_t done = 0; done < pages;) {
        uint64_t want = MIN(MAP_BATCH, pages - done), got = 0;
        bool past_end = false, failed = false;
        uint64_t irq = fs_lock();
        uint64_t end = ALIGN_UP(n->size, PAGE_SIZE) / PAGE_SIZE; /* the file's pages now */
        for (; got < want && !failed; got++) {
            uint64_t index = first + done + got;
            past_end = index >= end;
            if (past_end)
                break;
            void *page = ramfs_page(&rootfs, n, index, create);
            pa[got] = page ? virt_to_phys(page) : PHYS_NONE;
            failed = (create && !page) || (page && vmspace_env_hold(env, pa[got]) != K_OK);
        }
        fs_unlock(irq);
        if (failed) /* the last one has no hold; vmspace_place() gives back the others' */
            pa[--got] = PHYS_NONE;
        if (got && vmspace_place(vs, va + done * PAGE_SIZE, pa, got) != K_OK)
            failed = true;
        if (failed)
            return -ENOMEM;
        if (past_end)
            return 0;
        done += got;
    }
    return 0;
}
