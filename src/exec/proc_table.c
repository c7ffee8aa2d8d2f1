/* SPDX-License-Identifier: 0BSD */
/*
 * The process table (include/frame64/process.h): process IDs, parents and children, the end of a
 * process and who frees it, wait4() and kill().
 *
 * A process ends when its last thread does; that thread destroys the address space itself (every
 * frame of it back at once), makes the process a zombie and hands it to whoever will free the
 * rest (its frame and that thread's stack): its parent's wait4(), proc_run()'s caller, or, for a
 * process nobody waits for (its parent ended first), the thread itself just before it ends.
 * Children of a process that ends lose their parent (there is no init to adopt them); zombies
 * among them are freed there and then.
 *
 * Locks: the table lock, then a process's own lock, then the scheduler's (unpark). Everything
 * here runs with interrupts off (system calls, the exit path), so holding the table lock never
 * meets a switch.
 */
#include <frame64/error.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/layout.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/process.h>
#include <frame64/sched.h>
#include "file.h"
#include "proc_internal.h"
#include "syscall_internal.h"

static struct irqlock table_lock = IRQLOCK_INIT("process table", LOCK_RANK_PROC_TABLE);
static struct process *all GUARDED_BY(table_lock);
static unsigned nprocs GUARDED_BY(table_lock);
static unsigned last_pid GUARDED_BY(table_lock);

_Static_assert(sizeof(struct process) <= PAGE_SIZE, "a process must fit its frame");

unsigned proc_max(void)
{
    /*
     * Linux's threads-max: kernel stacks may take at most an eighth of RAM (RAM / 32 pages for
     * 16 KiB stacks); and the kernel-stack area's slots, less some for the kernel's own.
     */
    struct frame_stats st;
    frame_get_stats(&kernel_frames, &st);
    uint64_t by_ram = st.total / PAGE_SIZE / 32, by_slots = KSTACK_SLOTS - 64;
    uint64_t n = by_ram < by_slots ? by_ram : by_slots;
    return n < 16 ? 16 : (unsigned)n;
}

/* Whether pid is a process's, a process group's or a thread's ID now. */
static bool pid_in_use(unsigned pid) REQUIRES(table_lock)
{
    for (struct process *p = all; p; p = p->next_all) {
        if (p->pid == pid || p->pgid == pid)
            return true;
        uint64_t irq = irqlock_acquire(&p->lock);
        bool thread = false;
        for (struct thread *t = p->threads; t && !thread; t = t->proc_next)
            thread = t->utid == pid;
        irqlock_release(&p->lock, irq);
        if (thread)
            return true;
    }
    return false;
}

static unsigned next_free_pid(void) REQUIRES(table_lock)
{
    do
        last_pid = last_pid >= PROC_PID_MAX ? 1 : last_pid + 1;
    while (pid_in_use(last_pid));
    return last_pid;
}

unsigned proc_alloc_tid(void)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    unsigned tid = next_free_pid();
    irqlock_release(&table_lock, irq);
    return tid;
}

struct process *proc_alloc(const char *name, struct process *parent, int *err)
{
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE) {
        *err = K_ENOMEM;
        return NULL;
    }
    struct process *p = phys_to_virt(pa);
    memset(p, 0, PAGE_SIZE); /* the whole frame, not only *p: see kstack_create() */
    if (proc_sigs_alloc(p) != K_OK) {
        frame_free(&kernel_frames, pa);
        *err = K_ENOMEM;
        return NULL;
    }
    size_t n = strlen(name);
    n = n < sizeof(p->name) - 1 ? n : sizeof(p->name) - 1;
    memcpy(p->name, name, n);
    p->lock = (struct irqlock)IRQLOCK_INIT("process", LOCK_RANK_PROC);
    p->mm_lock = (struct irqlock)IRQLOCK_INIT("address space", LOCK_RANK_MM);
    waitq_init(&p->child_wait);
    p->res = &p->own;
    p->start_ns = time_ns();
    unsigned max = proc_max();
    uint64_t irq = irqlock_acquire(&table_lock);
    if (nprocs >= max) {
        irqlock_release(&table_lock, irq);
        proc_sigs_free(p);
        frame_free(&kernel_frames, pa);
        *err = K_EAGAIN;
        return NULL;
    }
    p->pid = next_free_pid();
    p->pgid = parent ? parent->pgid : p->pid;
    p->sid = parent ? parent->sid : p->pid;
    p->parent = parent;
    if (parent) {
        p->sibling = parent->children;
        parent->children = p;
    }
    p->next_all = all;
    all = p;
    nprocs++;
    irqlock_release(&table_lock, irq);
    *err = K_OK;
    return p;
}

