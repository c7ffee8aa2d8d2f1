/* SPDX-License-Identifier: 0BSD */
/* Basic types shared by kernel and host builds: fixed-width integers and a physical address type.
 */
#ifndef FRAME64_TYPES_H
#define FRAME64_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A physical address. Kept apart from pointers: it is never dereferenced without phys_to_virt(). */
typedef uint64_t phys_addr_t;

#define PAGE_SHIFT 12
#define PAGE_SIZE  ((uint64_t)1 << PAGE_SHIFT)
#define KiB        ((uint64_t)1 << 10)
#define MiB        ((uint64_t)1 << 20)
#define GiB        ((uint64_t)1 << 30)
#define TiB        ((uint64_t)1 << 40)

/* Highest representable physical address plus one would overflow; ranges clamp to this instead. */
#define PHYS_ADDR_MAX UINT64_MAX

/*
 * "No address": what every allocator, lookup and translation returns when it has none to give
 * (frame_alloc(), region_alloc(), pt_translate(), dma_alloc()). Never a valid frame: it is not
 * page aligned.
 */
#define PHYS_NONE ((phys_addr_t)UINT64_MAX)

#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a)   ALIGN_DOWN((x) + ((uint64_t)(a)-1), (a))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a)-1)) == 0)
#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#endif
