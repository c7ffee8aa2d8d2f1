/* SPDX-License-Identifier: 0BSD */
/*
 * fork, vfork and clone for new processes and threads (Linux x86-64 semantics). The child is a new
 * process whose space is the parent's, copy-on-write (vmspace_fork()): its thread starts in ring 3
 * where the parent's system call returns, with the parent's registers, x87/SSE state and FS base,
 * and 0 in rax. vfork (and clone with CLONE_VFORK) parks the parent until the child execs or ends;
 * the child has a copy-on-write copy rather than the parent's very memory, which every program
 * that keeps vfork's rules (exec or _exit, nothing else) cannot tell apart, and which makes
 * CLONE_VM | CLONE_VFORK (musl's posix_spawn) safe as well.
 */
#include <frame64/arch.h>
#include <frame64/kstring.h>
#include <frame64/sched.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

#define CSIGNAL              0xffu
#define CLONE_VM             0x100u
#define CLONE_FS             0x200u
#define CLONE_FILES          0x400u
#define CLONE_SIGHAND        0x800u
#define CLONE_VFORK          0x4000u
#define CLONE_THREAD         0x10000u
#define CLONE_SYSVSEM        0x40000u
#define CLONE_SETTLS         0x80000u
#define CLONE_PARENT_SETTID  0x100000u
#define CLONE_CHILD_CLEARTID 0x200000u
#define CLONE_DETACHED       0x400000u
#define CLONE_CHILD_SETTID   0x1000000u
#define CLONE_IO             0x80000000u
/* What a new process may ask for: the rest (namespaces, pidfd, ptrace, parent) is refused. */
#define CLONE_PROCESS_FLAGS                                                                        \
    (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_VFORK | CLONE_SYSVSEM | CLONE_SETTLS |    \
     CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID | CLONE_IO)

void proc_fork_main(void *arg)
{
    struct process *p = arg;
    struct thread *t = thread_current();
    if (t->set_child_tid) {
        int32_t tid = (int32_t)t->utid;
        copy_to_user(p, t->set_child_tid, &tid, sizeof(tid)); /* a bad address is ignored */
    }
    usermode_enter_frame(&t->kctx, t->trap_top, &t->start); /* until proc_exit() */
    proc_thread_end();
}

/*
 * What a new thread (of a new process or of p itself) starts with: the caller's registers with
 * 0 in rax, on stack if given, the caller's x87/SSE state, its TLS (or tls), the clone flags'
 * thread-ID words. id is the new thread's or process's ID, written for CLONE_PARENT_SETTID.
 */
static void start_like_caller(struct process *p, struct thread *t, const struct syscall_frame *f,
                              uint64_t flags, uint64_t stack, uint64_t parent_tid,
                              uint64_t child_tid, uint64_t tls, long id)
{
    t->start = *f;
    t->start.rax = 0;
    if (stack)
        t->start.rsp = stack;
    arch_fpu_save(t->fpu); /* the caller's own, live in the registers (the kernel uses none) */
    t->fs_base = flags & CLONE_SETTLS ? tls : usermode_fs_base();
    if (flags & CLONE_CHILD_SETTID)
        t->set_child_tid = child_tid;
    if (flags & CLONE_CHILD_CLEARTID)
        t->clear_child_tid = child_tid;
    if (flags & CLONE_PARENT_SETTID) {
        int32_t v = (int32_t)id;
        copy_to_user(p, parent_tid, &v, sizeof(v)); /* Linux ignores a bad address here too */
    }
}

/* Parks the parent until its vfork child has execed or ended (or the parent is killed). */
static void wait_for_vfork(struct process *child)
{
    while (__atomic_load_n(&child->vfork_parent, __ATOMIC_ACQUIRE) &&
           !__atomic_load_n(&thread_current()->killed, __ATOMIC_ACQUIRE))
        park();
}

