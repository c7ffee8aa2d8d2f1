/* SPDX-License-Identifier: 0BSD */
/*
 * The sharing table: the owned frames that have more than one mapping (in two spaces, or twice
 * in one), with their mapping counts, so such a frame is freed once, when its last mapping goes.
 * A frame with a single mapping is not in it: its leaf alone says who frees it. So the table's
 * memory follows the number of shared frames, not the installed RAM: an open-addressing hash
 * table (linear probing, deletion by backward shift, no tombstones) in pool frames, kept between
 * 1/8 and 1/2 full, given back entirely when no frame is shared. One table per env, because a
 * frame may be shared between any of its spaces.
 */
#include <frame64/panic.h>

#include "vmspace_internal.h"

struct share_entry {
    phys_addr_t key; /* frame | 1 (0: empty) */
    uint64_t count;  /* mappings, >= 2 */
};

#define PER_FRAME (PAGE_SIZE / sizeof(struct share_entry))

static struct share_entry *slot(const struct vm_fvec *v, uint64_t i)
{
    return vm_fvec_at(v, i, sizeof(struct share_entry));
}

/* Where key's probe sequence starts in a table of capacity entries (a power of two >= 256). */
static uint64_t home(phys_addr_t key, uint64_t capacity)
{
    unsigned bits = (unsigned)__builtin_ctzll(capacity);
    return ((key >> PAGE_SHIFT) * 0x9e3779b97f4a7c15ull) >> (64 - bits);
}

/* The index of pa's entry, or the empty slot where it would go. */
static uint64_t probe(const struct vm_share *sh, phys_addr_t pa)
{
    uint64_t mask = sh->capacity - 1, key = pa | 1;
    for (uint64_t i = home(key, sh->capacity);; i = (i + 1) & mask) {
        phys_addr_t k = slot(&sh->slots, i)->key;
        if (k == 0 || k == key)
            return i;
    }
}

/* Rebuilds the table with capacity entries. Return: K_OK or K_ENOMEM (the table unchanged). */
static int rehash(struct vmspace_env *env, uint64_t capacity)
{
    struct vm_share *sh = &env->share;
    struct vm_share fresh = {.slots = {PHYS_NONE, 0}, .capacity = capacity};
    if (vm_fvec_resize(env, &fresh.slots, capacity / PER_FRAME) != K_OK)
        return K_ENOMEM;
    for (uint64_t i = 0; i < sh->capacity; i++) {
        const struct share_entry *e = slot(&sh->slots, i);
        if (e->key)
            *slot(&fresh.slots, probe(&fresh, e->key & ~(uint64_t)1)) = *e;
    }
    vm_fvec_resize(env, &sh->slots, 0);
    sh->slots = fresh.slots;
    sh->capacity = capacity;
    return K_OK;
}

int vm_share_reserve(struct vmspace_env *env, uint64_t extra)
{
    struct vm_share *sh = &env->share;
    uint64_t need = sh->count + extra;
    if (need * 2 <= sh->capacity)
        return K_OK;
    uint64_t capacity = PER_FRAME;
    while (capacity < need * 2) {
        if (capacity >= VM_FVEC_MAX_FRAMES * PER_FRAME)
            return K_ENOMEM;
        capacity *= 2;
    }
    return rehash(env, capacity);
}

bool vm_share_contains(const struct vmspace_env *env, phys_addr_t pa)
{
    const struct vm_share *sh = &env->share;
    return sh->count != 0 && slot(&sh->slots, probe(sh, pa))->key != 0;
}

void vm_share_add(struct vmspace_env *env, phys_addr_t pa)
{
    struct vm_share *sh = &env->share;
    if (sh->capacity != 0) {
        struct share_entry *e = slot(&sh->slots, probe(sh, pa));
        if (e->key) {
            e->count++;
            sh->mappings++;
            return;
        }
    }
    if ((sh->count + 1) * 2 > sh->capacity)
        panic("vmspace: sharing the frame %lx with no room reserved in the sharing table", pa);
    *slot(&sh->slots, probe(sh, pa)) = (struct share_entry){pa | 1, 2};
    sh->count++;
    sh->mappings += 2;
}

/* Empties slot i, moving up the entries after it that its emptiness would make unreachable. */
static void delete_at(struct vm_share *sh, uint64_t i)
{
    uint64_t mask = sh->capacity - 1;
    for (uint64_t j = (i + 1) & mask;; j = (j + 1) & mask) {
        struct share_entry *e = slot(&sh->slots, j);
        if (e->key == 0)
            break;
        uint64_t k = home(e->key, sh->capacity);
        bool reachable = i <= j ? (i < k && k <= j) : (i < k || k <= j);
        if (!reachable) { /* its probe from k passes i: move it there */
            *slot(&sh->slots, i) = *e;
            i = j;
        }
    }
    slot(&sh->slots, i)->key = 0;
}

bool vm_share_drop(struct vmspace_env *env, phys_addr_t pa)
{
    struct vm_share *sh = &env->share;
    if (sh->count == 0)
        return false;
    uint64_t i = probe(sh, pa);
    struct share_entry *e = slot(&sh->slots, i);
    if (e->key == 0)
        return false; /* its only mapping (the SHARED bit was stale) */
    sh->mappings--;
    if (--e->count > 1)
        return true;
    sh->mappings--; /* one mapping left: it owns the frame alone again */
    sh->count--;
    delete_at(sh, i);
    if (sh->count * 8 < sh->capacity && sh->capacity > PER_FRAME)
        rehash(env, sh->capacity / 2); /* if no frame is free the table just stays larger */
    vm_share_trim(env);
    return true;
}

void vm_share_trim(struct vmspace_env *env)
{
    struct vm_share *sh = &env->share;
    if (sh->count == 0 && sh->capacity != 0) {
        vm_fvec_resize(env, &sh->slots, 0);
        sh->capacity = 0;
    }
}
