/* SPDX-License-Identifier: 0BSD */
/* The kernel's policy for page faults and double faults (src/kernel/fault.c). */
#ifndef FRAME64_FAULT_H
#define FRAME64_FAULT_H

#include <frame64/types.h>

/* Installs the page-fault and double-fault policies. */
void fault_init(void);

/* How many faulting probes (arch_probe_read()) were reported and resumed since boot. */
uint64_t fault_probes_caught(void);

#endif