static long do_fork(struct process *p, const struct syscall_frame *f, uint64_t flags,
                    uint64_t stack, uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
    int err;
    if ((flags & CLONE_SETTLS) && tls >= VMSPACE_USER_END)
        return -EPERM;
    struct process *c = proc_alloc(p->name, p, &err);
    if (!c)
        return err == K_EAGAIN ? -EAGAIN : -ENOMEM;
    /*
     * Killed before the child was in the table (a group kill looked for it there, under the
     * table lock proc_alloc() took since): no child, or it would outlive the kill.
     */
    if (__atomic_load_n(&thread_current()->killed, __ATOMIC_ACQUIRE)) {
        proc_discard(c);
        return -EINTR;
    }
    memcpy(c->rlimit, p->rlimit, sizeof(c->rlimit));
    c->brk_start = p->brk_start;
    c->brk = p->brk;
    c->vdso = p->vdso;
    c->opt = p->opt;
    struct thread *t = NULL;
    if (proc_files_init(c, p) != K_OK || vmspace_create(&c->vs, proc_env()) != K_OK) {
        proc_discard(c);
        return -ENOMEM;
    }
    uint64_t irq = mm_lock(p);
    err = vmspace_fork(&c->vs, &p->vs);
    mm_unlock(p, irq);
    if (err != K_OK || !(t = proc_new_thread(c, proc_fork_main))) {
        vmspace_destroy(&c->vs);
        proc_discard(c);
        return -ENOMEM;
    }
    long pid = c->pid;
    proc_sigs_fork(c, t, p); /* dispositions, mask and alternate stack; nothing pending */
    start_like_caller(p, t, f, flags, stack, parent_tid, child_tid, tls, pid);
    if (flags & CLONE_VFORK)
        c->vfork_parent = thread_current();
    thread_start(t, cpu_index(), false);
    if (flags & CLONE_VFORK)
        wait_for_vfork(c);
    return pid;
}

long sys_fork(struct process *p, const struct syscall_frame *f, bool vfork)
{
    return do_fork(p, f, vfork ? CLONE_VFORK : 0, 0, 0, 0, 0);
}

/*
 * A new thread of p (CLONE_VM | CLONE_THREAD): it shares the space and starts where the caller's
 * clone returns, on stack, with 0 in rax and its own TLS.
 */
static long new_thread(struct process *p, const struct syscall_frame *f, uint64_t flags,
                       uint64_t stack, uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
    if ((flags & CLONE_SETTLS) && tls >= VMSPACE_USER_END)
        return -EPERM;
    if (proc_count() + thread_count() >= 2 * proc_max())
        return -EAGAIN; /* threads take kernel stacks as processes do */
    struct thread *t = proc_new_thread(p, proc_fork_main);
    if (!t)
        return -ENOMEM;
    long tid = t->utid;
    t->sig_mask = thread_current()->sig_mask; /* the creator's mask; no alternate stack */
    start_like_caller(p, t, f, flags, stack, parent_tid, child_tid, tls, tid);
    thread_start(t, cpu_index(), false);
    return tid;
}

long sys_clone(struct process *p, const struct syscall_frame *f, uint64_t flags, uint64_t stack,
               uint64_t parent_tid, uint64_t child_tid, uint64_t tls)
{
    if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
        return -EINVAL; /* Linux: a thread shares its signal handlers */
    if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
        return -EINVAL; /* and handlers need the memory they are in */
    if (flags & ~(uint64_t)(CLONE_PROCESS_FLAGS | CLONE_SIGHAND | CLONE_THREAD))
        return -EINVAL;
    if (flags & CLONE_THREAD)
        return new_thread(p, f, flags, stack, parent_tid, child_tid, tls);
    if ((flags & CLONE_VM) && !(flags & CLONE_VFORK))
        return -EINVAL; /* a second process sharing this one's memory: not supported */
    return do_fork(p, f, flags, stack, parent_tid, child_tid, tls);
}
