/* SPDX-License-Identifier: 0BSD */
/*
 * The page-frame manager's debug checks (FRAME_CHECK, FRAME_POISON) and the diagnosis of an
 * invalid free. Kept out of src/mm/frame.c so the fast paths there stay readable; everything
 * here runs only when a check flag is set or something is already wrong.
 *
 * FRAME_CHECK keeps one bit per frame below the pool's end, set while the frame is handed out
 * as a single frame. A free whose bit is clear is invalid whatever the reason (reserved, a run,
 * never allocated, already free); the region list is consulted only afterwards, to say which.
 */
#include <frame64/error.h>
#include <frame64/frame.h>
#include <frame64/kprintf.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "frame_internal.h"

int frame_check_init(struct frame_pool *p)
{
    uint64_t frames = p->end >> PAGE_SHIFT;
    uint64_t bytes = ALIGN_UP((frames + 63) / 64 * sizeof(uint64_t), PAGE_SIZE);
    char size[24];

    if (bytes == 0)
        return K_OK; /* no RAM: every free fails the bounds check before the bitmap is read */
    /* Zeroed here rather than lazily: 32 KiB per GiB of RAM, written once in a debug build. */
    struct region_request req = {.size = bytes, .tag = REGION_META, .top_down = true};
    phys_addr_t pa;
    if (region_alloc(p->regions, &req, &pa) != K_OK) {
        kprintf("frame_init: no room for the %s FRAME_CHECK bitmap\n",
                kformat_size(size, sizeof(size), bytes));
        return K_ENOMEM;
    }
    p->inuse = phys_to_virt(pa);
    memset(p->inuse, 0, bytes);
    return K_OK;
}

/* Return: the offset of the first byte of [from, PAGE_SIZE) that lost the poison, or PAGE_SIZE. */
static uint64_t poison_find(phys_addr_t pa, uint64_t from)
{
    const uint64_t *w = phys_to_virt(pa);
    for (uint64_t i = from / sizeof(uint64_t); i < PAGE_SIZE / sizeof(uint64_t); i++) {
        if (w[i] == FRAME_POISON_WORD)
            continue;
        const uint8_t *b = (const uint8_t *)&w[i];
        uint64_t off = 0;
        while (b[off] == FRAME_POISON_BYTE)
            off++;
        return i * sizeof(uint64_t) + off;
    }
    return PAGE_SIZE;
}

/* What a frame leaving the stack must show: poison from where its stack links end. */
static uint64_t unpoisoned_at(phys_addr_t pa, enum frame_source src)
{
    return src == FRAME_FROM_SEED
               ? PAGE_SIZE
               : poison_find(pa, src == FRAME_FROM_HEAD ? FRAME_HEADER_BYTES : 0);
}

__attribute__((noreturn)) static void written_after_free(phys_addr_t pa, uint64_t bad)
{
    panic("frame_alloc: 0x%lx was written after it was freed: byte at offset %lu (0x%lx) is "
          "0x%02x, not 0x%02x",
          pa, bad, pa + bad, ((const uint8_t *)phys_to_virt(pa))[bad], FRAME_POISON_BYTE);
}

void frame_check_free(struct frame_pool *p, phys_addr_t pa, uint64_t irq)
{
    if (p->flags & FRAME_CHECK) {
        if (!frame_inuse_test(p, pa)) {
            irqlock_release(&p->lock, irq);
            frame_bad_free(p, pa);
        }
        frame_inuse_flip(p, pa);
    }
    if (p->flags & FRAME_POISON)
        memset(phys_to_virt(pa), FRAME_POISON_BYTE, PAGE_SIZE);
}

