/* SPDX-License-Identifier: 0BSD */
/*
 * The vDSO in every process (docs/processes.md "The vDSO"): the shared object built from
 * src/vdso/ (embedded by boot/vdso_image.asm, whole pages) and, in the page just below it, the
 * kernel's clock numbers (vclock_page, <frame64/vclock.h>), which the vDSO reads to compute the
 * clocks as time_ns() and wallclock_ns() do. Both are pages of the kernel image, mapped with
 * vmspace_map_phys(): one set of frames for every process, owned by no space, so a teardown
 * unmaps them and frees nothing, a fork copies the mapping and an exec maps them again. The
 * program sees them read+execute (the vDSO) and read-only (the clock page), and may not make
 * them writable (vdso_protect_ok()).
 */
#include <frame64/phys.h>
#include <frame64/vclock.h>
#include <frame64/interrupts.h>
#include "proc_internal.h"

extern const uint8_t vdso_image[], vdso_image_end[];

/* The clock page goes at a random page of [PROC_MMAP_TOP, this), the vDSO above it: the gap
 * between the mmap area and the stack's guard page, which nothing else uses. */
#define VDSO_AREA_END (PROC_STACK_TOP - PROC_STACK_MAX - 2 * PAGE_SIZE)

static uint64_t vdso_size(void)
{
    return (uintptr_t)vdso_image_end - (uintptr_t)vdso_image; /* whole pages (vdso_image.asm) */
}

int vdso_map(struct vmspace *vs, uint64_t random, uint64_t *clock_page)
{
    uint64_t slots = (VDSO_AREA_END - PROC_MMAP_TOP - vdso_size()) / PAGE_SIZE;
    uint64_t at = PROC_MMAP_TOP + random % slots * PAGE_SIZE;
    int err = vmspace_map_phys(vs, at, virt_to_phys(&vclock_page), PAGE_SIZE, VM_USER | VM_READ);
    if (err == K_OK)
        err = vmspace_map_phys(vs, at + PAGE_SIZE, virt_to_phys(vdso_image), vdso_size(),
                               VM_USER | VM_READ | VM_EXEC);
    *clock_page = at;
    return err;
}

bool vdso_protect_ok(const struct process *p, uint64_t addr, uint64_t len, unsigned prot)
{
    uint64_t lo = p->vdso, hi = p->vdso + PAGE_SIZE + vdso_size();
    return !p->vdso || !(prot & VM_WRITE) || addr >= hi || addr + len <= lo;
}
