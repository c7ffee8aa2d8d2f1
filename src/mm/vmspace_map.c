/* SPDX-License-Identifier: 0BSD */
/*
 * Making and changing areas: anonymous, physical and shared mappings, unmap and protect
 * (include/frame64/vmspace.h has the contract). Every operation finds its errors and reserves
 * what it needs before changing anything, or undoes its own partial work (an area whose pages
 * could not all be mapped is unmapped again), so a failure leaves the space as it was.
 */
#include <frame64/error.h>
#include <frame64/pagetable.h>
#include <frame64/panic.h>

#include "vmspace_internal.h"

/* What a protection change keeps of a leaf. */
#define KEEP_BITS                                                                                  \
    (PTE_ADDR_MASK | PTE_SW_OWNED | PTE_SW_SHARED | PTE_SW_COW | PTE_SW_PIECE | PTE_PWT |          \
     PTE_PCD | PTE_ACCESSED | PTE_DIRTY | PTE_HUGE)

/* Checks prot (plus the options allowed) and normalises it into *out. */
static int check_prot(unsigned prot, unsigned options, unsigned *out)
{
    if (prot & ~(VM_PROT | options))
        return K_EINVAL;
    if ((prot & VM_WRITE) && (prot & VM_EXEC))
        return K_EPERM;
    if (prot & (VM_WRITE | VM_EXEC))
        prot |= VM_READ;
    *out = prot & VM_PROT;
    return K_OK;
}

int vm_check_range(uint64_t va, uint64_t size)
{
    if (size == 0 || !IS_ALIGNED(va | size, PAGE_SIZE))
        return K_EINVAL;
    if (va >= VMSPACE_USER_END || size > VMSPACE_USER_END - va)
        return K_EFAULT;
    return K_OK;
}

struct reprotect {
    struct vm_gather *g;
    uint64_t bits;
};

static void reprotect_leaf(struct vmspace *s, void *ctx, uint64_t va, uint64_t *e, uint64_t size)
{
    (void)s;
    struct reprotect *r = ctx;
    uint64_t now = (*e & KEEP_BITS) | r->bits;
    if (now & PTE_SW_COW)
        now &= ~PTE_WRITE; /* stays read-only until its write fault copies it */
    if (now != *e) {
        *e = now;
        vm_gather_range(r->g, va, size);
    }
}

/* Whether any area meets [lo, hi). */
static bool overlaps(const struct vmspace *s, uint64_t lo, uint64_t hi)
{
    uint64_t i = vm_area_search(s, lo);
    return i < s->stats.areas && vm_area_at(s, i)->start < hi;
}

bool vm_covered(const struct vmspace *s, uint64_t lo, uint64_t hi)
{
    for (uint64_t i = vm_area_search(s, lo); lo < hi; i++) {
        if (i == s->stats.areas || vm_area_at(s, i)->start > lo)
            return false;
        lo = vm_area_at(s, i)->end;
    }
    return true;
}

int vmspace_find_free(const struct vmspace *s, uint64_t lo, uint64_t hi, uint64_t size,
                      uint64_t *va)
{
    if (size == 0 || !IS_ALIGNED(lo | hi | size, PAGE_SIZE) || lo >= hi)
        return K_EINVAL;
    if (hi > VMSPACE_USER_END)
        return K_EFAULT;
    /* Gaps from the top down: [end of area i - 1, start of area i), clipped to [lo, hi). */
    uint64_t i = vm_area_search(s, hi); /* areas [0, i) end at or below hi */
    uint64_t top = hi;
    if (i < s->stats.areas)
        top = MIN(top, vm_area_at(s, i)->start);
    for (;;) {
        uint64_t bottom = MAX(i ? vm_area_at(s, i - 1)->end : 0, lo);
        if (top > bottom && top - bottom >= size) {
            *va = top - size;
            return K_OK;
        }
        if (i == 0 || bottom == lo)
            return K_ENOMEM;
        top = vm_area_at(s, --i)->start;
    }
}