/* Takes p out of the table and its parent's children. */
static void unlink(struct process *p) REQUIRES(table_lock)
{
    for (struct process **l = &all; *l; l = &(*l)->next_all) {
        if (*l == p) {
            *l = p->next_all;
            break;
        }
    }
    if (p->parent) {
        for (struct process **l = &p->parent->children; *l; l = &(*l)->sibling) {
            if (*l == p) {
                *l = p->sibling;
                break;
            }
        }
    }
    nprocs--;
}

/* Frees a zombie's last thread (waiting for it to leave its CPU) and its frame. */
static void free_zombie(struct process *p)
{
    if (p->last)
        thread_reap(p->last);
    proc_sigs_free(p);
    frame_free(&kernel_frames, virt_to_phys(p));
}

void proc_discard(struct process *p)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    unlink(p);
    irqlock_release(&table_lock, irq);
    proc_files_release(p); /* a process that never ran still holds its descriptors */
    free_zombie(p);
}

void proc_add_thread(struct process *p, struct thread *t)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    /*
     * A thread joining a process that is being killed or is in exit_group ends with it: the kill
     * (proc_end_threads(), under this lock) may have looked at the threads before this one came.
     */
    if (p->kill_signal || p->group_exit)
        __atomic_store_n(&t->killed, 1, __ATOMIC_RELEASE);
    t->proc = p;
    t->proc_next = p->threads;
    p->threads = t;
    p->nthreads++;
    irqlock_release(&p->lock, irq);
}

/* Takes t out of p's threads. Return: whether it was the last. */
static bool remove_thread(struct process *p, struct thread *t)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    for (struct thread **l = &p->threads; *l; l = &(*l)->proc_next) {
        if (*l == t) {
            *l = t->proc_next;
            break;
        }
    }
    bool last = --p->nthreads == 0;
    p->ended_cpu_ns += thread_cpu_ns(t);
    irqlock_release(&p->lock, irq);
    return last;
}

uint64_t proc_cpu_ns(struct process *p)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    uint64_t ns = p->ended_cpu_ns;
    for (struct thread *t = p->threads; t; t = t->proc_next)
        ns += thread_cpu_ns(t);
    irqlock_release(&p->lock, irq);
    return ns;
}

void proc_thread_end(void)
{
    struct thread *t = thread_current();
    struct process *p = t->proc;
    arch_irq_disable();
    if (t->clear_child_tid && __atomic_load_n(&p->nthreads, __ATOMIC_RELAXED) > 1) {
        /* CLONE_CHILD_CLEARTID: pthread_join() waits for this word to become 0 */
        uint32_t zero = 0;
        if (copy_to_user(p, t->clear_child_tid, &zero, sizeof(zero)) == 0)
            futex_wake(p, t->clear_child_tid, 1, false, 0xffffffffu);
    }
    if (!remove_thread(p, t))
        thread_exit(); /* the others go on; the scheduler frees this one */
    proc_unload(p, t);
    struct process *orphans = NULL;
    uint64_t irq = irqlock_acquire(&table_lock);
    p->state = PROC_ZOMBIE;
    p->last = t;
    for (struct process *c = p->children, *next; c; c = next) {
        next = c->sibling;
        c->parent = NULL;
        c->sibling = NULL;
        if (c->state == PROC_ZOMBIE) {
            unlink(c);
            c->sibling = orphans;
            orphans = c;
        }
    }
    p->children = NULL;
    bool waited = p->parent || p->waiter;
    struct thread *vfork_parent = p->vfork_parent, *waiter = p->waiter;
    p->vfork_parent = NULL;
    t->joinable = waited;
    if (p->parent) {
        int ws = p->wait_status;
        struct sig_info info = {.code = (ws & 0x7F) ? CLD_KILLED : CLD_EXITED,
                                .pid = p->pid,
                                .status = (ws & 0x7F) ? ws & 0x7F : (ws >> 8) & 0xFF};
        proc_send_signal(p->parent, SIGCHLD, &info); /* ignored unless it has a handler */
        waitq_wake_all(&p->parent->child_wait);
    } else if (!waiter)
        unlink(p);
    if (vfork_parent)
        unpark(vfork_parent);
    irqlock_release(&table_lock, irq);
    while (orphans) {
        struct process *c = orphans;
        orphans = c->sibling;
        free_zombie(c);
    }
    if (p->report)
        proc_report(p->name, p->res);
    if (waiter) {
        __atomic_store_n(&p->done, 1, __ATOMIC_RELEASE); /* p may be gone after this */
        unpark(waiter);
    } else if (!waited) {
        proc_sigs_free(p);
        frame_free(&kernel_frames, virt_to_phys(p)); /* nobody will wait: t is freed on its own */
    }
    thread_exit();
}

