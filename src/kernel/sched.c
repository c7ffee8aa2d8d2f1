/* SPDX-License-Identifier: 0BSD */
/*
 * The scheduler (include/frame64/sched.h, docs/scheduler.md): a run queue per CPU, switches,
 * parking, timed sleeps, preemption of programs at the end of their slice, and an idle CPU
 * taking work from a busy one.
 *
 * The one rule that keeps switches safe across CPUs: a thread is put in a run queue only once
 * its registers are saved (on_cpu clear). The CPU that switches away from a thread clears on_cpu
 * after the switch, on the next thread's stack (finish_switch()), and only then requeues it; a
 * waker that finds a parked thread still on its CPU waits for on_cpu to clear before queueing
 * it. Nobody ever waits for on_cpu while switching itself, so no two CPUs can wait for each
 * other.
 *
 * Locks: a thread's own lock (its state and token) before a queue's lock; neither is held across
 * a switch.
 */
#include <frame64/error.h>
#include <frame64/interrupts.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/panic.h>
#include <frame64/sched.h>
#include <frame64/smp.h>
#include <frame64/trap.h>

struct cpu_sched {
    struct irqlock lock;
    struct thread *head; /* under lock */
    struct thread *tail; /* under lock */
    unsigned queued;     /* written under lock, read racily by other CPUs looking for work */
    struct irqlock sleep_lock;
    struct thread *sleepers; /* under sleep_lock */
    /* Only this CPU touches the rest, with interrupts off. */
    struct thread *cur, *idle, *boot;
    struct thread *prev; /* the thread finish_switch() completes the switch away from */
    bool requeue;        /* whether prev goes back in the queue */
    bool need_resched;   /* switch at the next return to ring 3 */
    struct sched_stats st;
};

static struct cpu_sched cpus[CPU_MAX];
static void (*user_return)(struct trap_frame *f);

void thread_free(struct thread *t); /* thread.c */

static struct cpu_sched *here(void)
{
    return &cpus[cpu_index()];
}

bool sched_running(void)
{
    return here()->cur != NULL;
}

struct thread *thread_current(void)
{
    return here()->cur;
}

struct thread *sched_boot_thread(unsigned cpu)
{
    return cpu < CPU_MAX ? cpus[cpu].boot : NULL;
}

struct thread *sched_running_on(unsigned cpu)
{
    return cpu < CPU_MAX ? __atomic_load_n(&cpus[cpu].cur, __ATOMIC_RELAXED) : NULL;
}

unsigned sched_queued(unsigned cpu)
{
    return cpu < CPU_MAX ? __atomic_load_n(&cpus[cpu].queued, __ATOMIC_RELAXED) : 0;
}

void sched_get_stats(unsigned cpu, struct sched_stats *st)
{
    *st = cpu < CPU_MAX ? cpus[cpu].st : (struct sched_stats){0};
}

uint64_t thread_cpu_ns(const struct thread *t)
{
    uint64_t irq = arch_irq_save();
    uint64_t ns = t->run_ns;
    if (t->state == THREAD_RUNNING)
        ns += time_ns() - t->ran_at;
    arch_irq_restore(irq);
    return ns;
}

void sched_set_user_return(void (*fn)(struct trap_frame *f))
{
    user_return = fn;
}

/* Whether CPU c has nothing to do now: its idle thread runs and its queue is empty. */
static bool cpu_is_idle(unsigned c)
{
    struct thread *cur = __atomic_load_n(&cpus[c].cur, __ATOMIC_RELAXED);
    return cur && cur->idle && !__atomic_load_n(&cpus[c].queued, __ATOMIC_RELAXED);
}

/*
 * Puts t (on_cpu clear) in CPU c's queue: kernel work at the front, programs at the back. The
 * CPU is told to switch at its next chance when it idles or the thread is kernel work; another
 * CPU is woken up by an interrupt for it.
 */
static void enqueue(unsigned c, struct thread *t)
{
    struct cpu_sched *s = &cpus[c];
    uint64_t irq = irqlock_acquire(&s->lock);
    t->state = THREAD_RUNNABLE;
    t->next = NULL;
    if (t->kernel && s->head) {
        t->next = s->head;
        s->head = t;
    } else {
        if (s->tail)
            s->tail->next = t;
        else
            s->head = t;
        s->tail = t;
    }
    __atomic_store_n(&s->queued, s->queued + 1, __ATOMIC_RELAXED);
    struct thread *cur = s->cur;
    bool kick = t->kernel || (cur && cur->idle);
    irqlock_release(&s->lock, irq);
    if (!kick)
        return;
    if (c == cpu_index())
        s->need_resched = true;
    else {
        __atomic_store_n(&s->need_resched, true, __ATOMIC_RELAXED);
        arch_send_wake(c);
    }
}