/* Inserts the area [va, va + size) (which must be free) at *index. Return: K_OK or an error. */
static int new_area(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot, uint16_t kind,
                    uint16_t advice, uint64_t *index)
{
    if (overlaps(s, va, va + size))
        return K_EEXIST;
    int err = vm_area_reserve(s, 1);
    if (err != K_OK)
        return err;
    *index = vm_area_search(s, va);
    vm_area_insert(s, *index, &(struct vm_area){va, va + size, prot, kind, advice});
    return K_OK;
}

/* Takes back area i, made by this call, and whatever of it was mapped. */
static void drop_area(struct vmspace *s, uint64_t i)
{
    struct vm_area a = *vm_area_at(s, i);
    struct vm_gather g;
    vm_gather_init(&g, s);
    vm_clear_range(s, &g, a.start, a.end, true);
    vm_gather_finish(&g);
    vm_area_remove(s, i, 1);
    vm_area_trim(s);
}

/* Area i is complete: merge it with alike neighbours. */
static void settle_area(struct vmspace *s, uint64_t i)
{
    vm_area_merge(s, i ? i - 1 : 0, i + 2);
    vm_area_trim(s);
}

/* The empty leaf slot for va in a new area, tables linked as needed. Return: NULL if no frame. */
static uint64_t *new_leaf_slot(struct vmspace *s, uint64_t va)
{
    uint64_t *e;
    int err = pt_leaf_slot(s->pml4, va, VM_LINK, vm_table_alloc, s, &e);
    if (err == K_ENOMEM)
        return NULL;
    if (err != K_OK || *e != 0)
        panic("vmspace: %lx, in no area, is mapped (%s)", va,
              err == K_OK ? "a leaf" : "a huge page");
    return e;
}

int vmspace_map_anon(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot)
{
    unsigned p;
    uint64_t i;
    int err = vm_check_range(va, size);
    if (err == K_OK)
        err = check_prot(prot, VM_POPULATE | VM_HUGE, &p);
    if (err == K_OK)
        err = new_area(s, va, size, p, VM_AREA_ANON,
                       (prot & VM_HUGE) ? VMSPACE_HUGE : VMSPACE_ADVICE_NONE, &i);
    if (err != K_OK)
        return err;
    if (prot & VM_POPULATE) {
        struct vm_area a = *vm_area_at(s, i);
        for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
            if (vm_fault_in(s, va + off, &a) != K_OK) {
                drop_area(s, i);
                return K_ENOMEM;
            }
        }
    }
    settle_area(s, i);
    return K_OK;
}

int vmspace_map_phys(struct vmspace *s, uint64_t va, phys_addr_t phys, uint64_t size, unsigned prot)
{
    const uint64_t phys_limit = (uint64_t)1 << 52;
    unsigned p;
    uint64_t i;
    int err = vm_check_range(va, size);
    if (err == K_OK)
        err = check_prot(prot, VM_UNCACHED, &p);
    if (err == K_OK &&
        (!IS_ALIGNED(phys, PAGE_SIZE) || phys >= phys_limit || size > phys_limit - phys))
        err = K_EINVAL;
    if (err == K_OK)
        err = new_area(s, va, size, p, VM_AREA_FIXED, VMSPACE_ADVICE_NONE, &i);
    if (err != K_OK)
        return err;
    uint64_t bits = vm_prot_pte(s->env, p) | ((prot & VM_UNCACHED) ? PTE_PCD | PTE_PWT : 0);
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *e = new_leaf_slot(s, va + off);
        if (!e) {
            drop_area(s, i);
            return K_ENOMEM;
        }
        *e = (phys + off) | bits;
        vm_leaf_account(s, *e, 1);
    }
    settle_area(s, i);
    return K_OK;
}

