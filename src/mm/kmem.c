/* SPDX-License-Identifier: 0BSD */
/*
 * Small kernel objects in pages of one size class each (include/frame64/kmem.h). A page is
 * [header | object | object | ...]; its free objects are linked through their first word. Pages
 * with a free object are on their class's partial list (doubly linked, so a page that empties
 * leaves it in O(1)); full pages are on no list. The header carries a magic word and the class so
 * that a free of a pointer kmem did not hand out is caught (panic naming the address) instead of
 * corrupting a list.
 */
#include <frame64/kmem.h>
#include <frame64/kstring.h>
#include <frame64/panic.h>

#define KMEM_MAGIC 0x6b6d656d70616765ull /* "kmempage" */

struct kmem_free_obj {
    struct kmem_free_obj *next;
};

struct kmem_page {
    uint64_t magic;
    struct kmem_page *prev, *next; /* on the class's partial list */
    struct kmem_free_obj *free;    /* free objects of this page */
    uint32_t cls, used, capacity;
    bool listed;
};
_Static_assert(sizeof(struct kmem_page) <= KMEM_HEADER, "the header must fit its space");

/* 16, 32, ..., 1024, then KMEM_MAX: the largest class is cut so that two fit a page. */
static size_t class_size(unsigned cls)
{
    return cls == KMEM_CLASSES - 1 ? KMEM_MAX : (size_t)16 << cls;
}

static unsigned class_of(size_t size)
{
    unsigned cls = 0;
    while (class_size(cls) < size)
        cls++;
    return cls;
}

void kmem_init(struct kmem *m, const struct kmem_ops *ops, void *ctx)
{
    memset(m, 0, sizeof(*m));
    m->ops = ops;
    m->ctx = ctx;
}

static void list_add(struct kmem *m, struct kmem_page *pg)
{
    pg->prev = NULL;
    pg->next = m->partial[pg->cls];
    if (pg->next)
        pg->next->prev = pg;
    m->partial[pg->cls] = pg;
    pg->listed = true;
}

static void list_del(struct kmem *m, struct kmem_page *pg)
{
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        m->partial[pg->cls] = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
    pg->prev = pg->next = NULL;
    pg->listed = false;
}

/* A fresh page of class cls with every object free, on the partial list. Return: NULL if none. */
static struct kmem_page *grow(struct kmem *m, unsigned cls)
{
    uint8_t *base = m->ops->page_alloc(m->ctx);
    if (!base)
        return NULL;
    struct kmem_page *pg = (struct kmem_page *)base;
    memset(pg, 0, sizeof(*pg));
    pg->magic = KMEM_MAGIC;
    pg->cls = cls;
    pg->capacity = (uint32_t)((KMEM_PAGE - KMEM_HEADER) / class_size(cls));
    /* Linked so the lowest object goes first: a fresh page fills front to back. */
    for (uint32_t i = pg->capacity; i-- > 0;) {
        struct kmem_free_obj *o =
            (struct kmem_free_obj *)(base + KMEM_HEADER + i * class_size(cls));
        o->next = pg->free;
        pg->free = o;
    }
    m->pages++;
    list_add(m, pg);
    return pg;
}

void *kmem_alloc(struct kmem *m, size_t size)
{
    if (!size || size > KMEM_MAX)
        return NULL;
    unsigned cls = class_of(size);
    struct kmem_page *pg = m->partial[cls];
    if (!pg && !(pg = grow(m, cls)))
        return NULL;
    struct kmem_free_obj *o = pg->free;
    pg->free = o->next;
    if (++pg->used == pg->capacity)
        list_del(m, pg);
    m->objects[cls]++;
    memset(o, 0, class_size(cls));
    return o;
}

void kmem_free(struct kmem *m, void *obj)
{
    if (!obj)
        return;
    uintptr_t addr = (uintptr_t)obj;
    struct kmem_page *pg = (struct kmem_page *)(addr & ~(uintptr_t)(KMEM_PAGE - 1));
    if (pg->magic != KMEM_MAGIC || pg->cls >= KMEM_CLASSES)
        panic("kmem: free of %p, which is not in a kmem page", obj);
    uintptr_t off = addr - (uintptr_t)pg;
    if (off < KMEM_HEADER || (off - KMEM_HEADER) % class_size(pg->cls) ||
        (off - KMEM_HEADER) / class_size(pg->cls) >= pg->capacity || !pg->used)
        panic("kmem: free of %p, which is not an object's start in its %zu-byte page", obj,
              class_size(pg->cls));
    for (struct kmem_free_obj *f = pg->free; f; f = f->next)
        if (f == obj)
            panic("kmem: double free of %p", obj);
    struct kmem_free_obj *o = obj;
    o->next = pg->free;
    pg->free = o;
    m->objects[pg->cls]--;
    if (!pg->listed)
        list_add(m, pg);
    if (--pg->used == 0) {
        list_del(m, pg);
        pg->magic = 0;
        m->pages--;
        m->ops->page_free(m->ctx, pg);
    }
}

uint64_t kmem_objects(const struct kmem *m)
{
    uint64_t n = 0;
    for (unsigned c = 0; c < KMEM_CLASSES; c++)
        n += m->objects[c];
    return n;
}
