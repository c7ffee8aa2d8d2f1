/* SPDX-License-Identifier: 0BSD */
/*
 * The root file system (include/frame64/rootfs.h): the ramfs the processes see, its pages from
 * the frame manager (zeroed: a file's hole and a new page must not show an old owner's bytes),
 * its nodes from kmalloc(), its time stamps from the wall clock. At boot it is filled from the
 * initramfs module; an entry that cannot be made (a name under a file, a duplicate) is skipped
 * with a line saying so, as Linux's initramfs unpacker does, and a damaged archive stops the
 * unpacking there, keeping what came before.
 */
#include <frame64/cpio.h>
#include <frame64/error.h>
#include <frame64/errno.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kmalloc.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/process.h>
#include <frame64/rootfs.h>
#include <frame64/vmspace.h>

struct irqlock rootfs_lock = IRQLOCK_INIT("rootfs", LOCK_RANK_FS);
struct ramfs rootfs;

/* The largest share of RAM the files may take (tmpfs's default: half). */
#define ROOTFS_SHARE_DIV 2

static void *page_alloc(void *ctx)
{
    (void)ctx;
    phys_addr_t pa = frame_alloc_zeroed(&kernel_frames);
    return pa == PHYS_NONE ? NULL : phys_to_virt(pa);
}

/* A page some program maps (mmap, exec) is freed by the last of its mappings instead. */
static void page_free(void *ctx, void *page)
{
    (void)ctx;
    phys_addr_t pa = virt_to_phys(page);
    if (vmspace_env_disown(proc_env(), pa))
        frame_free(&kernel_frames, pa);
}

static void *obj_alloc(void *ctx, size_t size)
{
    (void)ctx;
    return kmalloc(size);
}

static void obj_free(void *ctx, void *obj)
{
    (void)ctx;
    kfree(obj);
}

static int64_t now_ns(void *ctx)
{
    (void)ctx;
    return (int64_t)wallclock_ns();
}

static const struct ramfs_ops ops = {page_alloc, page_free, obj_alloc, obj_free, now_ns};

/* The directory a path's parent names, made along the way if missing (mode 0755). */
static int parent_of(const char *path, struct path_result *r)
{
    struct path_ctx c = {.fs = &rootfs, .root = rootfs.root, .cwd = rootfs.root};
    return path_walk(&c, path, PATH_PARENT, r);
}

/* One archive entry into the tree. Return: 0 or the negated errno. */
static int unpack_one(const struct cpio_entry *e)
{
    const char *name = e->name;
    while (*name == '/')
        name++;
    if (!strcmp(name, ".") || !*name)
        return 0;
    struct path_result r;
    int err = parent_of(name, &r);
    if (err)
        return err;
    uint32_t type = e->mode & S_IFMT, perm = e->mode & 07777;
    if (r.node) {
        /* A directory listed twice is fine; anything else replaces nothing (Linux unlinks). */
        if (type == S_IFDIR && S_ISDIR(r.node->mode))
            return 0;
        if (S_ISDIR(r.node->mode))
            return -EEXIST;
        if ((err = ramfs_unlink(&rootfs, r.dir, r.last, r.last_len)))
            return err;
    }
    if (type == S_IFLNK) {
        char target[RAMFS_LINK_MAX + 1];
        if (e->size > RAMFS_LINK_MAX)
            return -ENAMETOOLONG;
        memcpy(target, e->data, e->size);
        target[e->size] = 0;
        int made = ramfs_symlink(&rootfs, r.dir, r.last, r.last_len, target);
        struct ramfs_node *l;
        if (!made && !ramfs_lookup(&rootfs, r.dir, r.last, r.last_len, &l))
            l->mtime_ns = l->atime_ns = (int64_t)e->mtime * 1000000000;
        return made;
    }
    uint32_t rdev = (e->rdev_major << 8) | (e->rdev_minor & 0xff);
    struct ramfs_node *n;
    if (type != S_IFREG && type != S_IFDIR && type != S_IFCHR && type != S_IFBLK && type != S_IFIFO)
        return -EINVAL;
    if ((err = ramfs_create(&rootfs, r.dir, r.last, r.last_len, type | perm, rdev, &n)))
        return err;
    n->uid = e->uid;
    n->gid = e->gid;
    if (type == S_IFREG && e->size) {
        long w = ramfs_write(&rootfs, n, 0, e->data, e->size);
        if (w != (long)e->size)
            return w < 0 ? (int)w : -ENOSPC;
    }
    n->mtime_ns = n->atime_ns = (int64_t)e->mtime * 1000000000; /* after the write, as Linux */
    return 0;
}

