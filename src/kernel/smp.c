/* SPDX-License-Identifier: 0BSD */
/*
 * Every CPU (include/frame64/smp.h). The boot CPU reads the processors from the ACPI MADT and
 * starts them one at a time through the start page bootmem reserved below 1 MiB (kept reserved
 * afterwards, for a CPU that is started again), each on its own guarded kernel stack with its own
 * interrupt stacks. The start page is mapped at its own address in the kernel's page tables only
 * while CPUs start (a real-mode start must run there for a few instructions once paging is on);
 * the mapping and its tables go afterwards.
 *
 * The CPUs then wait for work (smp_run_all()) halted with interrupts on; a wake-up IPI with the
 * work ends the hlt. Once the scheduler runs, each CPU's boot thread parks instead, and
 * smp_run_all() unparks it. Everything the CPUs ask of each other that must not wait -- drop these
 * translations, stop, hand over cached frames -- travels as a flag in the target's slot and an
 * NMI, which arrives whatever the target is doing (a CPU holding an irqlock has interrupts off, so
 * an ordinary interrupt would wait; two CPUs waiting for each other that way would deadlock).
 */
#include <frame64/irqlock.h>
#include <frame64/acpi.h>
#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kmap.h>
#include <frame64/kprintf.h>
#include <frame64/kstack.h>
#include <frame64/pagetable.h>
#include <frame64/sched.h>
#include <frame64/interrupts.h>
#include <frame64/panic.h>
#include <frame64/smp.h>
#include <frame64/trap.h>
#include <frame64/usermode.h>
#include <frame64/vmspace.h>

/* What one CPU is asked, and what it answered. */
struct slot {
    struct kstack stack, ist[3];
    phys_addr_t loaded;      /* the page tables it runs on (0: the kernel's) */
    uint64_t flush_req;      /* shootdown number it is asked to do */
    uint64_t flush_ack;      /* the last one it did */
    bool stop;               /* halt for good */
    uint64_t nmis_sent;      /* NMIs other CPUs sent it (send_nmi()) */
    uint64_t nmis_seen;      /* NMIs it took as one of those (only it writes this) */
    void (*work)(void *arg); /* smp_run_all() */
    void *work_arg;
    uint64_t work_req, work_done;
};

static struct slot slots[CPU_MAX];
static const char *const ist_names[3] = {"#DF", "NMI", "#MC"};
static char stack_names[CPU_MAX][12];
static struct irqlock flush_lock = IRQLOCK_INIT("shootdown", LOCK_RANK_SHOOTDOWN);
static struct {
    phys_addr_t pml4;
    uint64_t start, end;
    bool all;
    uint64_t seq;
} flush_req GUARDED_BY(flush_lock);
bool smp_shootdown_off;