void frame_bad_free(struct frame_pool *p, phys_addr_t pa)
{
    if (pa == PHYS_NONE)
        panic("frame_free(0x%lx): PHYS_NONE, a failed allocation, was freed", pa);
    if (!IS_ALIGNED(pa, PAGE_SIZE))
        panic("frame_free(0x%lx): misaligned, not on a 4 KiB frame boundary", pa);
    if (pa >= p->end)
        panic("frame_free(0x%lx): outside RAM (frames end at 0x%lx)", pa, p->end);

    const struct region *r = region_lookup(p->regions, pa);
    if (!r)
        panic("frame_free(0x%lx): in a hole of the memory map, not RAM", pa);
    if (r->tag == REGION_FREE)
        panic("frame_free(0x%lx): never allocated or already freed: free in the region list", pa);
    if (r->tag == REGION_DMA)
        panic("frame_free(0x%lx): inside the run [0x%lx, 0x%lx): use frame_free_run", pa, r->base,
              r->end);
    if (r->tag != REGION_FRAMES)
        panic("frame_free(0x%lx): inside the reserved range [0x%lx, 0x%lx) (%s)", pa, r->base,
              r->end, region_tag_name(r->tag));
    if (pa >= p->seed_base && pa < p->seed_next)
        panic("frame_free(0x%lx): never allocated: the seed cursor has not handed it out yet", pa);
    /* Ours and handed out before: without the FRAME_CHECK bitmap we cannot say more. */
    panic("frame_free(0x%lx): %s", pa,
          p->inuse ? "double free: already free (on the stack or in a CPU's cache)"
                   : "not a frame from frame_alloc");
}

void frame_check_refill(struct frame_pool *p, phys_addr_t pa, enum frame_source src, uint64_t irq)
{
    if ((p->flags & FRAME_CHECK) && (!IS_ALIGNED(pa, PAGE_SIZE) || pa >= p->end)) {
        irqlock_release(&p->lock, irq);
        panic("frame_alloc: free stack corrupted: it held 0x%lx, which is %s", pa,
              IS_ALIGNED(pa, PAGE_SIZE) ? "outside RAM" : "misaligned");
    }
    if ((p->flags & FRAME_CHECK) && frame_inuse_test(p, pa)) {
        irqlock_release(&p->lock, irq);
        panic("frame_alloc: 0x%lx is %s but already in use (free stack corrupted)", pa,
              src == FRAME_FROM_SEED ? "in the seed chunk" : "on the free stack");
    }
}

void frame_check_alloc(struct frame_pool *p, phys_addr_t pa, enum frame_source src, uint64_t irq)
{
    frame_check_refill(p, pa, src, irq); /* what the stack held: in range, not in use */
    if (p->flags & FRAME_CHECK)
        frame_inuse_flip(p, pa);
    uint64_t bad = p->flags & FRAME_POISON ? unpoisoned_at(pa, src) : PAGE_SIZE;
    if (bad < PAGE_SIZE) {
        irqlock_release(&p->lock, irq);
        written_after_free(pa, bad);
    }
}

void frame_check_handout(struct frame_pool *p, phys_addr_t pa, enum frame_source src)
{
    if ((p->flags & FRAME_CHECK) && frame_inuse_set(p, pa, true))
        panic("frame_alloc: 0x%lx is in CPU %u's frame cache but already in use (cache "
              "corrupted)",
              pa, arch_cpu_index());
    uint64_t bad = p->flags & FRAME_POISON ? unpoisoned_at(pa, src) : PAGE_SIZE;
    if (bad < PAGE_SIZE)
        written_after_free(pa, bad);
}

void frame_check_cached_free(struct frame_pool *p, phys_addr_t pa)
{
    /* Whichever CPU's cache or stack holds the frame, its bit is clear: a second free sees it. */
    if ((p->flags & FRAME_CHECK) && !frame_inuse_set(p, pa, false))
        frame_bad_free(p, pa);
    if (p->flags & FRAME_POISON)
        memset(phys_to_virt(pa), FRAME_POISON_BYTE, PAGE_SIZE);
}

phys_addr_t frame_check_restack(struct frame_pool *p, phys_addr_t entry)
{
    phys_addr_t pa = entry & ~FRAME_CACHED_SOURCE;
    enum frame_source src = (enum frame_source)(entry & FRAME_CACHED_SOURCE);
    if ((p->flags & FRAME_POISON) && src != FRAME_FROM_SLOT)
        memset(phys_to_virt(pa), FRAME_POISON_BYTE,
               src == FRAME_FROM_HEAD ? FRAME_HEADER_BYTES : PAGE_SIZE);
    return pa;
}