/* Where t should run: its pin; else its own CPU, unless that is busy and another idles. */
static unsigned place(const struct thread *t, unsigned preferred)
{
    if (t->pin >= 0)
        return (unsigned)t->pin;
    if (cpu_is_idle(preferred))
        return preferred;
    unsigned n = cpu_count();
    for (unsigned i = 1; i < n; i++) {
        unsigned c = (preferred + i) % n;
        if (cpu_is_idle(c))
            return c;
    }
    return preferred;
}

/* Takes the first thread of CPU c's queue that may run on CPU self, or NULL. */
static struct thread *take(unsigned c, unsigned self)
{
    struct cpu_sched *s = &cpus[c];
    uint64_t irq = irqlock_acquire(&s->lock);
    struct thread **link = &s->head, *t, *prev = NULL;
    while ((t = *link) && t->pin >= 0 && (unsigned)t->pin != self) {
        prev = t;
        link = &t->next;
    }
    if (t) {
        *link = t->next;
        if (s->tail == t)
            s->tail = prev;
        t->next = NULL;
        __atomic_store_n(&s->queued, s->queued - 1, __ATOMIC_RELAXED);
    }
    irqlock_release(&s->lock, irq);
    return t;
}

/* The next thread for CPU self: its own queue first, else one from the longest other queue. */
static struct thread *pick(unsigned self)
{
    struct thread *t = take(self, self);
    if (t)
        return t;
    unsigned n = cpu_count(), best = CPU_MAX, most = 0;
    for (unsigned c = 0; c < n; c++) {
        unsigned q = c == self ? 0 : __atomic_load_n(&cpus[c].queued, __ATOMIC_RELAXED);
        if (q > most) {
            most = q;
            best = c;
        }
    }
    if (best == CPU_MAX || !(t = take(best, self)))
        return NULL;
    cpus[self].st.stolen++;
    return t;
}

/*
 * The second half of every switch, on the new thread's stack: the thread switched away from is
 * off this CPU now. It is requeued, or freed when it ended.
 */
static void finish_switch(void)
{
    struct cpu_sched *s = here();
    struct thread *prev = s->prev;
    s->prev = NULL;
    if (!prev)
        return;
    bool dead = prev->state == THREAD_DEAD, reaped = dead && prev->joinable;
    __atomic_store_n(&prev->on_cpu, 0, __ATOMIC_RELEASE); /* a joinable one may be gone now */
    if (s->requeue)
        enqueue(cpu_index(), prev);
    else if (dead && !reaped)
        thread_free(prev);
}

void thread_reap(struct thread *t)
{
    while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD ||
           __atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        arch_relax();
    thread_free(t);
}

/* Switches from prev to next on this CPU; returns when prev runs again. Interrupts are off. */
static void switch_to(struct cpu_sched *s, struct thread *prev, struct thread *next, bool requeue)
{
    unsigned c = cpu_index();
    uint64_t now = time_ns();
    while (__atomic_load_n(&next->on_cpu, __ATOMIC_ACQUIRE))
        arch_relax(); /* cannot happen by the rule above; cheap to be sure of */
    next->on_cpu = 1;
    next->state = THREAD_RUNNING;
    next->cpu = c;
    next->slice = SCHED_SLICE_TICKS;
    next->switches++;
    prev->run_ns += now - prev->ran_at;
    if (prev->idle)
        s->st.idle_ns += now - prev->ran_at;
    next->ran_at = now;
    s->st.switches++;
    if (prev->trap_top) {
        arch_fpu_save(prev->fpu);
        prev->fs_base = usermode_fs_base();
    }
    if (next->trap_top) {
        arch_fpu_load(next->fpu);
        usermode_set_fs_base(next->fs_base);
        usermode_set_kernel_stack(next->trap_top);
    }
    phys_addr_t pml4 = next->pml4 ? next->pml4 : kernel_pml4;
    if (arch_page_table_root() != pml4) {
        smp_note_page_tables(pml4); /* before the load: see tlb_flush()'s ordering */
        arch_load_page_tables(pml4);
    }
    s->prev = prev;
    s->requeue = requeue;
    __atomic_store_n(&s->cur, next, __ATOMIC_RELAXED);
    arch_switch(&prev->rsp, next->rsp);
    finish_switch();
}

