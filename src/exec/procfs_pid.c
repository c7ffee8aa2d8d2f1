/* SPDX-License-Identifier: 0BSD */
/*
 * /proc/PID (include/frame64/rootfs.h's dyn numbers, src/exec/procfs.c's opening): each process's
 * directory, made when it starts and removed when its last thread ends, and what its files say,
 * written under the process table's lock so that the process cannot go meanwhile. A process's
 * space is read under its own lock (proc_unload() takes it out under that lock too), its counters
 * as a snapshot.
 */
#include <frame64/errno.h>
#include <frame64/kernel.h>
#include <frame64/kmalloc.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/rootfs.h>
#include <frame64/sched.h>
#include "file.h"
#include "proc_internal.h"
#include "procfs_internal.h"

static void set_exe(struct process *p, const char *path);
static void update_exe_link(struct process *p);

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
        text_add(t, "%08llx-%08llx %c%c%cp 00000000 00:00 0%s%s\n", (unsigned long long)start,
                 (unsigned long long)end, prot & VM_READ ? 'r' : '-', prot & VM_WRITE ? 'w' : '-',
                 prot & VM_EXEC ? 'x' : '-', *name ? "                          " : "", name);
    }
    mm_unlock(p, irq);
}

/* One letter for its threads: R running or ready, S all asleep, T stopped, Z ended. */
static char state_letter(struct process *p)
{
    if (p->state == PROC_ZOMBIE)
        return 'Z';
    if (__atomic_load_n(&p->stopped, __ATOMIC_ACQUIRE))
        return 'T';
    char c = 'S';
    uint64_t irq = irqlock_acquire(&p->lock);
    for (struct thread *th = p->threads; th; th = th->proc_next)
        if (th->state != THREAD_SLEEPING)
            c = 'R';
    irqlock_release(&p->lock, irq);
    return c;
}

/* Its areas' bytes (0 once ended: the space is gone). */
static uint64_t vsize(struct process *p)
{
    uint64_t start, end, sum = 0;
    unsigned prot;
    uint64_t irq = mm_lock(p);
    for (uint64_t i = 0; vmspace_area_get(&p->vs, i, &start, &end, &prot); i++)
        sum += end - start;
    mm_unlock(p, irq);
    return sum;
}

/* Its parent's PID, 0 if none (the process table's lock is held: proc_with_pid()). */
static unsigned ppid_locked(const struct process *p)
{
    return p->parent ? p->parent->pid : 0;
}

#define TICKS_NS 10000000ull /* /proc's clock ticks: USER_HZ, 100 a second */

/* Linux's /proc/PID/stat: 52 fields, those frame64 does not keep 0. */
static void stat_line(struct text *t, struct process *p)
{
    struct vmspace_stats vs;
    vmspace_get_stats(&p->vs, &vs); /* a copy of counters: a stale value at worst */
    uint64_t rss = vs.leaf + vs.leaf_huge, cpu = proc_cpu_ns(p) / TICKS_NS;
    unsigned nthreads = p->state == PROC_ZOMBIE ? 1 : p->nthreads;
    text_add(t, "%u (%s) %c %u %u %u 0 -1 4194560 %llu 0 0 0 %llu 0 0 0 20 0 %u 0 %llu %llu %llu ",
             p->pid, p->name, state_letter(p), ppid_locked(p), p->pgid, p->sid,
             (unsigned long long)p->page_faults, (unsigned long long)cpu, nthreads,
             (unsigned long long)(p->start_ns / TICKS_NS), (unsigned long long)vsize(p),
             (unsigned long long)rss);
    text_add(t, "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 %u 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
             cpu_index());
}

static void status(struct text *t, struct process *p)
{
    static const char *const states[] = {
        ['R'] = "running", ['S'] = "sleeping", ['T'] = "stopped", ['Z'] = "zombie"};
    struct vmspace_stats vs;
    vmspace_get_stats(&p->vs, &vs);
    char c = state_letter(p);
    /* kvsnprintf() has no %o: the umask's four octal digits by hand. */
    text_add(t, "Name:\t%s\nUmask:\t0%u%u%u\nState:\t%c (%s)\nTgid:\t%u\nNgid:\t0\nPid:\t%u\n",
             p->name, (p->umask >> 6) & 7, (p->umask >> 3) & 7, p->umask & 7, c,
             states[(unsigned char)c], p->pid, p->pid);
    text_add(t, "PPid:\t%u\nTracerPid:\t0\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\n", ppid_locked(p));
    text_add(t, "VmSize:\t%8llu kB\nVmRSS:\t%8llu kB\nThreads:\t%u\n",
             (unsigned long long)(vsize(p) / KiB),
             (unsigned long long)((vs.leaf + vs.leaf_huge) * (PAGE_SIZE / KiB)),
             p->state == PROC_ZOMBIE ? 1 : p->nthreads);
}

