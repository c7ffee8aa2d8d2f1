/* SPDX-License-Identifier: 0BSD */
/*
 * Host backing for phys_to_virt()/virt_to_phys() and the physmap calls: an mmap'd sparse arena
 * (see arena.h).
 */
#define _DEFAULT_SOURCE
#include "arena.h"

#include <frame64/phys.h>
#include <frame64/physmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static uint8_t *base;
static uint64_t size;

void arena_create(uint64_t bytes)
{
    arena_destroy();
    void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
        perror("arena_create: mmap");
        abort();
    }
    base = p;
    size = bytes;
}

void arena_destroy(void)
{
    if (base)
        munmap(base, size);
    base = NULL;
    size = 0;
}

int arena_teardown(void **state)
{
    (void)state;
    arena_destroy();
    return 0;
}

uint8_t *arena_base(void)
{
    return base;
}

uint64_t arena_size(void)
{
    return size;
}

uint64_t arena_resident(phys_addr_t lo, phys_addr_t hi)
{
    long host_page = sysconf(_SC_PAGESIZE);
    uint64_t count = 0;
    unsigned char vec[256];
    lo = ALIGN_DOWN(lo, host_page);
    while (lo < hi) {
        uint64_t n = MIN((hi - lo + host_page - 1) / host_page, sizeof(vec));
        if (mincore(base + lo, n * host_page, vec) != 0) {
            perror("arena_resident: mincore");
            abort();
        }
        for (uint64_t i = 0; i < n; i++)
            count += vec[i] & 1;
        lo += n * host_page;
    }
    return count * host_page / PAGE_SIZE;
}

void arena_discard(phys_addr_t lo, phys_addr_t hi)
{
    madvise(base + lo, hi - lo, MADV_DONTNEED);
}

void *phys_to_virt(phys_addr_t pa)
{
    if (!base || pa >= size) {
        fprintf(stderr, "phys_to_virt(%#llx): outside the test arena of %#llx bytes\n",
                (unsigned long long)pa, (unsigned long long)size);
        abort();
    }
    return base + pa;
}

phys_addr_t virt_to_phys(const void *va)
{
    const uint8_t *p = va;
    if (!base || p < base || p >= base + size) {
        fprintf(stderr, "virt_to_phys(%p): not inside the test arena\n", va);
        abort();
    }
    return (phys_addr_t)(p - base);
}

/*
 * The kernel's physmap control (include/frame64/physmap.h), for code that switches translations:
 * the arena reaches all of itself all the time, so a switch only records what it was asked to load.
 */
static phys_addr_t physmap_pml4;
static uint64_t physmap_virt_base;
static phys_addr_t physmap_end;

void physmap_switch(phys_addr_t pml4, uint64_t virt_base, phys_addr_t mapped_end)
{
    physmap_pml4 = pml4;
    physmap_virt_base = virt_base;
    physmap_end = mapped_end;
}

phys_addr_t physmap_limit(void)
{
    return size;
}

phys_addr_t arena_physmap_pml4(void)
{
    return physmap_pml4;
}

uint64_t arena_physmap_base(void)
{
    return physmap_virt_base;
}

phys_addr_t arena_physmap_end(void)
{
    return physmap_end;
}