/*
 * Picks what runs next on this CPU and switches to it. The calling thread goes back in the queue
 * if it is still running (a yield, a preemption); a parked or dead one does not. With nothing
 * else to run, a running thread simply continues, and anything else gives way to the idle thread.
 * Return: whether another thread ran (this one has been switched back to since).
 */
static bool schedule(void)
{
    uint64_t irq = arch_irq_save();
    struct cpu_sched *s = here();
    struct thread *prev = s->cur;
    s->need_resched = false;
    struct thread *next = pick(cpu_index());
    bool requeue = prev->state == THREAD_RUNNING && !prev->idle;
    if (!next) {
        if (prev->state == THREAD_RUNNING) {
            prev->slice = SCHED_SLICE_TICKS;
            arch_irq_restore(irq);
            return false;
        }
        next = s->idle;
    }
    if (next != prev) {
        if (requeue)
            prev->state = THREAD_RUNNABLE;
        switch_to(s, prev, next, requeue);
    }
    arch_irq_restore(irq);
    return next != prev;
}

void sched_yield(void)
{
    if (sched_running())
        schedule();
}

void park(void)
{
    struct thread *t = thread_current();
    if (!t) {
        arch_wait_for_interrupt(); /* no scheduler yet: the caller's loop looks again */
        return;
    }
    uint64_t irq = irqlock_acquire(&t->lock);
    if (t->token) {
        t->token = 0;
        irqlock_release(&t->lock, irq);
        return;
    }
    if (t->idle)
        panic("the idle thread of CPU %u tried to park: it must always be able to run",
              cpu_index());
    t->state = THREAD_SLEEPING;
    irqlock_release(&t->lock, arch_irq_save()); /* interrupts stay off until the switch */
    schedule();
    arch_irq_restore(irq);
}

void unpark(struct thread *t)
{
    uint64_t irq = irqlock_acquire(&t->lock);
    if (t->state != THREAD_SLEEPING) {
        t->token = 1;
        irqlock_release(&t->lock, irq);
        return;
    }
    t->state = THREAD_RUNNABLE; /* from here on, queueing it is this caller's job alone */
    irqlock_release(&t->lock, arch_irq_save());
    while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE))
        arch_relax(); /* its CPU is switching away from it right now */
    enqueue(place(t, t->cpu), t);
    arch_irq_restore(irq);
}

/* Adds t to CPU c's timed sleepers. */
static void add_sleeper(unsigned c, struct thread *t)
{
    struct cpu_sched *s = &cpus[c];
    uint64_t irq = irqlock_acquire(&s->sleep_lock);
    t->sleep_next = s->sleepers;
    s->sleepers = t;
    irqlock_release(&s->sleep_lock, irq);
}

/*
 * Removes t from CPU c's timed sleepers if the tick has not already. Once it returns the tick
 * no longer holds t, so t may end (the tick unparks under the same lock).
 */
static void remove_sleeper(unsigned c, struct thread *t)
{
    struct cpu_sched *s = &cpus[c];
    uint64_t irq = irqlock_acquire(&s->sleep_lock);
    for (struct thread **l = &s->sleepers; *l; l = &(*l)->sleep_next) {
        if (*l == t) {
            *l = t->sleep_next;
            break;
        }
    }
    t->sleep_next = NULL;
    irqlock_release(&s->sleep_lock, irq);
}

void sched_sleep_until(uint64_t deadline_ns)
{
    struct thread *t = thread_current();
    if (!t || t->idle || !irq_timer_hz()) {
        while (time_ns() < deadline_ns && irq_timer_hz())
            arch_wait_for_interrupt();
        return;
    }
    uint64_t irq = arch_irq_save();
    unsigned c = cpu_index();
    t->wake_at_ns = deadline_ns;
    add_sleeper(c, t);
    if (time_ns() < deadline_ns)
        park(); /* one wake-up: the deadline's tick, or an unpark() for another reason */
    remove_sleeper(c, t);
    t->wake_at_ns = 0;
    arch_irq_restore(irq);
}

