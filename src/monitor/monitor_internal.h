/* SPDX-License-Identifier: 0BSD */
/* Shared by the monitor's command files; not an API. */
#ifndef FRAME64_MONITOR_INTERNAL_H
#define FRAME64_MONITOR_INTERNAL_H

#include <frame64/types.h>

/* Frames `alloc` keeps now (cmd_alloc.c). */
uint64_t monitor_held_frames(void);

/* Frames (`alloc`) and runs (`run`) the monitor holds now. */
void monitor_holdings(uint64_t *frames, unsigned *runs);

/* Whether the monitor holds the frame at pa (`alloc`) or a run containing it (`run`). */
bool monitor_holds_frame(phys_addr_t pa);
bool monitor_holds_run(phys_addr_t pa, phys_addr_t *base, uint64_t *bytes);

/*
 * Parses argv's number word into *out, printing the sentence when it is not one.
 * Return: whether it is.
 */
bool monitor_number(const char *word, uint64_t *out);

#endif