/* Whether child c is one wait4(pid) of a process in group pgid asks about. */
static bool wanted(const struct process *c, long pid, unsigned pgid)
{
    if (pid > 0)
        return c->pid == (unsigned long)pid;
    if (pid == -1)
        return true;
    return c->pgid == (pid == 0 ? pgid : (unsigned long)-pid);
}

void proc_tell_parent(struct process *p, int code, int sig)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    struct process *parent = p->parent;
    if (parent) {
        p->stop_report = code == CLD_STOPPED ? PROC_REPORT_STOPPED : PROC_REPORT_CONTINUED;
        uint64_t pirq = irqlock_acquire(&parent->lock);
        bool quiet = parent->sigs && (parent->sigs->action[SIGCHLD - 1].flags & SA_NOCLDSTOP);
        irqlock_release(&parent->lock, pirq);
        struct sig_info info = {.code = code, .pid = p->pid, .status = sig};
        if (!quiet)
            proc_send_signal(parent, SIGCHLD, &info);
        waitq_wake_all(&parent->child_wait);
    }
    irqlock_release(&table_lock, irq);
}

/* Whether c has a stop or a continue that wait4 with options reports. */
static bool reports(const struct process *c, int options)
{
    return ((options & PROC_WUNTRACED) && c->stop_report == PROC_REPORT_STOPPED) ||
           ((options & PROC_WCONTINUED) && c->stop_report == PROC_REPORT_CONTINUED);
}

long proc_wait(struct process *self, long pid, int options, int *status, uint64_t *cpu_ns)
{
    struct waitq_entry e = {0};
    long r;
    for (;;) {
        waitq_add(&self->child_wait, &e);
        uint64_t irq = irqlock_acquire(&table_lock);
        struct process *found = NULL, *changed = NULL;
        bool any = false;
        for (struct process *c = self->children; c && !found && !changed; c = c->sibling) {
            if (!wanted(c, pid, self->pgid))
                continue;
            any = true;
            if (c->state == PROC_ZOMBIE)
                found = c;
            else if (reports(c, options))
                changed = c;
        }
        if (found)
            unlink(found);
        if (changed) { /* told once: stopped (its signal) or continued, as Linux encodes them */
            *status = changed->stop_report == PROC_REPORT_STOPPED
                          ? (int)(changed->stop_sig << 8) | 0x7f
                          : 0xffff;
            *cpu_ns = 0;
            changed->stop_report = PROC_REPORT_NONE;
            r = changed->pid;
        }
        irqlock_release(&table_lock, irq);
        if (changed)
            break;
        if (found) {
            *status = found->wait_status;
            /* As Linux's wait4: the child's time and that of the children it waited for. */
            *cpu_ns = found->ended_cpu_ns + found->reaped_cpu_ns;
            __atomic_fetch_add(&self->reaped_cpu_ns, *cpu_ns, __ATOMIC_RELAXED);
            r = found->pid;
            free_zombie(found);
            break;
        }
        if (!any) {
            r = -PROC_ECHILD;
            break;
        }
        if (options & PROC_WNOHANG) {
            r = 0;
            break;
        }
        if (thread_interrupted()) { /* killed: EINTR; a handler: restarted or EINTR after it */
            r = thread_current()->killed ? -PROC_EINTR : -PROC_ERESTARTSYS;
            break;
        }
        park();
    }
    waitq_remove(&self->child_wait, &e);
    return r;
}

void proc_end_threads(struct process *p)
{
    uint64_t irq = irqlock_acquire(&p->lock);
    for (struct thread *t = p->threads; t; t = t->proc_next) {
        if (t == thread_current())
            continue;
        __atomic_store_n(&t->killed, 1, __ATOMIC_RELEASE);
        unpark(t); /* out of a sleep or a wait */
        unsigned cpu = t->cpu;
        if (sched_running_on(cpu) == t && cpu != cpu_index())
            arch_send_wake(cpu); /* out of ring 3, through the interrupt's exit */
    }
    irqlock_release(&p->lock, irq);
}

void proc_signal(struct process *p, int sig)
{
    int none = 0; /* the first signal decides, even without the table lock (a SIGPIPE) */
    __atomic_compare_exchange_n(&p->kill_signal, &none, sig, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
    proc_end_threads(p);
    if (p == proc_current())
        __atomic_store_n(&thread_current()->killed, 1, __ATOMIC_RELEASE);
}

void proc_signal_locked(struct process *p, int sig)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    proc_signal(p, sig);
    irqlock_release(&table_lock, irq);
}

