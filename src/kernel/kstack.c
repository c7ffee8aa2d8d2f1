/* SPDX-License-Identifier: 0BSD */
/*
 * Kernel stacks with guard pages (include/frame64/kstack.h). A slot table says which 64 KiB slots
 * of the area are in use; a stack's pages are mapped one frame at a time into the kernel's page
 * tables (the area's PML4 slot was created at boot, so every address space sees them) and its
 * guard page is simply never mapped. Page-table frames under the area are kept once made: there
 * are at most KSTACK_SLOTS slots, so they are bounded (1 PD and 32 PTs for the whole area).
 */
#include <frame64/irqlock.h>
#include <frame64/arch.h>
#include <frame64/error.h>
#include <frame64/kernel.h>
#include <frame64/kprintf.h>
#include <frame64/kstack.h>
#include <frame64/layout.h>
#include <frame64/pagetable.h>
#include <frame64/smp.h>
#include <frame64/panic.h>

_Static_assert(KSTACK_SLOT_BYTES == KSTACK_SLOT_SIZE, "kstack.h and layout.h disagree");

static const struct kstack *slots[KSTACK_SLOTS];
static struct irqlock lock =
    IRQLOCK_INIT("kstack slots", LOCK_RANK_KSTACK_SLOTS); /* the slot table, from any CPU */
static struct irqlock tables = IRQLOCK_INIT(
    "kstack tables", LOCK_RANK_KSTACK_TABLES); /* the area's page tables, from any CPU */

static uint64_t slot_base(unsigned slot)
{
    return KSTACK_AREA_BASE + (uint64_t)slot * KSTACK_SLOT_SIZE;
}

/*
 * Unmaps [bottom, top) of a stack, flushes it here and on every other CPU, then frees the frames
 * it mapped: before the flush a stale translation could still write into a frame's next owner.
 */
static void unmap_pages(uint64_t bottom, uint64_t top) REQUIRES(tables);
static void unmap_pages(uint64_t bottom, uint64_t top)
{
    phys_addr_t frames[KSTACK_SLOT_BYTES / PAGE_SIZE];
    unsigned n = 0;
    for (uint64_t va = bottom; va < top; va += PAGE_SIZE) {
        phys_addr_t pa = pt_translate(kernel_pml4, va, NULL, NULL);
        if (pa == PHYS_NONE)
            continue;
        pt_unmap(kernel_pml4, va, PAGE_SIZE);
        frames[n++] = pa;
    }
    tlb_flush(0, bottom, top, false);
    while (n)
        frame_free(&kernel_frames, frames[--n]);
}

/* A free slot, taken. Return: its number, or KSTACK_SLOTS when none is left. */
static unsigned take_slot(const struct kstack *s)
{
    uint64_t irq = irqlock_acquire(&lock);
    unsigned slot = 0;
    while (slot < KSTACK_SLOTS && slots[slot])
        slot++;
    if (slot < KSTACK_SLOTS)
        slots[slot] = s;
    irqlock_release(&lock, irq);
    return slot;
}

int kstack_create(struct kstack *s, const char *name, uint64_t bytes)
{
    bytes = ALIGN_UP(bytes, PAGE_SIZE);
    if (!bytes || bytes > KSTACK_MAX) {
        kprintf("kstack: a stack of %llu bytes for %s does not fit a %llu KiB slot\n",
                (unsigned long long)bytes, name, (unsigned long long)(KSTACK_MAX / KiB));
        return K_EINVAL;
    }
    unsigned slot = take_slot(s);
    if (slot == KSTACK_SLOTS) {
        kprintf("kstack: all %u stack slots are in use; no stack for %s\n", KSTACK_SLOTS, name);
        return K_ENOMEM;
    }
    uint64_t top = slot_base(slot) + KSTACK_SLOT_SIZE, bottom = top - bytes;
    uint64_t irq = irqlock_acquire(&tables);
    uint64_t flags = PTE_WRITE | (boot_cpu.nx ? PTE_NX : 0) | (boot_cpu.pge ? PTE_GLOBAL : 0);
    for (uint64_t va = bottom; va < top; va += PAGE_SIZE) {
        /*
         * Zeroed, every byte: a stale kernel stack leaks nothing to a later reader, and under
         * QEMU's TCG a frame that once held executed code (GRUB's, an old program's) stays
         * "code" to QEMU until each of its translated bytes is overwritten; until then every
         * store to it takes QEMU's slow path. A stack that system calls push on cost 8-28 us a
         * call that way instead of 0.2 (docs/performance.md, "Frames that held code").
         */
        phys_addr_t pa = frame_alloc_zeroed(&kernel_frames);
        int err = pa == PHYS_NONE ? K_ENOMEM
                                  : pt_map(kernel_pml4, va, pa, PAGE_SIZE, flags, PT_4K,
                                           kernel_table_frame, &kernel_frames);
        if (err != K_OK) {
            if (pa != PHYS_NONE)
                frame_free(&kernel_frames, pa);
            unmap_pages(bottom, va);
            irqlock_release(&tables, irq);
            __atomic_store_n(&slots[slot], NULL, __ATOMIC_RELEASE);
            kprintf("kstack: no memory for the %llu KiB stack of %s\n",
                    (unsigned long long)(bytes / KiB), name);
            return err;
        }
    }
    irqlock_release(&tables, irq);
    *s = (struct kstack){.name = name, .bottom = bottom, .top = top, .slot = slot};
    return K_OK;
}

void kstack_destroy(struct kstack *s)
{
    if (s->slot >= KSTACK_SLOTS || slots[s->slot] != s)
        panic("kstack_destroy(%p): not a live stack (%s)", (void *)s, s->name);
    uint64_t irq = irqlock_acquire(&tables);
    unmap_pages(s->bottom, s->top);
    irqlock_release(&tables, irq);
    __atomic_store_n(&slots[s->slot], NULL, __ATOMIC_RELEASE);
}

const struct kstack *kstack_guarding(uint64_t va)
{
    if (va < KSTACK_AREA_BASE || va >= KSTACK_AREA_BASE + (uint64_t)KSTACK_SLOTS * KSTACK_SLOT_SIZE)
        return NULL;
    /* Everything of the slot below the stack is unmapped: a big frame may skip the guard page. */
    unsigned slot = (unsigned)((va - KSTACK_AREA_BASE) / KSTACK_SLOT_SIZE);
    const struct kstack *s = slots[slot];
    return s && va < s->bottom ? s : NULL;
}

unsigned kstack_for_each(void (*fn)(const struct kstack *s, void *ctx), void *ctx)
{
    unsigned n = 0;
    for (unsigned i = 0; i < KSTACK_SLOTS; i++) {
        if (slots[i]) {
            fn(slots[i], ctx);
            n++;
        }
    }
    return n;
}