/* Makes path (a directory, or a device node when rdev) unless something is there already. */
static void ensure(const char *path, uint32_t mode, uint32_t rdev)
{
    struct path_result r;
    if (parent_of(path, &r) || r.node)
        return;
    ramfs_create(&rootfs, r.dir, r.last, r.last_len, mode, rdev, NULL);
}

/* Directories get the archive's time stamps last: making their entries changed them (Linux's
 * initramfs unpacker defers them the same way). */
static void dir_times(const void *image, size_t size)
{
    struct cpio_entry e;
    size_t at = 0, before;
    char err[CPIO_ERR_SIZE];
    int r;
    do {
        before = at;
        while ((r = cpio_next(image, size, &at, &e, err, sizeof(err))) > 0) {
            struct path_result pr;
            if ((e.mode & S_IFMT) == S_IFDIR && !parent_of(e.name, &pr) && pr.node &&
                S_ISDIR(pr.node->mode))
                pr.node->mtime_ns = (int64_t)e.mtime * 1000000000;
        }
    } while (r == 0 && at < size && at != before);
}

/* /proc's own files, whose bytes src/exec/procfs.c writes when they are opened; /proc/self. */
static void proc_nodes(void)
{
    static const struct {
        const char *path;
        uint32_t dyn;
    } files[] = {{"/proc/meminfo", ROOTFS_DYN_MEMINFO}, {"/proc/frames", ROOTFS_DYN_FRAMES}};
    struct path_result r;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        struct ramfs_node *n;
        if (parent_of(files[i].path, &r) || r.node ||
            ramfs_create(&rootfs, r.dir, r.last, r.last_len, S_IFREG | 0444, 0, &n))
            continue;
        n->dyn = files[i].dyn;
    }
    struct ramfs_node *self;
    if (!parent_of("/proc/self", &r) && !r.node &&
        !ramfs_symlink(&rootfs, r.dir, r.last, r.last_len, "/") &&
        !ramfs_lookup(&rootfs, r.dir, r.last, r.last_len, &self))
        self->dyn = ROOTFS_DYN_SELF;
}

/*
 * Unpacks every archive in the module: like Linux, archives may follow one another (each with
 * its trailer), as when a second archive adds device nodes.
 */
static void unpack(const void *image, size_t size)
{
    struct cpio_entry e;
    size_t at = 0, before;
    char err[CPIO_ERR_SIZE];
    unsigned files = 0, skipped = 0;
    int r;
    do {
        before = at;
        while ((r = cpio_next(image, size, &at, &e, err, sizeof(err))) > 0) {
            int made = unpack_one(&e);
            if (made && skipped++ < 8)
                kprintf("initramfs: skipped \"%s\": %s\n", e.name, errno_str(made));
            files += !made;
        }
    } while (r == 0 && at < size && at != before);
    if (r < 0)
        kprintf("initramfs: stopped: %s\n", err);
    dir_times(image, size);
    char bytes[16];
    kformat_size(bytes, sizeof(bytes), (rootfs.data_pages + rootfs.index_pages) * RAMFS_PAGE);
    kprintf("initramfs: %u entries, %s in %llu frames%s\n", files, bytes,
            (unsigned long long)(rootfs.data_pages + rootfs.index_pages),
            skipped ? " (some skipped)" : "");
}

int rootfs_init(void)
{
    struct frame_stats s;
    frame_get_stats(&kernel_frames, &s);
    uint64_t irq = fs_lock();
    int err = ramfs_init(&rootfs, &ops, NULL, s.total / PAGE_SIZE / ROOTFS_SHARE_DIV);
    if (err) {
        fs_unlock(irq);
        kprintf("rootfs: no memory for the root directory\n");
        return K_ENOMEM;
    }
    struct mb2_module m;
    uint32_t cursor;
    mb2_for_each_module(&boot_info, cursor, &m)
    {
        if (strncmp(m.string, "initramfs", 9) || (m.string[9] != ' ' && m.string[9] != 0))
            continue;
        unpack(phys_to_virt(m.start), m.end - m.start);
    }
    ensure("/dev", S_IFDIR | 0755, 0);
    ensure("/dev/null", S_IFCHR | 0666, DEV_NULL);
    ensure("/dev/zero", S_IFCHR | 0666, DEV_ZERO);
    ensure("/dev/urandom", S_IFCHR | 0666, DEV_URANDOM);
    ensure("/dev/tty", S_IFCHR | 0666, DEV_TTY);
    ensure("/dev/console", S_IFCHR | 0600, DEV_CONSOLE);
    ensure("/tmp", S_IFDIR | 01777, 0);
    ensure("/proc", S_IFDIR | 0555, 0);
    proc_nodes();
    fs_unlock(irq);
    return K_OK;
}
