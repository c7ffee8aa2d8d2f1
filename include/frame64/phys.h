/* SPDX-License-Identifier: 0BSD */
/*
 * The one pair of functions that translates between physical and virtual addresses.
 * The kernel backs them with its direct map (src/arch/x86_64/physmap.c); host tests back them
 * with an arena (tests/support/arena.c), so pure memory-management code compiles unchanged for
 * both.
 */
#ifndef FRAME64_PHYS_H
#define FRAME64_PHYS_H

#include <frame64/types.h>

/* Returns a pointer through which the byte at physical address pa can be read and written. */
void *phys_to_virt(phys_addr_t pa);

/* Inverse of phys_to_virt() for pointers it returned (and, in the kernel, for the kernel image). */
phys_addr_t virt_to_phys(const void *va);

#endif
