/* SPDX-License-Identifier: 0BSD */
/*
 * Which CPU this is. Every CPU has a small index (the boot CPU is 0, the others follow in the
 * order they were started), found through its per-CPU area (GS base): portable per-CPU data is an
 * array indexed by cpu_index().
 */
#ifndef FRAME64_CPU_H
#define FRAME64_CPU_H

#include <frame64/frame_config.h> /* CPU_MAX */
#include <frame64/types.h>

/* This CPU's index, 0 .. cpu_count() - 1. */
unsigned cpu_index(void);

/* CPUs online (1 until the others are started). */
unsigned cpu_count(void);

/* Publishes how many CPUs are online (src/kernel/smp.c, as each one comes up). */
void cpu_set_count(unsigned n);

#endif
