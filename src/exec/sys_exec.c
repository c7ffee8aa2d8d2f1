/* SPDX-License-Identifier: 0BSD */
/*
 * execve (Linux x86-64): the calling process becomes another program: a file of the root file
 * system (its pages mapped, not copied: proc_load.c), through up to 4 "#!" lines, or, for a path
 * the file system lacks, a GRUB module found by the last component of the path ("/bin/lite" and
 * "lite" both name the module "exec lite ..."). The other threads end first (as Linux's
 * de_thread()); the arguments and environment are copied in; the new space is built complete before
 * anything of the old one goes, so a failure (ENOENT, ENOEXEC, E2BIG, ENOMEM, EFAULT) returns to
 * the old program untouched. Then the spaces are swapped, the old one destroyed, and the call
 * returns to the new program's entry with every register cleared, a clean x87/SSE state and FS base
 * 0.
 */
#include <frame64/arch.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/rootfs.h>
#include <frame64/sched.h>
#include <frame64/smp.h>
#include "file.h"
#include <frame64/kprintf.h>
#include "proc_internal.h"
#include "syscall_internal.h"

#define EXEC_STRINGS       (6 * KiB) /* arguments and environment, NULs included (the start stack's) */
#define EXEC_ARGS          256       /* each of argv and envp, at most */
#define PATH_MAX           4096
#define EXEC_SHEBANG_WORDS 8 /* "#!" lines nest 4 deep (Linux), each adding two words */
#define EXEC_SHEBANG_DEPTH 4
#define EXEC_LINE_MAX      256 /* how much of a "#!" line is read: Linux's BINPRM_BUF_SIZE */

/* Per CPU: from the copy-in to the load nothing sleeps, and the kernel is not preempted. */
static struct exec_buf {
    char strings[EXEC_STRINGS];
    const char *ptrs[EXEC_SHEBANG_WORDS + 2 * EXEC_ARGS];
    char path[PATH_MAX];
} bufs[CPU_MAX];

/*
 * Copies the NULL-terminated array of strings at uptr (NULL: none) into b from *used on, their
 * pointers into ptrs. Return: how many, -EFAULT or -E2BIG.
 */
static long copy_strings(struct process *p, struct exec_buf *b, uint64_t uptr, const char **ptrs,
                         size_t *used)
{
    long n = 0;
    for (; uptr; n++) {
        uint64_t s;
        if (copy_from_user(p, &s, uptr + (uint64_t)n * 8, sizeof(s)))
            return -EFAULT;
        if (!s)
            break;
        if (n == EXEC_ARGS)
            return -E2BIG;
        long len = copy_string_from_user(p, b->strings + *used, s, EXEC_STRINGS - *used);
        if (len < 0)
            return len;
        ptrs[n] = b->strings + *used;
        *used += (size_t)len + 1;
    }
    return n;
}

/* Ends the caller's other threads and waits until they are gone. Return: 0, or -EINTR. */
static long be_the_only_thread(struct process *p)
{
    if (__atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE) == 1)
        return 0;
    proc_end_threads(p);
    while (__atomic_load_n(&p->nthreads, __ATOMIC_ACQUIRE) > 1) {
        if (__atomic_load_n(&thread_current()->killed, __ATOMIC_ACQUIRE))
            return -EINTR;
        sched_sleep_until(time_ns() + 1000000);
    }
    return 0;
}

/*
 * A program's bytes: a GRUB module's, or a regular file's first page, held, with the file held
 * (the loader maps the file's pages).
 */
struct exec_image {
    struct proc_image img;
    phys_addr_t head; /* the file's first page, held (PHYS_NONE: none) */
};

static void exec_close(struct exec_image *e)
{
    if (e->head != PHYS_NONE)
        vmspace_env_unhold(proc_env(), e->head);
    if (e->img.file) {
        uint64_t irq = fs_lock();
        ramfs_put(&rootfs, e->img.file);
        fs_unlock(irq);
    }
    *e = (struct exec_image){.head = PHYS_NONE};
}

/*
 * Holds regular file n's first page for the loader, which maps the rest (n's hold moves into e).
 * Return: 0; -ENOEXEC (empty, or a hole where the header should be); -ENOMEM.
 */
