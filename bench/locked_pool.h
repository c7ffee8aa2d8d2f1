/* SPDX-License-Identifier: 0BSD */
/*
 * A comparison allocator for bench_threads: frame64's shared stack behind its one lock, with no
 * per-CPU cache in front, so every allocation and free takes the pool's lock (what the pool was
 * before the caches, and what a simple kernel would write). It calls the stack's own locked entry
 * points, frame_pool_alloc() and frame_pool_free() (src/mm/frame_internal.h), on a pool whose
 * caches stay empty. Only bench/ uses it.
 */
#ifndef BENCH_LOCKED_POOL_H
#define BENCH_LOCKED_POOL_H

#include <frame64/frame.h>

/* A frame off the shared stack (or its cursor) under the pool's lock. Return: it, or PHYS_NONE. */
phys_addr_t locked_alloc(struct frame_pool *p);

/* Gives pa back to the shared stack under the pool's lock. */
void locked_free(struct frame_pool *p, phys_addr_t pa);

#endif