static uint64_t load(const uint64_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(uint64_t *p, uint64_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/*
 * This CPU's part of a flush: one invlpg a page, or past VMSPACE_FLUSH_MAX_PAGES pages (the one
 * threshold, shared with the address spaces' own choice of `all`) the whole TLB: a CR3 reload for
 * a user space (its entries are not global), a PGE toggle for the kernel half.
 */
static void flush_local(phys_addr_t pml4, uint64_t start, uint64_t end, bool all)
{
    if (all || (end - start) / PAGE_SIZE > VMSPACE_FLUSH_MAX_PAGES) {
        if (pml4)
            arch_flush_tlb_all();
        else
            arch_flush_tlb_global();
        return;
    }
    for (uint64_t va = start; va < end; va += PAGE_SIZE)
        arch_flush_page(va);
}

/*
 * The flush a shootdown asks for, done on this CPU. It reads the request without the lock: the
 * CPU that holds it wrote the request before asking (release), and waits for the answer.
 */
static void flush_here(void) NO_THREAD_SAFETY_ANALYSIS;
static void flush_here(void)
{
    flush_local(flush_req.pml4, flush_req.start, flush_req.end, flush_req.all);
}

/*
 * Every NMI one CPU sends another is counted first: the handler may find nothing left to do in
 * one (an earlier NMI did it: a second kick, a shootdown flag seen while handling a kick), and it
 * is still ours, not a report from the machine. Two NMIs may arrive as one (the CPU latches only
 * one while it handles another); the count then stays ahead and covers a later stray NMI.
 */
static void send_nmi(unsigned c)
{
    __atomic_fetch_add(&slots[c].nmis_sent, 1, __ATOMIC_RELEASE);
    arch_send_nmi(c);
}

/* The NMI handler: a stop, a shootdown, a frame cache asked for, or a real NMI from the machine. */
static bool nmi(struct trap_frame *f)
{
    struct slot *s = &slots[cpu_index()];
    bool ours = s->nmis_seen < load(&s->nmis_sent);
    if (ours)
        s->nmis_seen++;
    ours |= frame_cache_nmi(&kernel_frames, f->rip);
    if (__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
        arch_halt(); /* another CPU is going down and reports; this one says nothing */
    uint64_t req = load(&s->flush_req);
    if (req != load(&s->flush_ack)) {
        flush_here();
        store(&s->flush_ack, req);
        ours = true;
    }
    return ours;
}

void smp_note_page_tables(phys_addr_t pml4)
{
    __atomic_store_n(&slots[cpu_index()].loaded, pml4 == kernel_pml4 ? 0 : pml4, __ATOMIC_RELEASE);
}

/* Asks every other CPU that may hold [start, end) of pml4 to drop it, and waits for each. */
static void shootdown(phys_addr_t pml4, uint64_t start, uint64_t end, bool all)
{
    unsigned n = cpu_count(), self = cpu_index();
    bool asked[CPU_MAX] = {false};
    if (n == 1 || smp_shootdown_off)
        return;
    uint64_t irq = irqlock_acquire(&flush_lock);
    flush_req.pml4 = pml4;
    flush_req.start = start;
    flush_req.end = end;
    flush_req.all = all;
    uint64_t seq = ++flush_req.seq;
    for (unsigned c = 0; c < n; c++) {
        if (c == self || (pml4 && __atomic_load_n(&slots[c].loaded, __ATOMIC_ACQUIRE) != pml4))
            continue;
        store(&slots[c].flush_req, seq);
        asked[c] = true;
        send_nmi(c);
    }
    for (unsigned c = 0; c < n; c++) {
        for (uint64_t spins = 0; asked[c] && load(&slots[c].flush_ack) != seq; spins++) {
            if (spins == 2000000) /* about a second: the NMI went somewhere else */
                panic("TLB shootdown: CPU %u did not drop [0x%lx, 0x%lx) of %lx", c, start, end,
                      pml4);
            arch_delay_us(1);
        }
    }
    irqlock_release(&flush_lock, irq);
}

void tlb_flush(phys_addr_t pml4, uint64_t start, uint64_t end, bool all)
{
    if (pml4 == kernel_pml4)
        pml4 = 0;
    /* Without PCID a space that is not loaded here has no TLB entries here. */
    if (!pml4 || arch_page_table_root() == pml4)
        flush_local(pml4, start, end, all);
    shootdown(pml4, start, end, all);
}

/* The frame pool needs CPU cpu's cached frames (a run, exhaustion): its NMI hands them over. */
static void kick_frames(struct frame_pool *p, unsigned cpu)
{
    (void)p;
    send_nmi(cpu);
}

void smp_stop_others(void)
{
    unsigned n = cpu_count(), self = cpu_index();
    for (unsigned c = 0; c < n; c++) {
        if (c == self)
            continue;
        __atomic_store_n(&slots[c].stop, true, __ATOMIC_RELEASE);
        send_nmi(c);
    }
}

void smp_run_all(void (*fn)(void *arg), void *arg)
{
    unsigned n = cpu_count(), self = cpu_index();
    for (unsigned c = 0; c < n; c++) {
        if (c == self)
            continue;
        slots[c].work = fn;
        slots[c].work_arg = arg;
        store(&slots[c].work_req, load(&slots[c].work_req) + 1);
        struct thread *t = sched_boot_thread(c);
        if (t)
            unpark(t);
        else
            arch_send_wake(c);
    }
    fn(arg);
    for (unsigned c = 0; c < n; c++) {
        while (c != self && load(&slots[c].work_done) != load(&slots[c].work_req)) {
            sched_yield(); /* this CPU's other threads run meanwhile */
            arch_delay_us(10);
        }
    }
}

/* A started CPU, once the arch code made it a kernel CPU: it waits for work from here on. */
void smp_ap_main(unsigned index)
{
    struct slot *s = &slots[index];
    usermode_init_cpu(&boot_cpu);
    for (;;) {
        /* Looked at with interrupts off, so a wake-up sent after the look ends the hlt. */
        arch_irq_disable();
        uint64_t req = load(&s->work_req);
        if (req == load(&s->work_done)) {
            park(); /* halts until the wake-up while there is no scheduler yet */
            continue;
        }
        arch_irq_enable();
        s->work(s->work_arg);
        store(&s->work_done, req);
    }
}

static void sched_here(void *arg)
{
    unsigned boot = (unsigned)(uintptr_t)arg, c = cpu_index();
    if (c != boot)
        sched_init_cpu(&slots[c].stack);
}

void smp_sched_init(const struct kstack *boot_stack)
{
    if (sched_init_cpu(boot_stack) != K_OK)
        return;
    smp_run_all(sched_here, (void *)(uintptr_t)cpu_index());
    unsigned n = cpu_count(), on = 0;
    for (unsigned c = 0; c < n; c++)
        on += sched_boot_thread(c) != NULL;
    kprintf("sched: threads scheduled on %u of %u CPUs, %u ms slices\n", on, n,
            irq_timer_hz() ? SCHED_SLICE_TICKS * 1000 / irq_timer_hz() : 0);
}

/* Stacks for CPU index. Return: K_OK, or an error (nothing kept). */
static int make_stacks(unsigned index)
{
    struct slot *s = &slots[index];
    ksnprintf(stack_names[index], sizeof(stack_names[index]), "cpu%u", index);
    int err = kstack_create(&s->stack, stack_names[index], 32 * KiB);
    for (int i = 0; i < 3 && err == K_OK; i++) {
        err = kstack_create(&s->ist[i], ist_names[i], 16 * KiB);
        if (err != K_OK) {
            while (i-- > 0)
                kstack_destroy(&s->ist[i]);
            kstack_destroy(&s->stack);
        }
    }
    return err;
}

/* The processors the MADT lists. Return: K_OK with *m set, or an error (said why). */
static int read_madt(const struct acpi_madt **m)
{
    const char *why;
    int err = kernel_madt(m, &why);
    if (err != K_OK)
        kprintf("smp: no usable ACPI MADT (%s); running on the boot CPU only\n", why);
    return err;
}

void smp_init(phys_addr_t ap_page)
{
    const struct acpi_madt *m;
    trap_set_handler(2, nmi);
    frame_set_kick(&kernel_frames, kick_frames);
    if (read_madt(&m) != K_OK || m->cpus <= 1) {
        kprintf("smp: 1 of 1 CPUs online\n");
        return;
    }
    volatile void *lapic_regs = kmap_device(m->lapic, PAGE_SIZE, KMAP_UNCACHED);
    if (!ap_page || kernel_pml4 >= 4 * GiB || !arch_smp_prepare(ap_page, kernel_pml4, lapic_regs)) {
        kprintf("smp: no start page below 1 MiB or no local APIC; running on the boot CPU "
                "only\nsmp: 1 of %u CPUs online\n",
                m->cpus);
        return;
    }
    /* The start page at its own address: read and executed there, never written through. */
    if (pt_map(kernel_pml4, ap_page, ap_page, PAGE_SIZE, 0, PT_4K, kernel_table_frame,
               &kernel_frames) != K_OK) {
        /* Out of frames part way: give back the tables linked so far (the leaf was never set). */
        pt_prune(kernel_pml4, ap_page, PAGE_SIZE, kernel_table_free, &kernel_frames);
        kprintf("smp: cannot map the start page\nsmp: 1 of %u CPUs online\n", m->cpus);
        return;
    }
    uint32_t self = arch_apic_id();
    unsigned online = 1;
    for (unsigned i = 0; i < m->listed; i++) {
        if (m->apic_id[i] == self)
            continue;
        if (online == CPU_MAX) {
            kprintf("smp: only %u CPUs are supported; the others stay off\n", CPU_MAX);
            break;
        }
        if (make_stacks(online) != K_OK) {
            kprintf("smp: no memory for the stacks of the CPU with APIC ID %u; skipped\n",
                    m->apic_id[i]);
            continue;
        }
        struct slot *s = &slots[online];
        uint64_t ist[3] = {s->ist[0].top, s->ist[1].top, s->ist[2].top};
        if (!arch_start_cpu(online, m->apic_id[i], s->stack.top, ist)) {
            /* Its stacks stay: it may still wake up late and use them. */
            kprintf("smp: the CPU with APIC ID %u did not come up within its timeout; skipped\n",
                    m->apic_id[i]);
            continue;
        }
        cpu_set_count(++online);
    }
    /* Unhook, flush everywhere, then free the tables (flush before free, as for every unmap). */
    pt_unmap(kernel_pml4, ap_page, PAGE_SIZE);
    tlb_flush(0, ap_page, ap_page + PAGE_SIZE, false);
    pt_prune(kernel_pml4, ap_page, PAGE_SIZE, kernel_table_free, &kernel_frames);
    kprintf("smp: %u of %u CPUs online\n", online, m->cpus);
}
