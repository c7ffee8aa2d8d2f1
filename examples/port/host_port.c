/* SPDX-License-Identifier: 0BSD */
/*
 * Hosted defaults of the porting layer (host_port.h): what a kernel supplies from its direct map,
 * console and panic path, supplied here by the C library so the unit runs in a plain program.
 */
#include "host_port.h"

#include <stdio.h>
#include <stdlib.h>

_Thread_local unsigned host_cpu; /* <arch/cpu_local.h>: the CPU this thread stands for */

static struct backed {
    phys_addr_t base, end;
    unsigned char *mem;
} ranges[HOST_PORT_RANGES];
static unsigned nranges;

int host_phys_back(phys_addr_t base, phys_addr_t end)
{
    if (base >= end || !IS_ALIGNED(base, PAGE_SIZE) || !IS_ALIGNED(end, PAGE_SIZE))
        return K_EINVAL;
    for (unsigned i = 0; i < nranges; i++)
        if (base <= ranges[i].end && ranges[i].base <= end) /* touching would invite runs across */
            return K_EINVAL;
    if (nranges == HOST_PORT_RANGES)
        return K_ENOMEM;
    unsigned char *mem = aligned_alloc(PAGE_SIZE, end - base);
    if (!mem)
        return K_ENOMEM;
    ranges[nranges++] = (struct backed){base, end, mem};
    return K_OK;
}

void host_phys_release(void)
{
    for (unsigned i = 0; i < nranges; i++)
        free(ranges[i].mem);
    nranges = 0;
}

/* A scan: a handful of ranges, and the kernel's version is one addition anyway. */
void *phys_to_virt(phys_addr_t pa)
{
    for (unsigned i = 0; i < nranges; i++)
        if (pa >= ranges[i].base && pa < ranges[i].end)
            return ranges[i].mem + (pa - ranges[i].base);
    panic("phys_to_virt(0x%lx): not RAM the program backed (host_phys_back())", pa);
}

phys_addr_t virt_to_phys(const void *va)
{
    const unsigned char *p = va;
    for (unsigned i = 0; i < nranges; i++)
        if (p >= ranges[i].mem && p < ranges[i].mem + (ranges[i].end - ranges[i].base))
            return ranges[i].base + (phys_addr_t)(p - ranges[i].mem);
    panic("virt_to_phys(%p): not in a backed range", va);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fprintf(stderr, "panic: %s:%d: ", file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
