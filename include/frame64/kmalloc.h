/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's small objects (src/kernel/kmalloc.c): kmem (include/frame64/kmem.h) over frames of
 * the frame manager, behind one lock, from any CPU. Up to KMEM_MAX bytes; anything larger takes
 * whole frames. Its frames are their own line of the memory statistics.
 */
#ifndef FRAME64_KMALLOC_H
#define FRAME64_KMALLOC_H

#include <frame64/kmem.h>
#include <frame64/types.h>

/* size bytes (1..KMEM_MAX), zeroed. Return: the object, or NULL (no frame). */
void *kmalloc(size_t size);
/* Gives obj back (NULL: nothing). */
void kfree(void *obj);
/* Frames kmalloc holds, and objects handed out. */
void kmalloc_stats(uint64_t *frames, uint64_t *objects);

#endif
