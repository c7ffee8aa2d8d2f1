/* SPDX-License-Identifier: 0BSD */
/* Kernel-only control of what phys_to_virt() translates through (see src/arch/x86_64/physmap.c). */
#ifndef FRAME64_PHYSMAP_H
#define FRAME64_PHYSMAP_H

#include <frame64/types.h>

/*
 * Loads the page tables at pml4 and, in the same step, makes phys_to_virt() translate through
 * them: physical pa is at virt_base + pa from now on, for pa below mapped_end. (The tables that
 * were live before, and any mapping only they had, are gone.)
 */
void physmap_switch(phys_addr_t pml4, uint64_t virt_base, phys_addr_t mapped_end);
/* Physical addresses below this are reachable through phys_to_virt(). */
phys_addr_t physmap_limit(void);

#endif