int vmspace_map_file(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot)
{
    unsigned p;
    uint64_t i;
    int err = vm_check_range(va, size);
    if (err == K_OK)
        err = check_prot(prot, VM_NO_WRITE, &p);
    if (err == K_OK && (prot & VM_NO_WRITE) && (p & VM_WRITE))
        err = K_EACCES;
    if (err == K_OK)
        err = new_area(s, va, size, p, (prot & VM_NO_WRITE) ? VM_AREA_FILE_RO : VM_AREA_FILE,
                       VMSPACE_ADVICE_NONE, &i);
    if (err != K_OK)
        return err;
    settle_area(s, i);
    return K_OK;
}

/* The leaf of a populated page of src. */
static uint64_t *source_leaf(struct vmspace *src, uint64_t va)
{
    int level;
    uint64_t *e = pt_find(src->pml4, va, &level);
    if (level != 0 || *e == 0)
        panic("vmspace_share: source page %lx has no leaf after it was faulted in", va);
    return e;
}

/*
 * Faults in every demand-zero page of [lo, hi) (which areas cover), splits its 2 MiB pages (a
 * shared frame is shared as 4 KiB pieces, vmspace_huge.c) and gives every copy-on-write page its
 * own frame: a shared mapping of a frame that a fork's other side still reads would let writes
 * through it reach that side.
 */
static int populate(struct vmspace *s, uint64_t lo, uint64_t hi)
{
    for (uint64_t i = vm_area_search(s, lo); i < s->stats.areas; i++) {
        struct vm_area a = *vm_area_at(s, i);
        if (a.start >= hi)
            break;
        for (uint64_t va = MAX(a.start, lo); va < MIN(a.end, hi); va += PAGE_SIZE) {
            int level, err = K_OK;
            if (a.kind == VM_AREA_ANON)
                err = vm_fault_in(s, va, &a);
            if (err == K_OK)
                err = vm_huge_split(s, va);
            /* A page of a file area past the file's end has nothing to share. */
            if (err == K_OK && a.kind != VM_AREA_ANON && *pt_find(s->pml4, va, &level) == 0)
                err = K_ENOENT;
            uint64_t *e = err == K_OK ? source_leaf(s, va) : NULL;
            if (e && (*e & PTE_SW_COW))
                err = vm_cow_break(s, va, e, a.prot);
            if (err != K_OK)
                return err;
        }
    }
    return K_OK;
}

int vmspace_share(struct vmspace *dst, uint64_t dst_va, struct vmspace *src, uint64_t src_va,
                  uint64_t size, unsigned prot)
{
    unsigned p;
    uint64_t i;
    int err = vm_check_range(dst_va, size);
    if (err == K_OK)
        err = vm_check_range(src_va, size);
    if (err == K_OK)
        err = check_prot(prot, 0, &p);
    if (err == K_OK && dst->env != src->env)
        err = K_EINVAL;
    if (err == K_OK && !vm_covered(src, src_va, src_va + size))
        err = K_ENOENT;
    if (err == K_OK && overlaps(dst, dst_va, dst_va + size))
        err = K_EEXIST;
    if (err == K_OK)
        err = populate(src, src_va, src_va + size);
    if (err == K_OK)
        err = new_area(dst, dst_va, size, p, VM_AREA_FIXED, VMSPACE_ADVICE_NONE, &i);
    if (err != K_OK)
        return err;

    uint64_t bits = vm_prot_pte(dst->env, p);
    for (uint64_t off = 0; off < size; off += PAGE_SIZE) {
        uint64_t *d = new_leaf_slot(dst, dst_va + off);
        uint64_t *e = source_leaf(src, src_va + off);
        phys_addr_t pa = *e & PTE_ADDR_MASK;
        /* K_ERANGE (a frame at FRAME_REF_MAX owners) is the table's limit: out of memory too */
        if (!d || ((*e & PTE_SW_OWNED) && frame_ref_share(&dst->env->refs, pa) != K_OK)) {
            drop_area(dst, i); /* also gives back the owners it added */
            return K_ENOMEM;
        }
        uint64_t keep = *e & (PTE_ADDR_MASK | PTE_PCD | PTE_PWT | PTE_SW_PIECE);
        if (*e & PTE_SW_OWNED) {
            if (!(*e & PTE_SW_SHARED)) {
                vm_leaf_account(src, *e, -1);
                *e |= PTE_SW_SHARED; /* software bit only: no flush needed */
                vm_leaf_account(src, *e, 1);
            }
            *d = keep | bits | PTE_SW_OWNED | PTE_SW_SHARED;
        } else {
            *d = keep | bits;
        }
        vm_leaf_account(dst, *d, 1);
    }
    settle_area(dst, i);
    return K_OK;
}

