/* SPDX-License-Identifier: 0BSD */
/*
 * execve (Linux x86-64): the calling process becomes another program. Until a file system exists
 * the program is a GRUB module, found by the last component of the path ("/bin/lite" and "lite"
 * both name the module "exec lite ..."). The other threads end first (as Linux's de_thread());
 * the arguments and environment are copied in; the new space is built complete before anything
 * of the old one goes, so a failure (ENOENT, ENOEXEC, E2BIG, ENOMEM, EFAULT) returns to the old
 * program untouched. Then the spaces are swapped, the old one destroyed, and the call returns
 * to the new program's entry with every register cleared, a clean x87/SSE state and FS base 0.
 */
#include <frame64/arch.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>
#include <frame64/sched.h>
#include <frame64/smp.h>
#include "proc_internal.h"
#include "syscall_internal.h"

#define EXEC_STRINGS (6 * KiB) /* arguments and environment, NULs included (the start stack's) */
#define EXEC_ARGS    256       /* each of argv and envp, at most */
#define PATH_MAX     4096
#define E2BIG        7
#define ENOENT       2
#define ENOEXEC      8
#define ENAMETOOLONG 36

/* Per CPU: from the copy-in to the load nothing sleeps, and the kernel is not preempted. */
static struct exec_buf {
    char strings[EXEC_STRINGS];
    const char *ptrs[2 * EXEC_ARGS];
    char path[PATH_MAX];
} bufs[CPU_MAX];

/*
 * Copies the NUL-terminated string at src into dst (at most max bytes with its NUL), a page's
 * worth at a time. Return: its length, -EFAULT, or -E2BIG when it does not fit.
 */
static long copy_string(struct process *p, char *dst, uint64_t src, size_t max)
{
    size_t done = 0;
    while (done < max) {
        size_t n = MIN(max - done, PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1)));
        if (copy_from_user(p, dst + done, src + done, n))
            return -EFAULT;
        for (size_t i = 0; i < n; i++)
            if (!dst[done + i])
                return (long)(done + i);
        done += n;
    }
    return -E2BIG;
}

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
        long len = copy_string(p, b->strings + *used, s, EXEC_STRINGS - *used);
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

long sys_execve(struct process *p, struct syscall_frame *f, uint64_t upath, uint64_t uargv,
                uint64_t uenvp)
{
    long r = be_the_only_thread(p);
    if (r)
        return r;
    struct exec_buf *b = &bufs[cpu_index()];
    long len = copy_string(p, b->path, upath, sizeof(b->path));
    if (len < 0)
        return len == -E2BIG ? -ENAMETOOLONG : len;
    size_t used = 0;
    long argc = copy_strings(p, b, uargv, b->ptrs, &used);
    if (argc < 0)
        return argc;
    long envc = copy_strings(p, b, uenvp, b->ptrs + argc, &used);
    if (envc < 0)
        return envc;
    const char *name = b->path;
    for (const char *c = b->path; *c; c++)
        if (*c == '/')
            name = c + 1;
    const void *image;
    size_t size;
    if (!*name || !proc_find_module(name, &image, &size))
        return -ENOENT;

    struct vmspace fresh;
    struct proc_start st;
    char why[PROC_WHY_MAX];
    int err = proc_load_space(&fresh, p->pid, image, size, (unsigned)argc, b->ptrs, (unsigned)envc,
                              b->ptrs + argc, &st, why);
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
    proc_sigs_exec(p); /* handlers are gone with the old program; the mask and pending stay */
    proc_release_vfork(p);
    *f = (struct syscall_frame){.rip = st.entry, .rsp = st.rsp, .rflags = 0x202};
    return 0;
}
