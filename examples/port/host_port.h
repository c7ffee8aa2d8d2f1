/* SPDX-License-Identifier: 0BSD */
/*
 * The porting layer's hosted defaults (include/frame64/frame_port.h), for running the frame
 * manager in an ordinary program: physical memory is a few malloc'd blocks, one per RAM range
 * the program declares, so addresses from a real firmware map (RAM above 4 GiB included) work
 * without reserving the whole address space; kprintf() is stdio, panic_at() aborts, and each
 * thread names the CPU it stands for with host_cpu_set() (<arch/cpu_local.h>).
 */
#ifndef FRAME64_HOST_PORT_H
#define FRAME64_HOST_PORT_H

#include <frame64/frame_port.h>

/*
 * Backs physical [base, end) (page aligned, not touching another backed range) with host memory,
 * so phys_to_virt() reaches it. Return: K_OK; K_EINVAL for a bad range; K_ENOMEM when the host
 * has no memory or HOST_PORT_RANGES ranges are backed already.
 */
#define HOST_PORT_RANGES 16
int host_phys_back(phys_addr_t base, phys_addr_t end);

/* Frees every backed range (phys_to_virt() panics afterwards). */
void host_phys_release(void);

#endif