/* The timer's tick on this CPU: due sleepers wake, a program's slice runs down. */
void sched_tick(unsigned c)
{
    struct cpu_sched *s = &cpus[c];
    if (!s->cur)
        return;
    uint64_t now = time_ns();
    uint64_t irq = irqlock_acquire(&s->sleep_lock);
    for (struct thread **l = &s->sleepers; *l;) {
        struct thread *t = *l;
        if (t->wake_at_ns <= now) {
            *l = t->sleep_next;
            t->sleep_next = NULL;
            unpark(t); /* under the lock: t cannot end before remove_sleeper() saw this */
        } else {
            l = &t->sleep_next;
        }
    }
    irqlock_release(&s->sleep_lock, irq);
    struct thread *cur = s->cur;
    if (cur->idle)
        s->need_resched = true; /* look for work elsewhere at least once a tick */
    else if (cur->slice && --cur->slice == 0)
        s->need_resched = true;
}

/* After every interrupt: a program whose slice ran out gives way; then exec's checks. */
static void irq_exit(struct trap_frame *f)
{
    struct cpu_sched *s = here();
    if (!s->cur || !usermode_trap(f->cs))
        return;
    if (__atomic_load_n(&s->need_resched, __ATOMIC_RELAXED)) {
        s->st.preempted++;
        schedule();
    }
    if (user_return)
        user_return(f);
}

extern const struct idle_work __start_idle_works[], __stop_idle_works[];

/*
 * A CPU's idle thread: looks for work, and halts until an interrupt when there is none. Woken
 * with still nothing to do, the CPU is idle for a while rather than between two bursts: the
 * idle work runs then, once until the CPU has run something again.
 */
static void idle_loop(void *arg)
{
    (void)arg;
    struct cpu_sched *s = here();
    unsigned halts = 0;
    for (;;) {
        arch_irq_disable();
        if (__atomic_load_n(&s->need_resched, __ATOMIC_RELAXED) || s->queued) {
            if (schedule()) /* every tick asks, often for nothing */
                halts = 0;
            continue;
        }
        if (halts == 1)
            for (const struct idle_work *w = __start_idle_works; w < __stop_idle_works; w++)
                w->fn(cpu_index());
        halts += halts < 2;
        arch_wait_for_interrupt();
    }
}

int sched_init_cpu(const struct kstack *stack)
{
    struct cpu_sched *s = here();
    unsigned c = cpu_index();
    struct thread *boot = thread_create(c ? "cpu" : "boot", NULL, NULL, 0);
    struct thread *idle = thread_create("idle", idle_loop, NULL, 8 * KiB);
    if (!boot || !idle) {
        if (boot)
            thread_discard(boot);
        if (idle)
            thread_discard(idle);
        kprintf("sched: no memory for CPU %u's threads; it runs without a scheduler\n", c);
        return K_ENOMEM;
    }
    boot->kstack = *stack;
    boot->pin = (int)c;
    boot->kernel = true;
    boot->state = THREAD_RUNNING;
    boot->on_cpu = 1;
    boot->cpu = c;
    boot->ran_at = time_ns();
    idle->pin = (int)c;
    idle->idle = true;
    idle->kernel = true;
    idle->cpu = c;
    s->lock = (struct irqlock)IRQLOCK_INIT("run queue", LOCK_RANK_RUNQUEUE);
    s->sleep_lock = (struct irqlock)IRQLOCK_INIT("sleepers", LOCK_RANK_SLEEPERS);
    s->boot = boot;
    s->idle = idle;
    if (c == 0)
        arch_irq_set_exit_hook(irq_exit);
    __atomic_store_n(&s->cur, boot, __ATOMIC_RELEASE);
    return K_OK;
}

/* A new thread's first code (thread.c starts every thread here): the switch's second half. */
void sched_thread_entry(struct thread *t)
{
    finish_switch();
    arch_irq_enable();
    t->fn(t->arg);
    thread_exit();
}

void thread_start(struct thread *t, unsigned cpu, bool pin)
{
    if (pin)
        t->pin = (int)cpu;
    enqueue(pin ? cpu : place(t, cpu), t);
}

void thread_exit(void)
{
    arch_irq_disable();
    struct thread *t = thread_current();
    t->state = THREAD_DEAD;
    schedule();
    panic("thread %u (%s) ran again after it ended", t->tid, t->name);
}