long proc_kill(struct process *self, long pid, int sig)
{
    if (sig < 0 || sig > PROC_SIG_MAX)
        return -PROC_EINVAL;
    unsigned hit = 0;
    const struct sig_info info = {.code = SI_USER, .pid = self->pid};
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p; p = p->next_all) {
        bool match = pid > 0     ? p->pid == (unsigned long)pid
                     : pid == 0  ? p->pgid == self->pgid
                     : pid == -1 ? p != self
                                 : p->pgid == (unsigned long)-pid;
        if (!match || p->state != PROC_ALIVE)
            continue;
        hit++;
        if (sig)
            proc_send_signal(p, sig, &info); /* its handler, or its default action */
    }
    irqlock_release(&table_lock, irq);
    return hit ? 0 : -PROC_ESRCH;
}

long proc_kill_pid(unsigned pid, int sig)
{
    long r = -PROC_ESRCH;
    unsigned group = 0;
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p; p = p->next_all)
        if (p->pid == pid && p->state == PROC_ALIVE)
            group = p->pgid == p->pid ? p->pgid : 0, r = 0;
    for (struct process *p = all; p && r == 0; p = p->next_all) {
        bool hit = group ? p->pgid == group : p->pid == pid;
        const struct sig_info info = {.code = SI_USER}; /* from the kernel's monitor: pid 0 */
        if (hit && p->state == PROC_ALIVE && sig)
            proc_send_signal(p, sig, &info);
    }
    irqlock_release(&table_lock, irq);
    return r;
}

long proc_kill_thread(struct process *self, long tgid, long tid, int sig)
{
    long r = -PROC_ESRCH;
    const struct sig_info info = {.code = SI_TKILL, .pid = self->pid};
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p && r; p = p->next_all) {
        if ((tgid != -1 && p->pid != (unsigned long)tgid) || p->state != PROC_ALIVE)
            continue;
        uint64_t pirq = irqlock_acquire(&p->lock);
        struct thread *target = NULL;
        for (struct thread *t = p->threads; t && r; t = t->proc_next)
            if (t->utid == (unsigned long)tid)
                r = 0, target = t;
        irqlock_release(&p->lock, pirq);
        if (target && sig) /* a fatal default action ends the whole process */
            proc_signal_thread(target, sig, &info);
    }
    irqlock_release(&table_lock, irq);
    return r;
}

unsigned proc_parent_pid(const struct process *p)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    unsigned ppid = p->parent ? p->parent->pid : 0;
    irqlock_release(&table_lock, irq);
    return ppid;
}

unsigned proc_for_each(void (*fn)(const struct process *p, void *ctx), void *ctx)
{
    unsigned n = 0;
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p; p = p->next_all, n++)
        fn(p, ctx);
    irqlock_release(&table_lock, irq);
    return n;
}

bool proc_pgrp_orphaned(const struct process *p)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    unsigned pgid = p->pgid, sid = p->sid;
    bool orphaned = true;
    for (const struct process *q = all; q && orphaned; q = q->next_all)
        if (q->pgid == pgid && q->state != PROC_ZOMBIE && q->parent && q->parent->pgid != pgid &&
            q->parent->sid == sid)
            orphaned =
                false; /* a parent in the session, outside the group: job control reaches it */
    irqlock_release(&table_lock, irq);
    return orphaned;
}

bool proc_with_pid(unsigned pid, void (*fn)(struct process *p, void *ctx), void *ctx)
{
    if (!pid && proc_current())
        pid = proc_current()->pid;
    uint64_t irq = irqlock_acquire(&table_lock);
    struct process *p = all;
    while (p && p->pid != pid)
        p = p->next_all;
    if (p)
        fn(p, ctx);
    irqlock_release(&table_lock, irq);
    return p != NULL;
}

unsigned proc_count(void)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    unsigned n = nprocs;
    irqlock_release(&table_lock, irq);
    return n;
}

unsigned proc_end_group(unsigned pgid)
{
    unsigned killed = 0;
    for (;;) {
        unsigned left = 0;
        uint64_t irq = irqlock_acquire(&table_lock);
        for (struct process *p = all; p; p = p->next_all) {
            if (p->pgid != pgid)
                continue;
            left++;
            if (p->state == PROC_ALIVE && !p->kill_signal) {
                proc_signal(p, 9);
                killed++;
            }
        }
        irqlock_release(&table_lock, irq);
        if (!left)
            return killed;
        sched_sleep_until(time_ns() + 1000000); /* they end on their CPUs, then free themselves */
    }
}

