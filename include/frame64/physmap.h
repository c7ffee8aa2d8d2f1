/* SPDX-License-Identifier: 0BSD */
/* Kernel-only control of what phys_to_virt() translates through (see src/arch/x86_64/physmap.c). */
#ifndef FRAME64_PHYSMAP_H
#define FRAME64_PHYSMAP_H

#include <frame64/types.h>

/* From now on physical pa is at virt_base + pa, for pa below mapped_end. */
void physmap_set_base(uint64_t virt_base, phys_addr_t mapped_end);
/* Physical addresses below this are reachable through phys_to_virt(). */
phys_addr_t physmap_limit(void);

#endif
