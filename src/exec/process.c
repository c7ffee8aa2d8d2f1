/* SPDX-License-Identifier: 0BSD */
/*
 * Programs on threads (include/frame64/process.h): the system-call entry, proc_run() (a program
 * from the kernel, waited for), the first code of a process's thread, the way out of ring 3 for
 * good (proc_exit(): exit, exit_group, a kill) and the teardown of the space by the last thread.
 * Loading is proc_load.c; IDs, families, wait and kill are proc_table.c.
 *
 * A thread of a process enters ring 3 from the top of its kernel stack (usermode_enter());
 * system calls and traps run below that, on the same stack. proc_exit() returns to
 * usermode_enter()'s caller through usermode_leave(), abandoning whatever was below.
 */
#include <frame64/arch.h>
#include <frame64/cmdline.h>
#include <frame64/elf.h>
#include <frame64/error.h>
#include <frame64/initstack.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>
#include <frame64/process.h>
#include <frame64/sched.h>
#include <frame64/smp.h>
#include "file.h"
#include "proc_internal.h"

/*
 * Every process's space is in one env: fork shares frames between them, and the env's reference
 * counts (frame_ref, under its own lock) know which. A space is only ever changed by its own
 * process's one thread (fork changes the parent's, from the parent), so no lock per space yet.
 */
static struct vmspace_env env;
#define ENTRY_FRAMES 1024 /* the top of a thread's stack: its frames down to usermode_enter() */

void syscall_dispatch(struct syscall_frame *f); /* syscall.c */
void sys_limits_init(struct process *p);        /* sys_system.c */

/* The address-space environment's TLB flush: the kernel's one (here and on every other CPU). */
static void flush(void *ctx, const struct vmspace_flush *f)
{
    (void)ctx;
    tlb_flush(f->pml4, f->start, f->end, f->all);
}

static void bad_return(struct syscall_frame *f)
{
    (void)f;
    proc_exit(PROC_KILLED, 11, "a system call would have returned to a non-canonical address");
}

static void user_return(struct trap_frame *f);

static const struct usermode_ops ops = {.syscall = syscall_dispatch, .bad_return = bad_return};

int proc_init(const char *cmdline)
{
    unsigned flags = boot_cpu.nx ? VMSPACE_NX : 0;
    int err = vmspace_env_init(&env, &kernel_frames, kernel_pml4, flags, flush, NULL);
    if (err != K_OK) {
        kprintf("exec: address spaces cannot be set up: %s\n", vmspace_strerror(err));
        return K_EINVAL;
    }
    /* Linux's transparent_hugepage= boot option; the default stays madvise (address-spaces.md). */
    const char *thp = cmdline_value(cmdline ? cmdline : "", "thp");
    if (cmdline_value_is(thp, "always"))
        env.thp = VMSPACE_THP_ALWAYS;
    else if (cmdline_value_is(thp, "never"))
        env.thp = VMSPACE_THP_NEVER;
    usermode_init(&boot_cpu, &ops);
    sched_set_user_return(user_return);
    return K_OK;
}

struct vmspace_env *proc_env(void)
{
    return &env;
}

struct process *proc_current(void)
{
    struct thread *t = thread_current();
    return t ? t->proc : NULL;
}