static long exec_hold(struct ramfs_node *n, struct exec_image *e)
{
    e->img.file = n;
    uint64_t irq = fs_lock();
    e->img.size = n->size;
    void *page = n->size ? ramfs_page(&rootfs, n, 0, false) : NULL;
    long err = page ? 0 : -ENOEXEC;
    if (page && vmspace_env_hold(proc_env(), virt_to_phys(page)) != K_OK)
        err = -ENOMEM;
    fs_unlock(irq);
    if (err)
        return err;
    e->head = virt_to_phys(page);
    e->img.bytes = page;
    e->img.avail = MIN(e->img.size, PAGE_SIZE);
    return 0;
}

/*
 * The interpreter of a "#!" line in [s, s + n): *interp and *arg (NULL: none) point into dst,
 * where the words are copied. Return: 0, or -ENOEXEC (no interpreter named).
 */
static long shebang(const char *s, size_t n, char *dst, const char **interp, const char **arg)
{
    size_t len = 0;
    while (len < n && len < EXEC_LINE_MAX && s[len] != '\n')
        len++;
    size_t i = 2;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t w = i;
    while (i < len && s[i] != ' ' && s[i] != '\t')
        i++;
    if (i == w)
        return -ENOEXEC;
    memcpy(dst, s + w, i - w);
    dst[i - w] = 0;
    *interp = dst;
    dst += i - w + 1;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t end = len;
    while (end > i && (s[end - 1] == ' ' || s[end - 1] == '\t'))
        end--;
    *arg = NULL;
    if (end > i) { /* the rest of the line, inner blanks kept, is one argument (Linux) */
        memcpy(dst, s + i, end - i);
        dst[end - i] = 0;
        *arg = dst;
    }
    return 0;
}

/*
 * execve's lookup in the file system: b->path, through up to EXEC_SHEBANG_DEPTH "#!" lines,
 * each making its interpreter the program and putting its name, its argument and the script's
 * path before the script's argv[1..] (*args moves down into the room b->ptrs keeps). Return: 1
 * with *img set; 0 when the path names nothing in the file system (the caller tries the GRUB
 * modules); or the negated errno (EACCES: not a regular file with an x bit, ENOEXEC, ELOOP).
 */
static long exec_open(struct process *p, struct exec_buf *b, size_t used, const char ***args,
                      long *argc, struct exec_image *img)
{
    const char *path = b->path;
    *img = (struct exec_image){.head = PHYS_NONE};
    for (unsigned depth = 0;; depth++) {
        struct at_lookup l;
        long err = at_walk(p, AT_FDCWD, path, PATH_FOLLOW, &l);
        if (err)
            return err == -ENOENT && depth == 0 ? 0 : err;
        struct ramfs_node *n = l.r.node;
        if (!S_ISREG(n->mode) || !(n->mode & 0111))
            err = -EACCES;
        else
            ramfs_get(n);
        at_done(&l);
        if (err)
            return err;
        err = exec_hold(n, img); /* n's hold is img's now */
        if (err) {
            exec_close(img);
            return err;
        }
        const char *bytes = img->img.bytes;
        if (img->img.avail < 2 || bytes[0] != '#' || bytes[1] != '!')
            return 1;
        const char *interp, *arg;
        if (depth == EXEC_SHEBANG_DEPTH)
            err = -ELOOP;
        else if (used + 2 * EXEC_LINE_MAX > EXEC_STRINGS)
            err = -E2BIG;
        else
            err = shebang(bytes, img->img.avail, b->strings + used, &interp, &arg);
        exec_close(img);
        if (err)
            return err;
        used += strlen(interp) + 1 + (arg ? strlen(arg) + 1 : 0);
        /* argv[0] gives way to the script's path; the interpreter (and its argument) go first. */
        if (*argc == 0)
            *argc = 1;
        (*args)[0] = path;
        *args -= arg ? 2 : 1;
        *argc += arg ? 2 : 1;
        (*args)[0] = interp;
        if (arg)
            (*args)[1] = arg;
        path = interp;
    }
}

