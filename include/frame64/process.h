/* SPDX-License-Identifier: 0BSD */
/*
 * User processes (src/exec/process.c, proc_table.c): static ELF programs from their file to
 * their last frame, each on a thread of its own, with parents, children and wait4(). The kernel
 * owns every mapping: when a process ends, by exiting or by being killed, its address space is
 * destroyed and every frame it held (leaves, page tables, the area list, its kernel stack) goes
 * back to the frame manager.
 */
#ifndef FRAME64_PROCESS_H
#define FRAME64_PROCESS_H

#include <frame64/kstack.h>
#include <frame64/types.h>
#include <frame64/usermode.h>
#include <frame64/vmspace.h>
#include <frame64/waitq.h>

struct fdtable;
struct ramfs_node;

/* Where a process's memory goes (all below VMSPACE_USER_END). */
#define PROC_STACK_TOP VMSPACE_USER_END /* the initial stack ends here */
#define PROC_STACK_MAX (8 * MiB)        /* demand-zero, then the guard page */
#define PROC_MMAP_TOP  (PROC_STACK_TOP - PROC_STACK_MAX - 1 * GiB) /* mmap searches below this */
#define PROC_BRK_MAX   (1 * GiB)  /* how far brk may grow past its start */
#define PROC_KSTACK    (16 * KiB) /* the kernel stack its calls and faults use */
#define PROC_NAME_MAX  32
#define PROC_WHY_MAX   160

enum proc_end {
    PROC_EXITED,  /* exit or exit_group: status is its code */
    PROC_KILLED,  /* the kernel ended it: why says what it did */
    PROC_REFUSED, /* never started: why says what is wrong with it */
};

struct proc_result {
    enum proc_end end;
    int status;
    char why[PROC_WHY_MAX];
    uint64_t output;     /* bytes it wrote to fd 1 and 2 */
    char first_line[96]; /* what it wrote first, up to the first newline (quiet runs keep it) */
    uint64_t teardown_frames; /* frames its address space gave back at the end (leaves + tables) */
    uint64_t teardown_cycles; /* how long destroying the space took (flush and frees) */
    unsigned left_running;    /* processes it started and left running, killed after it ended */
};

struct proc_options {
    bool quiet;    /* drop its output (ktests that run thousands) but keep first_line */
    bool terminal; /* 0, 1 and 2 are the console terminal (init), not the plain console */
};

enum proc_state {
    PROC_ALIVE,  /* at least one thread has not finished */
    PROC_ZOMBIE, /* every thread ended and the memory is back: only waiting to be waited for */
};

/*
 * A process: one frame (so its memory follows the processes that exist). The table lock
 * (src/exec/proc_table.c) guards state, the family links and the wait status; the process's own
 * lock its thread list; the address space and brk belong to its one thread (threads sharing a
 * space will need a lock here).
 */
enum { PROC_REPORT_NONE, PROC_REPORT_STOPPED, PROC_REPORT_CONTINUED };

struct process {
    char name[PROC_NAME_MAX];
    unsigned pid, pgid, sid; /* its ID, process group and session */
    enum proc_state state;
    struct process *parent;   /* NULL: started by the kernel, or its parent ended */
    struct process *children; /* its children, linked through sibling */
    struct process *sibling;
    struct process *next_all; /* every process, newest first */
    struct waitq child_wait;  /* its threads in wait4() */
    int wait_status;          /* what wait4() reports once it is a zombie (Linux's encoding) */
    int kill_signal;          /* the signal that ends it, 0 if none yet */
    bool group_exit;          /* exit_group() ran: the other threads just end */
    uint32_t stopped;         /* a stop signal stopped it (atomic; changed under lock) */
    unsigned stop_sig;        /* the signal that stopped it (lock) */
    unsigned stop_parked;     /* its threads parked in the stop (lock) */
    uint32_t cont_untold;     /* continued, the parent not told yet (atomic) */
    uint8_t stop_report;      /* PROC_REPORT_STOPPED or _CONTINUED, not yet told to wait4 (table) */
    uint64_t oom_frames;      /* killed to free memory: its resident set then (0: not) */
    struct irqlock lock;      /* threads, nthreads */
    struct thread *threads;   /* linked through thread->proc_next */
    unsigned nthreads;
    uint64_t ended_cpu_ns;  /* CPU time of its threads that ended */
    uint64_t reaped_cpu_ns; /* CPU time of the children it waited for, theirs included */
    uint64_t page_faults;   /* page faults from ring 3 resolved (getrusage's ru_minflt; mm_lock) */
    struct thread *last;    /* the thread that tore it down: reaped with it */
    struct thread *waiter;  /* proc_run()'s caller, parked until done */
    uint32_t done;          /* torn down and, if started by proc_run(), reported (atomic) */
    struct thread *vfork_parent; /* parked until this child execs or ends (table lock) */
    struct irqlock mm_lock; /* vs and brk: its threads share them (proc_internal.h's mm_lock()) */
    struct vmspace vs;
    struct proc_sigs *sigs;   /* dispositions, process-wide pending signals (signal.c): a frame */
    uint64_t entry, user_rsp; /* where its first thread starts in ring 3 */
    uint64_t brk_start, brk;
    uint64_t vdso;          /* its vDSO's clock page, the vDSO a page above (0: none; vdso.c) */
    uint64_t start_ns;      /* time_ns() when it was made */
    uint64_t rlimit[16][2]; /* getrlimit/setrlimit/prlimit64: current and maximum */
    struct {
        uint64_t va, rip, error;
        unsigned repeats; /* how often in a row (usertrap.c) */
    } last_fault;
    const struct proc_options *opt;
    struct proc_result *res; /* proc_run()'s, or own */
    bool report;             /* proc_spawn()'s: prints its end line itself */
    struct proc_result own;
    struct fdtable *files;  /* its file descriptors (src/exec/fdtable.c), shared by its threads */
    struct ramfs_node *cwd; /* its working directory, held (NULL: the root) */
    uint32_t umask;
    char *exe;            /* the path of its program (kmalloc()ed; /proc/self/exe), NULL if none */
    char *cmdline;        /* its arguments, each with its NUL (kmalloc()ed; /proc/PID/cmdline) */
    uint32_t cmdline_len; /* bytes at cmdline */
    char pid_text[12];    /* its PID in decimal: /proc/self's target */
};

