/* SPDX-License-Identifier: 0BSD */
/*
 * A sparse test arena that stands in for physical memory in host tests: physical address pa is
 * arena_base() + pa. Reserved with MAP_NORESERVE, so a terabyte costs nothing until touched,
 * and arena_resident() tells which pages were touched.
 */
#ifndef TEST_ARENA_H
#define TEST_ARENA_H

#include <frame64/types.h>

/* Maps a fresh arena of size bytes standing for physical [0, size). Replaces any earlier one. */
void arena_create(uint64_t size);
void arena_destroy(void);
/* cmocka teardown fixture: arena_destroy(). */
int arena_teardown(void **state);
uint8_t *arena_base(void);
uint64_t arena_size(void);

/* Number of 4 KiB pages of physical [base, end) that have been touched (are resident). */
uint64_t arena_resident(phys_addr_t base, phys_addr_t end);

/* Drops the contents of [base, end) so arena_resident() reads 0 there again (reads give zeroes). */
void arena_discard(phys_addr_t base, phys_addr_t end);

/* What the last physmap_switch() was asked to load (all 0 if it was never called). */
phys_addr_t arena_physmap_pml4(void);
uint64_t arena_physmap_base(void);
phys_addr_t arena_physmap_end(void);

#endif
