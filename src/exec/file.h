/* SPDX-License-Identifier: 0BSD */
/*
 * Open files and file-descriptor tables, shared by the file system calls of src/exec (file.c:
 * open file descriptions and what each kind of file does; fdtable.c: descriptor tables;
 * sys_file.c: calls on descriptors; sys_path.c: calls on paths; pipe.c: pipes). Not an API.
 *
 * An open file description (struct file) is what open() makes and dup() and fork() share: its
 * offset and status flags, and a hold on its node. A process's descriptors are slots of its
 * table pointing at descriptions; every slot and every call in progress holds a reference, so a
 * close() in one thread while another reads leaves the read a valid file.
 */
#ifndef FRAME64_EXEC_FILE_H
#define FRAME64_EXEC_FILE_H

#include <frame64/process.h>
#include <frame64/fspath.h>
#include <frame64/ramfs.h>
#include <frame64/rootfs.h>

/* open()'s flags (Linux x86-64). */
#define O_ACCMODE   03
#define O_RDONLY    0
#define O_WRONLY    01
#define O_RDWR      02
#define O_CREAT     0100
#define O_EXCL      0200
#define O_NOCTTY    0400
#define O_TRUNC     01000
#define O_APPEND    02000
#define O_NONBLOCK  04000
#define O_LARGEFILE 0100000
#define O_DIRECTORY 0200000
#define O_NOFOLLOW  0400000
#define O_CLOEXEC   02000000
#define O_PATH      010000000
#define O_TMPFILE   020000000

#define AT_FDCWD            (-100)
#define AT_SYMLINK_NOFOLLOW 0x100
#define AT_REMOVEDIR        0x200
#define AT_SYMLINK_FOLLOW   0x400
#define AT_EMPTY_PATH       0x1000

#define FD_MAX 1024 /* RLIMIT_NOFILE's soft default, and the table's size */

struct file;

/* What a kind of file does; a NULL member is the usual refusal (see file.c). */
struct file_ops {
    /* Reads into user buf at *pos (moved on for seekable files). Return: bytes, or -errno. */
    long (*read)(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos);
    long (*write)(struct file *f, struct process *p, uint64_t buf, uint64_t n, uint64_t *pos);
    long (*ioctl)(struct file *f, struct process *p, unsigned long cmd, uint64_t arg);
    /* poll()'s revents for events now (NULL: always readable and writable). */
    unsigned (*poll)(struct file *f, unsigned events);
    void (*release)(struct file *f); /* the last reference went */
    bool seekable;
};

struct file {
    uint32_t refs;  /* atomic */
    uint32_t flags; /* O_ACCMODE and the status flags (O_APPEND, O_NONBLOCK) */
    const struct file_ops *ops;
    struct ramfs_node *node; /* held while open (NULL: a pipe) */
    uint64_t pos;            /* under the file system's lock */
    void *priv;              /* the kind's own (a pipe's end) */
};

/* poll()'s events (Linux's values). */
#define POLLIN   0x001
#define POLLPRI  0x002
#define POLLOUT  0x004
#define POLLERR  0x008
#define POLLHUP  0x010
#define POLLNVAL 0x020
/* Something a poll() may wait for changed (a pipe, the terminal): the pollers look again. */
void poll_wake(void);
/* pipe2(2) (pipe(2) is flags 0). */
long sys_pipe2(struct process *p, uint64_t ufds, long flags);
/* open() of FIFO node: its pipe, waiting for the other end as Linux does. Return: 0, -errno. */
long fifo_open(struct ramfs_node *node, uint32_t flags, struct file **out);

/* A new description of node (held here: ramfs_get()) or of nothing. Return: it, or NULL. */
struct file *file_new(const struct file_ops *ops, uint32_t flags, struct ramfs_node *node);
void file_get(struct file *f);
void file_put(struct file *f);
/* The description open() makes for node with flags (the kind from its type and device). */
long file_open_node(struct ramfs_node *node, uint32_t flags, struct file **out);
/* The console's description (what a process the kernel starts has as 0, 1 and 2). */
struct file *file_console(void);

/* The console terminal (tty.c): its kind of file, started for a session leader, given back. */
extern const struct file_ops tty_ops;
void tty_start(struct process *p);
/* Makes the terminal's input thread and state once (tty_start() does it if needed). */
void tty_init(void);
void tty_release(void);

/* procfs.c: a /proc file's description, its bytes written now; the target of a /proc link. */
long procfs_open(struct ramfs_node *node, uint32_t flags, struct file **out);
const char *procfs_link_target(void *ctx, const struct ramfs_node *n);
/* The working directory's path at the end of buf (PATH_MAX_LEN bytes). Return: where it starts,
 * or -ENOENT (removed), -ENAMETOOLONG. */
