/* SPDX-License-Identifier: 0BSD */
/*
 * kmalloc(): the kernel's one kmem (include/frame64/kmalloc.h), whose pages are frames of the
 * frame manager seen through the direct map. One lock for every CPU: the objects are the file
 * system's nodes, names and open files, taken at system-call rates, not per page fault.
 */
#include <frame64/irqlock.h>
#include <frame64/kernel.h>
#include <frame64/kmalloc.h>
#include <frame64/phys.h>

static struct irqlock lock = IRQLOCK_INIT("kmalloc", LOCK_RANK_KMALLOC);
static struct kmem heap GUARDED_BY(lock);
static bool ready;

static void *take(void *ctx)
{
    (void)ctx;
    phys_addr_t pa = frame_alloc(&kernel_frames);
    return pa == PHYS_NONE ? NULL : phys_to_virt(pa);
}

static void give(void *ctx, void *page)
{
    (void)ctx;
    frame_free(&kernel_frames, virt_to_phys(page));
}

static const struct kmem_ops ops = {.page_alloc = take, .page_free = give};

void *kmalloc(size_t size)
{
    uint64_t irq = irqlock_acquire(&lock);
    if (!ready) {
        kmem_init(&heap, &ops, NULL);
        ready = true;
    }
    void *o = kmem_alloc(&heap, size);
    irqlock_release(&lock, irq);
    return o;
}

void kfree(void *obj)
{
    if (!obj)
        return;
    uint64_t irq = irqlock_acquire(&lock);
    kmem_free(&heap, obj);
    irqlock_release(&lock, irq);
}

void kmalloc_stats(uint64_t *frames, uint64_t *objects)
{
    uint64_t irq = irqlock_acquire(&lock);
    *frames = ready ? heap.pages : 0;
    *objects = ready ? kmem_objects(&heap) : 0;
    irqlock_release(&lock, irq);
}
