/* SPDX-License-Identifier: 0BSD */
/*
 * User processes (include/frame64/process.h). A run goes:
 *   1. plan: elf_plan() checks the ELF header and every program header before anything exists;
 *   2. build: a fresh address space; each segment's pages that hold file bytes are populated and
 *      filled through the direct map (so read-only text needs no writable window), the rest of
 *      the segment (bss) is demand-zero; an 8 MiB demand-zero stack with a no-access guard page
 *      below it; the System V start stack (initstack_build()) copied to its top; a kernel stack;
 *   3. run: load the space, drop to ring 3 (usermode_enter()); system calls (syscall.c) and
 *      traps run on the process's kernel stack until exit, exit_group or a kill calls
 *      usermode_leave(), which returns here;
 *   4. teardown: back on the kernel's tables, the space is destroyed (every leaf, table and area
 *      frame returns) and the kernel stack with it.
 */
#include <frame64/arch.h>
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

/*
 * Processes share no memory, so each has an address-space environment of its own (its sharing
 * table stays empty) and no lock is needed between CPUs. Each process is one frame from the frame
 * manager and runs on a thread of its own (include/frame64/sched.h).
 */
_Static_assert(sizeof(struct process) <= PAGE_SIZE, "a process must fit its frame");
#define ENTRY_FRAMES 1024 /* the top of a thread's stack: its frames down to usermode_enter() */
static unsigned next_pid = 1;
static unsigned env_flags;
static uint64_t live;

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
    proc_exit(PROC_KILLED, 0, "a system call would have returned to a non-canonical address");
}

static const struct usermode_ops ops = {.syscall = syscall_dispatch, .bad_return = bad_return};

int proc_init(void)
{
    struct vmspace_env probe;
    env_flags = boot_cpu.nx ? VMSPACE_NX : 0;
    int err = vmspace_env_init(&probe, &kernel_frames, kernel_pml4, env_flags, flush, NULL);
    if (err != K_OK) {
        kprintf("exec: address spaces cannot be set up: %s\n", vmspace_strerror(err));
        return K_EINVAL;
    }
    usermode_init(&boot_cpu, &ops);
    return K_OK;
}

struct process *proc_current(void)
{
    struct thread *t = thread_current();
    return t ? t->proc : NULL;
}