/* Whether a process is running on CPU cpu now (for sysinfo's count). */
bool proc_running_on(unsigned cpu);

/*
 * Sets up what every process shares: the address-space environment over the kernel's pool and
 * page tables, and the system-call entry. The command line's thp=always or thp=never changes the
 * 2 MiB-page policy (default: only where a program asks with madvise). Return: K_OK or an error
 * (printed).
 */
int proc_init(const char *cmdline);

/*
 * Runs image (an ELF file of size bytes) as process name with argv[0..argc), to its end, and
 * fills *res; prints nothing (the caller says how it ended). Return: K_OK (it ran or was
 * refused: see res->end); K_ENOMEM when the kernel could not even set it up.
 */
int proc_run(const char *name, const void *image, size_t size, unsigned argc,
             const char *const *argv, const struct proc_options *opt, struct proc_result *res);

/*
 * Starts image as process name with argv[0..argc) in the background, with no parent: its end line
 * is printed when it ends, and it frees itself. Return: its PID, or -1 (said why).
 */
long proc_spawn(const char *name, const void *image, size_t size, unsigned argc,
                const char *const *argv);

/*
 * The program of the GRUB module whose command line is "exec NAME ...", by NAME: *image and *size
 * set. Return: whether there is one.
 */
bool proc_find_module(const char *name, const void **image, size_t *size);

/* The running process, or NULL in the kernel's own context. */
struct process *proc_current(void);

/* The env of every process's address space (frames a file lends to mappings are held in it). */
struct vmspace_env *proc_env(void);

struct trap_frame;
/*
 * A trap from ring 3 that is not a system call (src/kernel/fault.c calls this): resolves a demand
 * page fault, or moves f to the program's handler for the fault's signal, and returns true; or
 * ends the process with a line saying what it did (does not return).
 */
bool proc_user_trap(struct trap_frame *f, uint64_t fault_address);
/*
 * A page fault from ring 3 at va in the legacy vsyscall page (src/exec/vsyscall.c): a call to one
 * of its entries is emulated (f moved on, true); anything else there ends the process. Return:
 * false if va is not in that page.
 */
bool proc_vsyscall(struct trap_frame *f, uint64_t va);

/*
 * Ends the running process (exit, exit_group, or a kill with why); does not return. status is
 * the exit code for PROC_EXITED, the signal for PROC_KILLED.
 */
__attribute__((noreturn)) void proc_exit(enum proc_end end, int status, const char *why);

/* Calls fn for every process in the table (under its lock: fn must not block). Return: how many. */
unsigned proc_for_each(void (*fn)(const struct process *p, void *ctx), void *ctx);
/* Processes in the table now (zombies included). */
unsigned proc_count(void);
/*
 * Sends signal sig to process pid (the monitor's kill), and to every process it started if it
 * leads its process group, as a shell kills a job: its handler runs if it has one, else its
 * default action ends it unless sig is one Linux ignores or stops with. Return: 0, or -3 (ESRCH:
 * no such living process).
 */
long proc_kill_pid(unsigned pid, int sig);

/*
 * Runs the program at path in the root file system (a "#!" script's interpreter with it) as the
 * first process of a session, its 0, 1 and 2 the console terminal, until it ends; prints its end
 * line as proc_report() does. Return: K_OK (it ran), K_ENOENT (no such file), K_EINVAL (it
 * cannot run: said why), K_ENOMEM.
 */
int proc_run_init(const char *path);

/* Says what address spaces and kernel stacks still hold (after a leak was found). */
void proc_print_holdings(void);

/* Prints "exec NAME: exit status N" / "exec NAME: killed: ..." / "exec NAME: refused: ...". */
void proc_report(const char *name, const struct proc_result *res);

/*
 * Runs every GRUB module whose command line begins with the word "exec", in order (the words
 * after it are argv), reports each, then prints the summary line
 * "exec: P programs, E exited, K killed; frames leaked: N".
 */
void proc_run_modules(void);

#endif