long sys_execve(struct process *p, struct syscall_frame *f, uint64_t upath, uint64_t uargv,
                uint64_t uenvp)
{
    long r = be_the_only_thread(p);
    if (r)
        return r;
    struct exec_buf *b = &bufs[cpu_index()];
    long len = copy_string_from_user(p, b->path, upath, sizeof(b->path));
    if (len < 0)
        return len == -E2BIG ? -ENAMETOOLONG : len;
    size_t used = 0;
    const char **args = b->ptrs + EXEC_SHEBANG_WORDS; /* "#!" lines put words before argv */
    long argc = copy_strings(p, b, uargv, args, &used);
    if (argc < 0)
        return argc;
    const char **envp = args + argc;
    long envc = copy_strings(p, b, uenvp, envp, &used);
    if (envc < 0)
        return envc;
    const char *name = b->path;
    for (const char *c = b->path; *c; c++)
        if (*c == '/')
            name = c + 1;
    struct exec_image img;
    long found = exec_open(p, b, used, &args, &argc, &img);
    if (found < 0)
        return found;
    if (!found && (!*name || !proc_find_module(name, &img.img.bytes, &img.img.size)))
        return -ENOENT;
    if (!found)
        img.img.avail = img.img.size;

    struct vmspace fresh;
    struct proc_start st;
    char why[PROC_WHY_MAX];
    int err = proc_load_space(&fresh, p->pid, &img.img, (unsigned)argc, args, (unsigned)envc, envp,
                              &st, why);
    exec_close(&img);
    if (err != K_OK)
        return err == K_ENOMEM ? -ENOMEM : -ENOEXEC;

    /* The point of no return: the old program is gone from here on. */
    struct thread *t = thread_current();
    uint64_t irq = mm_lock(p);
    struct vmspace old = p->vs;
    p->vs = fresh;
    t->pml4 = p->vs.pml4;
    smp_note_page_tables(t->pml4);
    arch_load_page_tables(t->pml4);
    p->brk_start = p->brk = st.brk;
    p->vdso = st.vdso;
    mm_unlock(p, irq);
    vmspace_destroy(&old);
    size_t n = MIN(strlen(name), sizeof(p->name) - 1);
    memcpy(p->name, name, n);
    p->name[n] = '\0';
    p->last_fault.repeats = 0;
    t->clear_child_tid = t->set_child_tid = 0;
    t->fs_base = 0;
    usermode_set_fs_base(0);
    arch_fpu_init(t->fpu);
    arch_fpu_load(t->fpu);
    fdtable_exec(p->files);
    proc_set_exe(p, b->path);
    proc_set_cmdline(p, (unsigned)argc, args);
    proc_sigs_exec(p); /* handlers are gone with the old program; the mask and pending stay */
    proc_release_vfork(p);
    *f = (struct syscall_frame){.rip = st.entry, .rsp = st.rsp, .rflags = 0x202};
    return 0;
}

/* Frames the files hold: their pages and kmalloc's (nodes, names, open files). */
static uint64_t file_frames(void)
{
    uint64_t pages, objframes, objects;
    fs_frames_held(&pages, &objframes, &objects);
    return pages + objframes;
}

int proc_run_init(const char *path)
{
    struct exec_buf *b = &bufs[cpu_index()];
    size_t len = strlen(path);
    if (len >= sizeof(b->path))
        return K_EINVAL;
    memcpy(b->path, path, len + 1);
    const char **args = b->ptrs + EXEC_SHEBANG_WORDS;
    long argc = 1;
    args[0] = b->path;
    struct frame_stats before, after;
    tty_init(); /* its thread stays: made before the count */
    frame_get_stats(&kernel_frames, &before);
    uint64_t tables = kernel_table_bytes(), files = file_frames();
    struct exec_image img;
    long found = exec_open(NULL, b, 0, &args, &argc, &img);
    if (found <= 0) {
        if (found < 0)
            kprintf("init: %s cannot run: %s\n", path, errno_str((int)found));
        return found ? K_EINVAL : K_ENOENT;
    }
    static const struct proc_options opt = {.terminal = true};
    struct proc_result res;

    const char *name = path;
    for (const char *c = path; *c; c++)
        if (*c == '/')
            name = c + 1;
    int err = proc_run_image(name, &img.img, (unsigned)argc, args, &opt, &res);
    exec_close(&img);
    tty_release();
    if (err != K_OK)
        return err;
    proc_report(name, &res);
    /* What the files now hold is theirs, not a leak; everything else must be back. */
    frame_get_stats(&kernel_frames, &after);
    int64_t kept = (int64_t)file_frames() - (int64_t)files;
    int64_t leaked =
        ((int64_t)(after.in_use - before.in_use) - (int64_t)(kernel_table_bytes() - tables)) /
            (int64_t)PAGE_SIZE -
        kept;
    kprintf("init: frames leaked: %lld (the files hold %lld frames more than before)\n",
            (long long)leaked, (long long)kept);
    if (leaked)
        proc_print_holdings();
    return K_OK;
}