/* Writes p's file of the kind ctx names (under the process table's lock: p stays). */
void procfs_pid_text(struct process *p, void *ctx)
{
    struct pid_file *f = ctx;
    struct text *t = f->t;
    switch (f->kind) {
    case ROOTFS_DYN_STAT:
        stat_line(t, p);
        break;
    case ROOTFS_DYN_STATUS:
        status(t, p);
        break;
    case ROOTFS_DYN_CMDLINE:
        t->len = (uint32_t)MIN(p->cmdline_len, TEXT_MAX - 1);
        if (p->cmdline)
            memcpy(t->s, p->cmdline, t->len);
        break;
    case ROOTFS_DYN_COMM:
        text_add(t, "%s\n", p->name);
        break;
    case ROOTFS_DYN_MAPS:
        maps(t, p);
        break;
    default:
        break;
    }
}

void proc_set_cmdline_copy(struct process *p, const struct process *from)
{
    kfree(p->cmdline);
    p->cmdline = from->cmdline_len ? kmalloc(from->cmdline_len) : NULL;
    p->cmdline_len = p->cmdline ? from->cmdline_len : 0;
    if (p->cmdline)
        memcpy(p->cmdline, from->cmdline, p->cmdline_len);
}

void proc_set_exe(struct process *p, const char *path)
{
    kfree(p->exe);
    p->exe = NULL;
    if (path)
        set_exe(p, path);
    update_exe_link(p);
}

/* p->exe = path made absolute. */
static void set_exe(struct process *p, const char *path)
{
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

/* /proc as a node (under the file system's lock). Return: it, or NULL. */
static struct ramfs_node *proc_dir(void) REQUIRES(rootfs_lock)
{
    struct ramfs_node *d;
    return rootfs.root && !ramfs_lookup(&rootfs, rootfs.root, "proc", 4, &d) && S_ISDIR(d->mode)
               ? d
               : NULL;
}

static const struct {
    const char *name;
    unsigned kind;
} pid_files[] = {{"stat", ROOTFS_DYN_STAT},
                 {"status", ROOTFS_DYN_STATUS},
                 {"cmdline", ROOTFS_DYN_CMDLINE},
                 {"comm", ROOTFS_DYN_COMM},
                 {"maps", ROOTFS_DYN_MAPS}};

/* (Re)makes /proc/PID/exe, a link to p's program (under the file system's lock). */
static void exe_link(struct process *p, struct ramfs_node *dir) REQUIRES(rootfs_lock)
{
    ramfs_unlink(&rootfs, dir, "exe", 3);
    ramfs_symlink(&rootfs, dir, "exe", 3, p->exe ? p->exe : "/");
}

void procfs_add(struct process *p)
{
    ksnprintf(p->pid_text, sizeof(p->pid_text), "%u", p->pid);
    size_t len = strlen(p->pid_text);
    struct ramfs_node *dir, *n;
    uint64_t irq = fs_lock();
    struct ramfs_node *proc = proc_dir();
    /* Without memory the process runs without its /proc entry (nothing depends on it). */
    if (proc && !ramfs_create(&rootfs, proc, p->pid_text, len, S_IFDIR | 0555, 0, &dir)) {
        for (size_t i = 0; i < sizeof(pid_files) / sizeof(pid_files[0]); i++)
            if (!ramfs_create(&rootfs, dir, pid_files[i].name, strlen(pid_files[i].name),
                              S_IFREG | 0444, 0, &n))
                n->dyn = ROOTFS_DYN_PID(p->pid, pid_files[i].kind);
        exe_link(p, dir);
    }
    fs_unlock(irq);
}

void procfs_remove(struct process *p)
{
    struct ramfs_node *dir;
    size_t len = strlen(p->pid_text);
    uint64_t irq = fs_lock();
    struct ramfs_node *proc = proc_dir();
    if (len && proc && !ramfs_lookup(&rootfs, proc, p->pid_text, len, &dir)) {
        for (size_t i = 0; i < sizeof(pid_files) / sizeof(pid_files[0]); i++)
            ramfs_unlink(&rootfs, dir, pid_files[i].name, strlen(pid_files[i].name));
        ramfs_unlink(&rootfs, dir, "exe", 3);
        ramfs_rmdir(&rootfs, proc, p->pid_text, len);
    }
    fs_unlock(irq);
}

void proc_set_cmdline(struct process *p, unsigned argc, const char *const *argv)
{
    kfree(p->cmdline);
    p->cmdline = NULL;
    p->cmdline_len = 0;
    size_t n = 0;
    for (unsigned i = 0; i < argc; i++)
        n += strlen(argv[i]) + 1;
    if (n > KMEM_MAX)
        n = KMEM_MAX; /* cut: Linux's has no limit, busybox ps shows the start */
    char *o = n ? kmalloc(n) : NULL;
    if (!o)
        return;
    for (size_t i = 0, at = 0; i < argc && at < n; i++) {
        size_t k = strlen(argv[i]) + 1;
        if (k > n - at)
            k = n - at;
        memcpy(o + at, argv[i], k);
        at += k;
    }
    o[n - 1] = '\0';
    p->cmdline = o;
    p->cmdline_len = (uint32_t)n;
}

/* Points p's /proc/PID/exe at its program now. */
static void update_exe_link(struct process *p)
{
    struct ramfs_node *dir;
    size_t len = strlen(p->pid_text);
    uint64_t irq = fs_lock();
    struct ramfs_node *proc = proc_dir();
    if (len && proc && !ramfs_lookup(&rootfs, proc, p->pid_text, len, &dir) && S_ISDIR(dir->mode))
        exe_link(p, dir);
    fs_unlock(irq);
}