/* Copies s into the fixed buffer dst, cut at its size. */
static void set_name(char *dst, size_t size, const char *s)
{
    size_t n = MIN(strlen(s), size - 1);
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/*
 * A process's thread starts here: ring 3 until exit, exit_group or a kill calls usermode_leave(),
 * which returns here; then the thread ends (proc_table.c: the last one tears the process down).
 */
static void user_main(void *arg)
{
    struct process *p = arg;
    struct thread *t = thread_current();
    usermode_enter(&t->kctx, t->trap_top, p->entry, p->user_rsp); /* until proc_exit() */
    proc_thread_end();
}

void proc_unload(struct process *p, struct thread *t)
{
    t->trap_top = 0; /* no program state to keep across switches any more */
    t->pml4 = 0;
    smp_note_page_tables(kernel_pml4); /* the space is unloaded before it is destroyed */
    arch_load_page_tables(kernel_pml4);
    usermode_set_fs_base(0);
    struct vmspace_stats st;
    vmspace_get_stats(&p->vs, &st);
    /* Taken out under the lock: /proc/PID's readers then see an empty space, never a freed one. */
    uint64_t irq = mm_lock(p);
    struct vmspace old = p->vs;
    p->vs = (struct vmspace){.env = old.env, .areas = {PHYS_NONE, 0}};
    mm_unlock(p, irq);
    uint64_t start = arch_cycles();
    vmspace_destroy(&old);
    p->res->teardown_cycles = arch_cycles() - start;
    proc_files_release(p); /* closed as the last thread ends: a pipe's reader sees the end now */
    p->res->teardown_frames =
        st.leaf + st.leaf_huge + st.pt + st.pd + st.pdpt + st.pml4 + st.area_frames;
}

struct thread *proc_new_thread(struct process *p, void (*fn)(void *arg))
{
    struct thread *t = thread_create(p->name, fn, p, PROC_KSTACK);
    if (!t)
        return NULL;
    t->pml4 = p->vs.pml4;
    t->trap_top = t->kstack.top - ENTRY_FRAMES;
    /* The first thread's ID is its process's; a second one's comes from the same numbers. */
    t->utid = __atomic_load_n(&p->nthreads, __ATOMIC_RELAXED) ? proc_alloc_tid() : p->pid;
    proc_add_thread(p, t);
    return t;
}

/*
 * A new process from the kernel (no parent) running image: loaded, its thread made, not started.
 * Return: it with *t set, or NULL with res filled (refused or no memory) and *err set.
 */
static struct process *create(const char *name, const struct proc_image *img, unsigned argc,
                              const char *const *argv, const struct proc_options *opt,
                              struct proc_result *res, struct thread **t, int *err)
{
    static const struct proc_options none;
    *res = (struct proc_result){.end = PROC_REFUSED};
    struct process *p = proc_alloc(name, NULL, err);
    if (!p) {
        ksnprintf(res->why, sizeof(res->why), "%s",
                  *err == K_EAGAIN ? "the process table is full" : "no memory for its record");
        *err = K_ENOMEM;
        return NULL;
    }
    p->opt = opt ? opt : &none;
    p->res = res;
    if (proc_files_init(p, NULL) != K_OK) {
        ksnprintf(res->why, sizeof(res->why), "no memory for its file descriptors");
        proc_discard(p);
        *err = K_ENOMEM;
        return NULL;
    }
    proc_set_exe(p, argv[0]); /* a module's name, or init's path */
    proc_set_cmdline(p, argc, argv);
    *err = proc_load(p, img, argc, argv, res->why);
    if (*err == K_OK && !(*t = proc_new_thread(p, user_main))) {
        vmspace_destroy(&p->vs);
        ksnprintf(res->why, sizeof(res->why), "no memory for its thread and kernel stack");
        *err = K_ENOMEM;
    }
    if (*err != K_OK) {
        proc_discard(p);
        return NULL;
    }
    sys_limits_init(p);
    res->end = PROC_EXITED;
    return p;
}

int proc_run(const char *name, const void *image, size_t size, unsigned argc,
             const char *const *argv, const struct proc_options *opt, struct proc_result *res)
{
    const struct proc_image img = {.bytes = image, .avail = size, .size = size};
    return proc_run_image(name, &img, argc, argv, opt, res);
}

int proc_run_image(const char *name, const struct proc_image *img, unsigned argc,
                   const char *const *argv, const struct proc_options *opt, struct proc_result *res)
{
    struct thread *t;
    int err;
    struct process *p = create(name, img, argc, argv, opt, res, &t, &err);
    if (!p)
        return err == K_ENOMEM ? K_ENOMEM : K_OK;
    p->waiter = thread_current();
    thread_start(t, cpu_index(), false); /* here first: this thread is about to wait */
    while (!__atomic_load_n(&p->done, __ATOMIC_ACQUIRE))
        park();
    unsigned pgid = p->pgid;
    proc_discard(p); /* reaps its last thread: every frame is back when this returns */
    /*
     * What it left running (children it did not wait for) ends with it, as a service manager ends
     * a service's processes: a program run by the kernel gives back everything it started.
     */
    res->left_running = proc_end_group(pgid);
    return K_OK;
}

long proc_spawn(const char *name, const void *image, size_t size, unsigned argc,
                const char *const *argv)
{
    struct thread *t;
    struct process *p;
    int err;
    struct proc_result res;
    const struct proc_image img = {.bytes = image, .avail = size, .size = size};
    p = create(name, &img, argc, argv, NULL, &res, &t, &err);
    if (!p) {
        kprintf("exec %s: %s: %s\n", name, res.end == PROC_REFUSED ? "refused" : "not started",
                res.why);
        return -1;
    }
    p->own = res;
    p->res = &p->own;
    p->report = true;
    long pid = p->pid;
    thread_start(t, cpu_index(), false);
    return pid;
}

/* Records how the process ended, unless an exit_group or a kill already decided it. */
static void record_end(struct process *p, enum proc_end end, int status, const char *why)
{
    p->res->end = end;
    p->res->status = status;
    p->wait_status = end == PROC_EXITED ? (status & 0xFF) << 8 : status & 0x7F;
    if (why)
        set_name(p->res->why, sizeof(p->res->why), why);
}

void proc_exit(enum proc_end end, int status, const char *why)
{
    struct process *p = proc_current();
    if (!p)
        panic("proc_exit(%d) with no process running", (int)end);
    if (end == PROC_KILLED && !p->kill_signal)
        p->kill_signal = status; /* a fault: the whole process ends by its signal */
    else if (end == PROC_EXITED)
        p->group_exit = true;
    record_end(p, end, status, why);
    proc_end_threads(p); /* the other threads end at their next way back to ring 3 */
    usermode_leave(&thread_current()->kctx, 0);
}

void proc_exit_thread(int status)
{
    struct process *p = proc_current();
    if (!p->group_exit && !p->kill_signal)
        record_end(p, PROC_EXITED, status, NULL); /* the last thread's exit is the process's */
    usermode_leave(&thread_current()->kctx, 0);
}

/* At every return to ring 3 from an interrupt: a killed thread ends there, signals run. */
static void user_return(struct trap_frame *f)
{
    proc_check_killed();
    signal_deliver(f); /* a handler runs from here, or a fatal default action ends it */
}

void proc_check_killed(void)
{
    struct thread *t = thread_current();
    struct process *p = t->proc;
    if (!p || !__atomic_load_n(&t->killed, __ATOMIC_ACQUIRE))
        return;
    if (!p->kill_signal) /* another thread's exit_group: this one just ends */
        usermode_leave(&t->kctx, 0);
    char why[PROC_WHY_MAX];
    int sig = p->kill_signal ? p->kill_signal : 9;
    if (p->oom_frames)
        ksnprintf(why, sizeof(why),
                  "out of memory: it had the largest resident set (%llu frames), %s (signal %d)",
                  (unsigned long long)p->oom_frames, proc_signal_name(sig), sig);
    else
        ksnprintf(why, sizeof(why), "%s (signal %d)", proc_signal_name(sig), sig);
    proc_exit(PROC_KILLED, sig, why);
}

void proc_report(const char *name, const struct proc_result *res)
{
    switch (res->end) {
    case PROC_EXITED:
        kprintf("exec %s: exit status %d\n", name, res->status);
        break;
    case PROC_KILLED:
        kprintf("exec %s: killed: %s\n", name, res->why);
        break;
    default:
        kprintf("exec %s: refused: %s\n", name, res->why);
        break;
    }
    if (res->left_running)
        kprintf("exec %s: %u processes it started were still running: killed\n", name,
                res->left_running);
}

void proc_print_holdings(void)
{
    struct vmspace_env_stats st;
    vmspace_env_get_stats(&env, &st);
    kprintf("exec: the address spaces hold %llu frames (%llu of them the reference counts of "
            "%llu shared frames)\n",
            (unsigned long long)st.frames, (unsigned long long)st.share_frames,
            (unsigned long long)st.shared);
    kprintf("exec: %u processes and %llu threads still exist\n", proc_count(),
            (unsigned long long)thread_count());
}

bool proc_running_on(unsigned cpu)
{
    struct thread *t = sched_running_on(cpu);
    return t && t->proc;
}