/* Writes len bytes of src at va of s, through the direct map: the pages must be mapped. */
static bool copy_to_space(struct vmspace *s, uint64_t va, const void *src, uint64_t len)
{
    const uint8_t *from = src;
    while (len) {
        phys_addr_t pa = vmspace_translate(s, va, NULL);
        uint64_t n = MIN(len, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
        if (pa == PHYS_NONE)
            return false;
        memcpy(phys_to_virt(pa), from, n);
        va += n;
        from += n;
        len -= n;
    }
    return true;
}

static unsigned seg_prot(unsigned perm)
{
    return VM_USER | (perm & ELF_SEG_R ? VM_READ : 0) | (perm & ELF_SEG_W ? VM_WRITE : 0) |
           (perm & ELF_SEG_X ? VM_EXEC : 0);
}

/* Maps and fills the segments. Return: K_OK, or an error with why set. */
static int load_segments(struct process *p, const uint8_t *image, const struct elf_plan *plan,
                         char *why)
{
    for (unsigned i = 0; i < plan->nseg; i++) {
        const struct elf_segment *sg = &plan->seg[i];
        uint64_t base = ALIGN_DOWN(sg->vaddr, PAGE_SIZE);
        uint64_t filled = sg->filesz ? ALIGN_UP(sg->vaddr + sg->filesz, PAGE_SIZE) : base;
        uint64_t end = ALIGN_UP(sg->vaddr + sg->memsz, PAGE_SIZE);
        unsigned prot = seg_prot(sg->perm);
        int err = K_OK;
        if (filled > base)
            err = vmspace_map_anon(&p->vs, base, filled - base, prot | VM_POPULATE);
        if (err == K_OK && end > filled)
            err = vmspace_map_anon(&p->vs, filled, end - filled, prot);
        if (err != K_OK) {
            ksnprintf(why, PROC_WHY_MAX, "segment %u cannot be mapped: %s", sg->phindex,
                      vmspace_strerror(err));
            return err;
        }
        if (!copy_to_space(&p->vs, sg->vaddr, image + sg->offset, sg->filesz)) {
            ksnprintf(why, PROC_WHY_MAX, "segment %u has file bytes but no access at all",
                      sg->phindex);
            return K_EINVAL;
        }
    }
    return K_OK;
}

/* Some unpredictability for AT_RANDOM (there is no entropy source yet: the cycle counter). */
static void random_bytes(uint8_t out[16])
{
    uint64_t x = arch_cycles() ^ ((uint64_t)cpu_index() << 40) ^ ((uint64_t)next_pid << 32);
    for (int i = 0; i < 16; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out[i] = (uint8_t)(x >> 24);
    }
}

/* The stack area, its guard page and the start stack. Return: K_OK, or an error with why set. */
static int build_stack(struct process *p, const struct elf_plan *plan, unsigned argc,
                       const char *const *argv, uint64_t *rsp, char *why)
{
    static uint8_t bufs[CPU_MAX][8 * KiB]; /* one process per CPU at a time */
    uint8_t *buf = bufs[cpu_index()];
    uint64_t bottom = PROC_STACK_TOP - PROC_STACK_MAX;
    int err = vmspace_map_anon(&p->vs, bottom, PROC_STACK_MAX, VM_USER | VM_READ | VM_WRITE);
    if (err == K_OK)
        err = vmspace_map_anon(&p->vs, bottom - PAGE_SIZE, PAGE_SIZE, VM_USER); /* no access */
    if (err != K_OK) {
        ksnprintf(why, PROC_WHY_MAX, "its stack cannot be mapped: %s", vmspace_strerror(err));
        return err;
    }
    uint8_t rnd[16];
    struct initstack st;
    random_bytes(rnd);
    int r = initstack_build(plan, PROC_STACK_TOP, argc, argv, rnd, buf, sizeof(bufs[0]), &st, why,
                            PROC_WHY_MAX);
    if (r != K_OK)
        return r;
    for (uint64_t va = ALIGN_DOWN(st.rsp, PAGE_SIZE); va < PROC_STACK_TOP; va += PAGE_SIZE) {
        err = vmspace_fault(&p->vs, va, VM_WRITE);
        if (err != K_OK) {
            ksnprintf(why, PROC_WHY_MAX, "its start stack cannot be written: %s",
                      vmspace_strerror(err));
            return err;
        }
    }
    copy_to_space(&p->vs, st.rsp, st.bytes, st.len);
    *rsp = st.rsp;
    return K_OK;
}

/* Copies s into the fixed buffer dst, cut at its size. */
static void set_name(char *dst, size_t size, const char *s)
{
    size_t n = MIN(strlen(s), size - 1);
    memcpy(dst, s, n);
    dst[n] = '\0';
}

/*
 * The process's thread: ring 3 until exit, exit_group or a kill calls usermode_leave(), then the
 * teardown on the kernel's tables, then the spawner is told.
 */
static void user_main(void *arg)
{
    struct process *p = arg;
    struct thread *t = thread_current();
    p->start_ns = time_ns();
    usermode_enter(&t->kctx, t->trap_top, p->entry, p->user_rsp); /* until proc_exit() */
    arch_irq_disable();
    t->trap_top = 0; /* no program state to keep across switches any more */
    t->pml4 = 0;
    smp_note_page_tables(kernel_pml4); /* the space is unloaded before it is destroyed */
    arch_load_page_tables(kernel_pml4);
    usermode_set_fs_base(0);
    struct vmspace_stats st;
    vmspace_get_stats(&p->vs, &st);
    uint64_t start = arch_cycles();
    vmspace_destroy(&p->vs);
    p->res->teardown_cycles = arch_cycles() - start;
    p->res->teardown_frames = st.leaf + st.pt + st.pd + st.pdpt + st.pml4 + st.area_frames;
    struct thread *waiter = p->waiter; /* p may be gone once done is set */
    __atomic_store_n(&p->done, 1, __ATOMIC_RELEASE);
    unpark(waiter);
    thread_exit();
}

static void free_process(struct process *p)
{
    frame_free(&kernel_frames, virt_to_phys(p));
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
}

int proc_run(const char *name, const void *image, size_t size, unsigned argc,
             const char *const *argv, const struct proc_options *opt, struct proc_result *res)
{
    static const struct proc_options none;
    struct elf_plan plan;
    uint64_t rsp = 0;

    *res = (struct proc_result){.end = PROC_REFUSED};
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE) {
        ksnprintf(res->why, sizeof(res->why), "no memory for its process record");
        return K_ENOMEM;
    }
    __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    struct process *p = phys_to_virt(pa);
    *p = (struct process){.pid = __atomic_fetch_add(&next_pid, 1, __ATOMIC_RELAXED),
                          .opt = opt ? opt : &none,
                          .res = res};
    vmspace_env_init(&p->env, &kernel_frames, kernel_pml4, env_flags, flush, NULL);
    set_name(p->name, sizeof(p->name), name);
    if (elf_plan(image, size, VMSPACE_USER_END, &plan, res->why, sizeof(res->why)) != K_OK) {
        free_process(p);
        return K_OK;
    }
    if (vmspace_create(&p->vs, &p->env) != K_OK) {
        ksnprintf(res->why, sizeof(res->why), "no memory for its address space");
        free_process(p);
        return K_ENOMEM;
    }
    int err = load_segments(p, image, &plan, res->why);
    if (err == K_OK)
        err = build_stack(p, &plan, argc, argv, &rsp, res->why);
    struct thread *t = NULL;
    if (err == K_OK && !(t = thread_create(p->name, user_main, p, PROC_KSTACK))) {
        ksnprintf(res->why, sizeof(res->why), "no memory for its thread and kernel stack");
        err = K_ENOMEM;
    }
    if (err != K_OK) {
        vmspace_destroy(&p->vs);
        free_process(p);
        return err == K_ENOMEM ? K_ENOMEM : K_OK;
    }
    p->brk_start = p->brk = plan.brk_start;
    p->entry = plan.entry;
    p->user_rsp = rsp;
    sys_limits_init(p);
    t->proc = p;
    t->joinable = true;
    t->pml4 = p->vs.pml4;
    t->trap_top = t->kstack.top - ENTRY_FRAMES;
    p->main = t;
    p->waiter = thread_current();
    res->end = PROC_EXITED;
    thread_start(t, cpu_index(), false); /* here first: this thread is about to wait */
    while (!__atomic_load_n(&p->done, __ATOMIC_ACQUIRE))
        park();
    thread_reap(t);
    free_process(p);
    return K_OK;
}

void proc_exit(enum proc_end end, int status, const char *why)
{
    struct process *p = proc_current();
    if (!p)
        panic("proc_exit(%d) with no process running", (int)end);
    p->res->end = end;
    p->res->status = status;
    if (why)
        set_name(p->res->why, sizeof(p->res->why), why);
    usermode_leave(&thread_current()->kctx, 0);
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
}

void proc_print_holdings(void)
{
    kprintf("exec: %llu process records and %llu threads still exist\n",
            (unsigned long long)__atomic_load_n(&live, __ATOMIC_RELAXED),
            (unsigned long long)thread_count());
}

bool proc_running_on(unsigned cpu)
{
    struct thread *t = sched_running_on(cpu);
    return t && t->proc;
}