int vmspace_unmap(struct vmspace *s, uint64_t va, uint64_t size)
{
    int err = vm_check_range(va, size);
    if (err != K_OK)
        return err;
    uint64_t end = va + size;
    uint64_t first = vm_area_search(s, va), last = first; /* areas [first, last) meet the range */
    while (last < s->stats.areas && vm_area_at(s, last)->start < end)
        last++;
    if (first == last)
        return K_OK;
    /* A 2 MiB page the range cuts becomes 4 KiB pages first: only its part inside goes. */
    if ((err = vm_huge_split_at(s, va)) != K_OK || (err = vm_huge_split_at(s, end)) != K_OK)
        return err;
    struct vm_area *head = vm_area_at(s, first);
    bool hole = last - first == 1 && head->start < va && head->end > end;
    if (hole && (err = vm_area_reserve(s, 1)) != K_OK)
        return err;

    struct vm_gather g;
    vm_gather_init(&g, s);
    for (uint64_t k = first; k < last; k++) {
        struct vm_area *a = vm_area_at(s, k);
        vm_clear_range(s, &g, MAX(a->start, va), MIN(a->end, end), true);
    }
    if (hole) {
        vm_area_split(s, first, va);
        vm_area_at(s, first + 1)->start = end;
    } else {
        if (vm_area_at(s, first)->start < va)
            vm_area_at(s, first++)->end = va;
        if (vm_area_at(s, last - 1)->end > end)
            vm_area_at(s, --last)->start = end;
        vm_area_remove(s, first, last - first);
    }
    vm_gather_finish(&g); /* steps 2 and 3: flush, then free */
    vm_area_trim(s);
    return K_OK;
}

int vmspace_protect(struct vmspace *s, uint64_t va, uint64_t size, unsigned prot)
{
    unsigned p = 0;
    int err = vm_check_range(va, size);
    if (err == K_OK)
        err = check_prot(prot, 0, &p);
    if (err == K_OK && !vm_covered(s, va, va + size))
        err = K_ENOENT;
    for (uint64_t k = vm_area_search(s, va);
         err == K_OK && (p & VM_WRITE) && k < s->stats.areas && vm_area_at(s, k)->start < va + size;
         k++)
        if (vm_area_at(s, k)->kind == VM_AREA_FILE_RO)
            err = K_EACCES; /* a file opened read-only stays so (Linux: EACCES) */
    if (err != K_OK)
        return err;
    uint64_t end = va + size;
    /* One leaf has one protection: a 2 MiB page the range cuts becomes 4 KiB pages first. */
    if ((err = vm_huge_split_at(s, va)) != K_OK || (err = vm_huge_split_at(s, end)) != K_OK)
        return err;
    uint64_t i, j;
    if ((err = vm_area_isolate(s, va, end, &i, &j)) != K_OK)
        return err;
    for (uint64_t k = i; k <= j; k++)
        vm_area_at(s, k)->prot = p;

    struct vm_gather g;
    vm_gather_init(&g, s);
    struct reprotect r = {&g, vm_prot_pte(s->env, p)};
    vm_for_each_leaf(s, va, end, reprotect_leaf, &r);
    vm_area_merge(s, i ? i - 1 : 0, j + 2);
    vm_area_trim(s);
    vm_gather_finish(&g); /* step 2: flush (nothing is freed by a protection change) */
    return K_OK;
}