void proc_release_vfork(struct process *p)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    struct thread *parent = p->vfork_parent;
    p->vfork_parent = NULL;
    if (parent)
        unpark(parent);
    irqlock_release(&table_lock, irq);
}

bool proc_oom_pick(unsigned self, struct oom_victim *v)
{
    bool found = false;
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p; p = p->next_all) {
        if (p->state != PROC_ALIVE)
            continue;
        if (p->oom_frames) { /* one already dying for memory: wait for it, kill no other */
            *v = (struct oom_victim){.pid = p->pid, .frames = p->oom_frames, .dying = true};
            found = true;
            break;
        }
        struct vmspace_stats st;
        vmspace_get_stats(&p->vs, &st); /* racy for others' spaces: a choice, not an account */
        uint64_t resident = st.leaf + st.leaf_huge; /* 2 MiB pages are 512 frames each */
        if (p->kill_signal || (found && resident <= v->frames))
            continue;
        *v = (struct oom_victim){.pid = p->pid, .frames = resident};
        memcpy(v->name, p->name, sizeof(v->name));
        found = true;
    }
    if (found && !v->dying && v->pid != self) {
        for (struct process *p = all; p; p = p->next_all) {
            if (p->pid == v->pid) {
                p->oom_frames = v->frames ? v->frames : 1;
                proc_signal(p, 9);
            }
        }
    }
    irqlock_release(&table_lock, irq);
    return found;
}

bool proc_alive(unsigned pid)
{
    bool alive = false;
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p; p = p->next_all)
        alive |= p->pid == pid && p->state == PROC_ALIVE;
    irqlock_release(&table_lock, irq);
    return alive;
}

long proc_kill_group(unsigned pgid, int sig)
{
    const struct sig_info info = {.code = SI_KERNEL, .pid = 0};
    unsigned hit = 0;
    uint64_t irq = irqlock_acquire(&table_lock);
    for (struct process *p = all; p; p = p->next_all) {
        if (p->pgid != pgid || p->state != PROC_ALIVE)
            continue;
        hit++;
        proc_send_signal(p, sig, &info);
    }
    irqlock_release(&table_lock, irq);
    return hit ? 0 : -PROC_ESRCH;
}

/* The living process pid that self may see (self itself for 0), under the table lock. */
static struct process *find_alive(struct process *self, long pid) REQUIRES(table_lock);
static struct process *find_alive(struct process *self, long pid)
{
    if (pid == 0)
        return self;
    for (struct process *p = all; p; p = p->next_all)
        if (p->pid == (unsigned long)pid && p->state == PROC_ALIVE)
            return p;
    return NULL;
}

long proc_setpgid(struct process *self, long pid, long pgid)
{
    if (pid < 0 || pgid < 0)
        return -PROC_EINVAL;
    uint64_t irq = irqlock_acquire(&table_lock);
    struct process *p = find_alive(self, pid);
    long r = 0;
    if (!p || (p != self && p->parent != self)) {
        r = -PROC_ESRCH;
    } else if (p->sid != self->sid || p->sid == p->pid) {
        r = -PROC_EPERM; /* another session, or a session leader */
    } else {
        unsigned want = pgid ? (unsigned)pgid : p->pid;
        bool exists = want == p->pid;
        for (struct process *q = all; q && !exists; q = q->next_all)
            exists = q->pgid == want && q->sid == self->sid && q->state == PROC_ALIVE;
        if (!exists)
            r = -PROC_EPERM;
        else
            p->pgid = want;
    }
    irqlock_release(&table_lock, irq);
    return r;
}

long proc_getpgid(struct process *self, long pid, bool session)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    struct process *p = pid < 0 ? NULL : find_alive(self, pid);
    long r = !p ? -PROC_ESRCH : session ? (long)p->sid : (long)p->pgid;
    irqlock_release(&table_lock, irq);
    return r;
}

long proc_setsid(struct process *self)
{
    uint64_t irq = irqlock_acquire(&table_lock);
    long r = -PROC_EPERM; /* a group leader may not (its group would span two sessions) */
    bool leader = false;
    for (struct process *q = all; q; q = q->next_all)
        leader |= q->pgid == self->pid && q->state == PROC_ALIVE;
    if (!leader) {
        self->sid = self->pgid = self->pid;
        r = self->pid;
    }
    irqlock_release(&table_lock, irq);
    return r;
}
