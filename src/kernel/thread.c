/* SPDX-License-Identifier: 0BSD */
/*
 * Threads' memory (include/frame64/sched.h): each thread is one frame from the frame manager
 * holding its struct thread, and a kernel stack with a guard page below it (kstack.c). Both go
 * back when the thread has ended and another thread runs on its CPU (sched.c calls
 * thread_free()), so a thread costs memory only while it exists.
 */
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kstring.h>
#include <frame64/phys.h>
#include <frame64/sched.h>

_Static_assert(sizeof(struct thread) <= PAGE_SIZE, "a thread must fit its frame");

void sched_thread_entry(struct thread *t); /* sched.c */

static uint64_t created, freed;
static unsigned next_tid = 1;

static void entry(void *arg)
{
    sched_thread_entry(arg);
}

struct thread *thread_create(const char *name, void (*fn)(void *arg), void *arg,
                             uint64_t stack_bytes)
{
    phys_addr_t pa = frame_alloc(&kernel_frames);
    if (pa == PHYS_NONE)
        return NULL;
    struct thread *t = phys_to_virt(pa);
    memset(t, 0, PAGE_SIZE); /* the whole frame, not only *t: see kstack_create() */
    t->lock = (struct irqlock)IRQLOCK_INIT("thread", LOCK_RANK_THREAD);
    t->state = THREAD_RUNNABLE;
    t->pin = -1;
    t->tid = __atomic_fetch_add(&next_tid, 1, __ATOMIC_RELAXED);
    t->cpu = cpu_index();
    t->fn = fn;
    t->arg = arg;
    size_t n = strlen(name);
    n = n < sizeof(t->name) - 1 ? n : sizeof(t->name) - 1;
    memcpy(t->name, name, n);
    arch_fpu_init(t->fpu);
    if (stack_bytes) {
        if (kstack_create(&t->kstack, t->name, stack_bytes) != K_OK) {
            frame_free(&kernel_frames, pa);
            return NULL;
        }
        t->rsp = arch_thread_stack(t->kstack.top, entry, t);
    }
    __atomic_fetch_add(&created, 1, __ATOMIC_RELAXED);
    return t;
}

void thread_free(struct thread *t)
{
    if (t->fn && t->kstack.top)
        kstack_destroy(&t->kstack); /* a boot thread's stack is its CPU's, never freed */
    frame_free(&kernel_frames, virt_to_phys(t));
    __atomic_fetch_add(&freed, 1, __ATOMIC_RELAXED);
}

void thread_discard(struct thread *t)
{
    thread_free(t);
}

uint64_t thread_count(void)
{
    return __atomic_load_n(&created, __ATOMIC_RELAXED) - __atomic_load_n(&freed, __ATOMIC_RELAXED);
}
