/* SPDX-License-Identifier: 0BSD */
/*
 * /proc's files (the nodes are made by src/kernel/rootfs.c, marked by their dyn number): each is
 * written out whole when it is opened, into a frame the open file description keeps, so a
 * reader sees one consistent snapshot however it reads it, as Linux's seq_file gives.
 *   /proc/meminfo     Linux's format and names, so busybox free and top read it
 *   /proc/frames      frame64's own: the frame pool, each CPU's cache, the files' and objects'
 *   /proc/self/maps   the calling process's areas, as Linux prints them
 *   /proc/self/exe    a symbolic link to the program the calling process runs
 * /proc/self is a directory here, not a link to /proc/PID: frame64 has no /proc/PID yet.
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/kmalloc.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/rootfs.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define TEXT_MAX (PAGE_SIZE - sizeof(uint32_t))

struct text {
    uint32_t len;
    char s[TEXT_MAX];
};

__attribute__((format(printf, 2, 3))) static void add(struct text *t, const char *fmt, ...)
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
    add(t, "MemTotal:       %8llu kB\n", (unsigned long long)total);
    add(t, "MemFree:        %8llu kB\n", (unsigned long long)free);
    add(t, "MemAvailable:   %8llu kB\n", (unsigned long long)free);
    add(t, "Buffers:        %8llu kB\n", 0ull);
    add(t, "Cached:         %8llu kB\n", (unsigned long long)files);
    add(t, "SwapCached:     %8llu kB\n", 0ull);
    add(t, "Active:         %8llu kB\n", (unsigned long long)(s.in_use / KiB));
    add(t, "Inactive:       %8llu kB\n", 0ull);
    add(t, "SwapTotal:      %8llu kB\n", 0ull);
    add(t, "SwapFree:       %8llu kB\n", 0ull);
    add(t, "Dirty:          %8llu kB\n", 0ull);
    add(t, "Shmem:          %8llu kB\n", (unsigned long long)files); /* tmpfs counts here */
    add(t, "Slab:           %8llu kB\n", (unsigned long long)(objframes * (PAGE_SIZE / KiB)));
    add(t, "SReclaimable:   %8llu kB\n", 0ull);
}

static void frames(struct text *t)
{
    struct frame_stats s;
    uint64_t pages, objframes, objects;
    frame_get_stats(&kernel_frames, &s);
    fs_frames_held(&pages, &objframes, &objects);
    add(t,
        "pool: total %llu KiB, free %llu KiB (stacked %llu, unseeded %llu), reserved %llu KiB, "
        "in use %llu KiB\n",
        (unsigned long long)(s.total / KiB), (unsigned long long)((s.stacked + s.unseeded) / KiB),
        (unsigned long long)(s.stacked / KiB), (unsigned long long)(s.unseeded / KiB),
        (unsigned long long)(s.reserved / KiB), (unsigned long long)(s.in_use / KiB));
    add(t, "files: %llu frames of file pages, %llu frames of %llu small objects\n",
        (unsigned long long)pages, (unsigned long long)objframes, (unsigned long long)objects);
    add(t, "cpu  cached    allocs     frees  locked-allocs  locked-frees\n");
    for (unsigned c = 0; c < cpu_count(); c++) {
        struct frame_cache_stats cs;
        frame_cache_get_stats(&kernel_frames, c, &cs);
        add(t, "%3u %7u %9llu %9llu %14llu %13llu\n", c, cs.cached, (unsigned long long)cs.allocs,
            (unsigned long long)cs.frees, (unsigned long long)cs.allocs_locked,
            (unsigned long long)cs.frees_locked);
    }
}

static void maps(struct text *t, struct process *p)
{
    uint64_t start, end;
    unsigned prot;
    uint64_t irq = mm_lock(p);
    for (uint64_t i = 0; vmspace_area_get(&p->vs, i, &start, &end, &prot); i++) {
        const char *name = start <= p->brk_start && p->brk_start < end && p->brk > p->brk_start
                               ? "[heap]"
                           : end == PROC_STACK_TOP                   ? "[stack]"
                           : start == p->vdso                        ? "[vvar]"
                           : start == p->vdso + PAGE_SIZE && p->vdso ? "[vdso]"
                                                                     : "";
        add(t, "%08llx-%08llx %c%c%cp 00000000 00:00 0%s%s\n", (unsigned long long)start,
            (unsigned long long)end, prot & VM_READ ? 'r' : '-', prot & VM_WRITE ? 'w' : '-',
            prot & VM_EXEC ? 'x' : '-', *name ? "                          " : "", name);
    }
    mm_unlock(p, irq);
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
    struct process *p = proc_current();
    switch (node->dyn) {
    case ROOTFS_DYN_MEMINFO:
        meminfo(t);
        break;
    case ROOTFS_DYN_FRAMES:
        frames(t);
        break;
    case ROOTFS_DYN_MAPS:
        if (p)
            maps(t, p);
        break;
    default:
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

void proc_set_exe(struct process *p, const char *path)
{
    kfree(p->exe);
    p->exe = NULL;
    if (!path)
        return;
    /* Always absolute, as Linux's: glibc's static start code asserts it (_dl_get_origin). A
     * relative path is taken from the working directory; a GRUB module's name from the root. */
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE)
        return;
    char *buf = phys_to_virt(pa);
    const char *dir = "";
    size_t dlen = 0;
    long at = path[0] == '/' ? -1 : cwd_path(p, buf);
    if (at >= 0) {
        dir = buf + at;
        dlen = PATH_MAX_LEN - 1 - (size_t)at;
    }
    bool slash = path[0] != '/' && (!dlen || dir[dlen - 1] != '/');
    size_t n = MIN(dlen + slash + strlen(path), (size_t)KMEM_MAX - 1);
    char *o = p->exe = kmalloc(n + 1);
    if (o) {
        size_t room = n, k = MIN(dlen, room);
        memcpy(o, dir, k);
        o += k, room -= k;
        if (slash && room)
            *o++ = '/', room--;
        k = MIN(strlen(path), room);
        memcpy(o, path, k);
        o[k] = '\0';
    }
    frame_free(&kernel_frames, pa);
}

const char *procfs_link_target(void *ctx, const struct ramfs_node *n)
{
    const struct process *p = ctx;
    if (n->dyn == ROOTFS_DYN_EXE && p && p->exe)
        return p->exe;
    return NULL;
}