long cwd_path(struct process *p, char *buf);
/* What the files hold: data and index pages, and kmalloc's frames and objects (nodes, names,
 * open files). */
void fs_frames_held(uint64_t *pages, uint64_t *objframes, uint64_t *objects);
/* Sets the program path /proc/self/exe names (made absolute, copied; NULL: none). */
void proc_set_exe(struct process *p, const char *path);
/* Sets what /proc/PID/cmdline gives: argv[0..argc), each with its NUL (copied, cut at 2 KiB). */
void proc_set_cmdline(struct process *p, unsigned argc, const char *const *argv);
/* fork(): the parent's. */
void proc_set_cmdline_copy(struct process *p, const struct process *from);
/* Makes p's /proc/PID (when it starts) and removes it (when its last thread ends). */
void procfs_add(struct process *p);
void procfs_remove(struct process *p);

/*
 * filemap.c: holds and places pages [first, first + pages) of regular file n at va of vs, in an
 * area made for them (vmspace_place()), up to the file's end; a hole is left to the area (a
 * private mapping's demand-zero page) unless create, which makes it in the file (a shared
 * mapping). Takes the file system's lock. Return: 0, or -ENOMEM (what was placed stays: the
 * caller unmaps the area).
 */
struct vmspace;
long file_place_pages(struct vmspace *vs, struct ramfs_node *n, uint64_t va, uint64_t pages,
                      uint64_t first, bool create);

/* A table of descriptors, shared by a process's threads. */
struct fdtable;
/* A table with 0, 1 and 2 on the console (the terminal if tty). Return: it, or NULL. */
struct fdtable *fdtable_new_console(bool tty);
/* fork(): a copy sharing every description. Return: it, or NULL. */
struct fdtable *fdtable_copy(struct fdtable *t);
/* Drops the table (its process ended): every descriptor is closed. */
void fdtable_put(struct fdtable *t);
/* execve(): closes the descriptors marked close-on-exec. */
void fdtable_exec(struct fdtable *t);

/* The description behind fd, referenced (file_put() it). Return: it, or NULL (-EBADF). */
struct file *fd_get(struct process *p, long fd);
/* The lowest free descriptor >= min for f (its reference moves in). Return: it, -EMFILE, -EINVAL.
 */
long fd_install(struct process *p, struct file *f, long min, bool cloexec);
/* dup2/dup3's core: newfd names oldfd's description (closing what it named). */
long fd_dup_to(struct process *p, long oldfd, long newfd, bool cloexec);
long fd_close(struct process *p, long fd);
/* F_GETFD / F_SETFD. Return: the flag, 0, or -EBADF. */
long fd_cloexec(struct process *p, long fd, int set);

/* The process's working directory and root for path lookups. */
struct path_ctx proc_path_ctx(struct process *p);
/* Sets up a new process's files (console, or a copy of parent's) and working directory. */
int proc_files_init(struct process *p, struct process *parent);
/* Releases them (the process ended, or never ran). */
void proc_files_release(struct process *p);

/* A path lookup relative to a directory descriptor, under the file system's lock. */
struct at_lookup {
    struct path_result r;
    struct ramfs_node *hold; /* the directory dirfd named, held during the lookup */
    uint64_t irq;
};
/*
 * Looks path up from dirfd (AT_FDCWD: the working directory) with path_walk()'s flags. Return:
 * 0 with the fs lock held and l->r set (end with at_done()), or the negated errno (not held).
 */
long at_walk(struct process *p, long dirfd, const char *path, unsigned flags, struct at_lookup *l)
    TRY_ACQUIRE(0, rootfs_lock);
void at_done(struct at_lookup *l) RELEASE(rootfs_lock);
/*
 * path_get() and at_walk() in one: the user path upath looked up from dirfd. With keep, the copy
 * stays for the caller (l->r.last points into it: path_put() it after at_done()).
 */
long at_walk_user(struct process *p, long dirfd, uint64_t upath, unsigned flags,
                  struct at_lookup *l, char **keep) TRY_ACQUIRE(0, rootfs_lock);
/* A user path copied into a frame of its own. Return: it (path_put() it), or NULL with *err. */
char *path_get(struct process *p, uint64_t upath, long *err);
void path_put(char *path);
/* fstat's struct stat for f, to user ubuf. Return: 0, -EFAULT. */
long fs_stat_file(struct process *p, struct file *f, uint64_t ubuf);
/* sys_namei.c's calls. Return: the result, or SYSCALL_UNKNOWN. */
long dispatch_namei(struct process *p, const struct syscall_frame *f);

/* Copy-in of a path (at most PATH_MAX_LEN with its NUL). Return: its length, -EFAULT,
 * -ENAMETOOLONG. */
long copy_path(struct process *p, char *dst, uint64_t src);

#endif
