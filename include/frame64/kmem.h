/* SPDX-License-Identifier: 0BSD */
/*
 * Small kernel objects (src/mm/kmem.c, pure): sizes from 16 to 2,016 bytes carved from 4 KiB
 * pages the caller hands in through a callback, in power-of-two classes, as a slab allocator
 * does. Each page holds objects of one class and starts with a header naming it, so kmem_free()
 * needs only the pointer. A page whose last object is freed goes back at once: every page comes
 * back when every object does, and the count of pages held is exact at every return (the frame
 * statistics show it as its own line). Not locked: the caller serialises (the kernel's glue
 * holds one lock around each call).
 *
 *   static const struct kmem_ops ops = { .page_alloc = take, .page_free = give };
 *   struct kmem m;
 *   kmem_init(&m, &ops, ctx);
 *   struct thing *t = kmem_alloc(&m, sizeof(*t));   // zeroed, or NULL: out of pages
 *   kmem_free(&m, t);
 */
#ifndef FRAME64_KMEM_H
#define FRAME64_KMEM_H

#include <frame64/types.h>

#define KMEM_PAGE    4096u
#define KMEM_CLASSES 8 /* 16, 32, ..., 1024 bytes, and KMEM_MAX */
#define KMEM_HEADER  64u
#define KMEM_MAX     ((KMEM_PAGE - KMEM_HEADER) / 2) /* a page holds two of the largest */

struct kmem_ops {
    /* A page of KMEM_PAGE bytes, aligned to KMEM_PAGE, or NULL when there is none. */
    void *(*page_alloc)(void *ctx);
    void (*page_free)(void *ctx, void *page);
};

struct kmem_page; /* the header at the start of each page (src/mm/kmem.c) */

struct kmem {
    const struct kmem_ops *ops;
    void *ctx;
    struct kmem_page *partial[KMEM_CLASSES]; /* pages of each class with a free object */
    uint64_t pages;                          /* pages held */
    uint64_t objects[KMEM_CLASSES];          /* objects handed out, per class */
};

void kmem_init(struct kmem *m, const struct kmem_ops *ops, void *ctx);
/* size bytes (1..KMEM_MAX), zeroed. Return: the object, or NULL (no page, or size out of range). */
void *kmem_alloc(struct kmem *m, size_t size);
/* Gives obj back (NULL: nothing); panics on a pointer that is not a live object of m. */
void kmem_free(struct kmem *m, void *obj);
/* Objects handed out and not freed, all classes. */
uint64_t kmem_objects(const struct kmem *m);

#endif
