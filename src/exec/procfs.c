/* SPDX-License-Identifier: 0BSD */
/*
 * /proc's files (the nodes are made by src/kernel/rootfs.c, marked by their dyn number): each is
 * written out whole when it is opened, into a frame the open file description keeps, so a
 * reader sees one consistent snapshot however it reads it, as Linux's seq_file gives.
 *   /proc/meminfo     Linux's format and names, so busybox free and top read it
 *   /proc/frames      frame64's own: the frame pool, each CPU's cache, the files' and objects'
 *   /proc/self        a symbolic link to the caller's /proc/PID
 *   /proc/PID/        made when a process starts, removed when its last thread ends:
 *     stat, status    Linux's formats (busybox ps and top read them)
 *     cmdline, comm   its arguments (each with its NUL), its name
 *     maps            its areas, as Linux prints them
 *     exe             a symbolic link to its program (remade at each exec)
 * A process's files name it by PID (its dyn number); one gone by the time of the open reads empty.
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/kmalloc.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/region.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "procfs_internal.h"
#include "proc_internal.h"
#include "syscall_internal.h"

void text_add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(t->s + t->len, TEXT_MAX - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len = (uint32_t)MIN(t->len + (uint32_t)n, TEXT_MAX - 1);
}

void fs_frames_held(uint64_t *pages, uint64_t *objframes, uint64_t *objects)
{
    kmalloc_stats(objframes, objects);
    uint64_t irq = fs_lock();
    *pages = rootfs.data_pages + rootfs.index_pages;
    fs_unlock(irq);
}

static void meminfo(struct text *t)
{
    struct frame_stats s;
    uint64_t pages, objframes, objects;
    frame_get_stats(&kernel_frames, &s);
    fs_frames_held(&pages, &objframes, &objects);
    uint64_t total = (s.total - s.reserved) / KiB, free = (s.stacked + s.unseeded) / KiB;
    uint64_t files = pages * (PAGE_SIZE / KiB);
    text_add(t, "MemTotal:       %8llu kB\n", (unsigned long long)total);
    text_add(t, "MemFree:        %8llu kB\n", (unsigned long long)free);
    text_add(t, "MemAvailable:   %8llu kB\n", (unsigned long long)free);
    text_add(t, "Buffers:        %8llu kB\n", 0ull);
    text_add(t, "Cached:         %8llu kB\n", (unsigned long long)files);
    text_add(t, "SwapCached:     %8llu kB\n", 0ull);
    text_add(t, "Active:         %8llu kB\n", (unsigned long long)(s.in_use / KiB));
    text_add(t, "Inactive:       %8llu kB\n", 0ull);
    text_add(t, "SwapTotal:      %8llu kB\n", 0ull);
    text_add(t, "SwapFree:       %8llu kB\n", 0ull);
    text_add(t, "Dirty:          %8llu kB\n", 0ull);
    text_add(t, "Shmem:          %8llu kB\n", (unsigned long long)files); /* tmpfs counts here */
    text_add(t, "Slab:           %8llu kB\n", (unsigned long long)(objframes * (PAGE_SIZE / KiB)));
    text_add(t, "SReclaimable:   %8llu kB\n", 0ull);
}

/* The pool's region list, a snapshot: as many ranges as the text has room for. */
static void regions(struct text *t)
{
    enum { LINE = 64 }; /* a range's line is shorter */
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE)
        return;
    struct region *r = phys_to_virt(pa);
    size_t room = PAGE_SIZE / sizeof(*r);
    size_t n = frame_regions_copy(&kernel_frames, r, room);
    text_add(t, "regions: %llu\n", (unsigned long long)n);
    size_t shown = 0;
    for (; shown < n && shown < room && t->len + 2 * LINE < TEXT_MAX; shown++) {
        char size[16];
        text_add(t, "  0x%012llx-0x%012llx %9s %s\n", (unsigned long long)r[shown].base,
                 (unsigned long long)r[shown].end,
                 kformat_size(size, sizeof(size), r[shown].end - r[shown].base),
                 region_tag_name(r[shown].tag));
    }
    if (shown < n)
        text_add(t, "  ... %llu more\n", (unsigned long long)(n - shown));
    frame_free(&kernel_frames, pa);
}

static void frames(struct text *t)
{
    struct frame_stats s;
    uint64_t pages, objframes, objects;
    frame_get_stats(&kernel_frames, &s);
    fs_frames_held(&pages, &objframes, &objects);
    text_add(
        t,
        "pool: total %llu KiB, free %llu KiB (stacked %llu, unseeded %llu), reserved %llu KiB, "
        "in use %llu KiB\n",
        (unsigned long long)(s.total / KiB), (unsigned long long)((s.stacked + s.unseeded) / KiB),
        (unsigned long long)(s.stacked / KiB), (unsigned long long)(s.unseeded / KiB),
        (unsigned long long)(s.reserved / KiB), (unsigned long long)(s.in_use / KiB));
    text_add(t, "files: %llu frames of file pages, %llu frames of %llu small objects\n",
             (unsigned long long)pages, (unsigned long long)objframes, (unsigned long long)objects);
    text_add(t, "cpu  cached    allocs     frees  locked-allocs  locked-frees\n");
    for (unsigned c = 0; c < cpu_count(); c++) {
        struct frame_cache_stats cs;
        frame_cache_get_stats(&kernel_frames, c, &cs);
        text_add(t, "%3u %7u %9llu %9llu %14llu %13llu\n", c, cs.cached,
                 (unsigned long long)cs.allocs, (unsigned long long)cs.frees,
                 (unsigned long long)cs.allocs_locked, (unsigned long long)cs.frees_locked);
    }
    regions(t);
}

static long text_read(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos)
{
    const struct text *t = f->priv;
    if (*pos >= t->len)
        return 0;
    uint64_t k = MIN(n, t->len - *pos);
    if (copy_to_user(p, buf, t->s + *pos, k))
        return -EFAULT;
    *pos += k;
    return (long)k;
}

static void text_release(struct file *f)
{
    frame_free(&kernel_frames, virt_to_phys(f->priv));
}

static const struct file_ops text_ops = {
    .read = text_read, .release = text_release, .seekable = true};

long procfs_open(struct ramfs_node *node, uint32_t flags, struct file **out)
{
    if ((flags & O_ACCMODE) != O_RDONLY)
        return -EACCES;
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE)
        return -ENOMEM;
    struct text *t = phys_to_virt(pa);
    t->len = 0;
    switch (ROOTFS_DYN_KIND(node->dyn)) {
    case ROOTFS_DYN_MEMINFO:
        meminfo(t);
        break;
    case ROOTFS_DYN_FRAMES:
        frames(t);
        break;
    default: /* a process's: written under the process table's lock, if it is still there */
        proc_with_pid(node->dyn >> 4, procfs_pid_text,
                      &(struct pid_file){t, ROOTFS_DYN_KIND(node->dyn)});
        break;
    }
    struct file *f = file_new(&text_ops, O_RDONLY, node);
    if (!f) {
        frame_free(&kernel_frames, pa);
        return -ENOMEM;
    }
    f->priv = t;
    *out = f;
    return 0;
}

const char *procfs_link_target(void *ctx, const struct ramfs_node *n)
{
    const struct process *p = ctx;
    if (n->dyn == ROOTFS_DYN_SELF && p)
        return p->pid_text;
    return NULL;
}
