/* SPDX-License-Identifier: 0BSD */
/*
 * The fault side of address spaces: the page-fault handler's entry (demand-zero pages and the
 * copy-on-write break), the check system calls make on user buffers, translation, and the words
 * for errors (include/frame64/vmspace.h).
 */
#include <frame64/error.h>
#include <frame64/kstring.h>
#include <frame64/pagetable.h>
#include <frame64/panic.h>
#include <frame64/phys.h>

#include "vmspace_internal.h"

const char *vmspace_strerror(int err)
{
    switch (err) {
    case K_OK:
        return "success";
    case K_EPERM:
        return "refused: a page may not be both writable and executable (W^X)";
    case K_ENOENT:
        return "no mapping covers the address";
    case K_ENOMEM:
        return "out of memory: no free frame, or the area list or frame_ref table is full";
    case K_EACCES:
        return "the mapping's protection does not allow this access";
    case K_EFAULT:
        return "the address is not in the user half [0, 0x7ffffffff000)";
    case K_EEXIST:
        return "the range overlaps an existing mapping";
    case K_ERANGE:
        return "the page lies past the end of the file the mapping shows";
    case K_EINVAL:
        return "invalid argument: an empty or misaligned range, unknown flags or access, or "
               "spaces of different envs";
    default:
        return "unknown address-space error";
    }
}

/* 0 read, 1 write, 2 execute, 3 not one of them. */
static unsigned access_kind(unsigned access)
{
    switch (access & ~VM_USER) {
    case VM_READ:
        return 0;
    case VM_WRITE:
        return 1;
    case VM_EXEC:
        return 2;
    default:
        return 3;
    }
}

const char *vmspace_fault_reason(int err, unsigned access, uint64_t va)
{
    static const char *const unmapped[] = {"read of an unmapped address",
                                           "write to an unmapped address",
                                           "execute of an unmapped address"};
    static const char *const denied[] = {"read of a page with no access",
                                         "write to a page that is not writable",
                                         "execute of a page that is not executable"};
    static const char *const kernel[] = {"read of a kernel address", "write to a kernel address",
                                         "execute of a kernel address"};
    static const char *const past[] = {"read past the end of a mapped file",
                                       "write past the end of a mapped file",
                                       "execute past the end of a mapped file"};
    static const char *const top[] = {
        "read of the last page below 2^47, never mapped for programs",
        "write to the last page below 2^47, never mapped for programs",
        "execute of the last page below 2^47, never mapped for programs"};
    unsigned kind = access_kind(access);
    if (err == K_ENOMEM)
        return "out of memory";
    if (kind < 3 && err == K_ENOENT)
        return unmapped[kind];
    if (kind < 3 && err == K_EACCES)
        return denied[kind];
    if (kind < 3 && err == K_ERANGE)
        return past[kind];
    if (kind < 3 && err == K_EFAULT)
        return va < ((uint64_t)1 << 47) ? top[kind] : kernel[kind];
    return vmspace_strerror(err);
}

const char *vmspace_fault_reason_in(const struct vmspace *s, int err, unsigned access, uint64_t va)
{
    uint64_t flags = 0;
    if (err == K_ENOMEM && (access & VM_WRITE) && va < VMSPACE_USER_END)
        pt_translate(s->pml4, va, &flags, NULL);
    if (flags & PTE_SW_COW)
        return "out of memory copying a page it shares with its parent or child since fork";
    return vmspace_fault_reason(err, access, va);
}

bool vm_access_ok(const struct vmspace_env *env, unsigned prot, unsigned access)
{
    if (!(prot & VM_READ))
        return false; /* no access at all (VM_WRITE and VM_EXEC imply VM_READ) */
    if ((access & VM_WRITE) && !(prot & VM_WRITE))
        return false;
    if ((access & VM_EXEC) && (env->flags & VMSPACE_NX) && !(prot & VM_EXEC))
        return false;
    return !(access & VM_USER) || (prot & VM_USER);
}

int vm_fault_in(struct vmspace *s, uint64_t va, const struct vm_area *a)
{
    int level;
    uint64_t *e = pt_find(s->pml4, va, &level);
    if (*e != 0 && level <= PT_LEVEL_PD)
        return K_OK; /* a 4 KiB leaf, or a 2 MiB one covering va */
    if (level >= PT_LEVEL_PD && vm_huge_allowed(s, va, a)) {
        int err = vm_huge_fault_in(s, va, a);
        if (err != K_EAGAIN)
            return err;
    }
    int err = pt_leaf_slot(s->pml4, va, VM_LINK, vm_table_alloc, s, &e);
    if (err == K_EINVAL)
        panic("vmspace: a 1 GiB page covers the user address %lx", va);
    if (err == K_OK) {
        phys_addr_t pa = vm_frame_alloc(s->env);
        if (pa != PHYS_NONE) {
            memset(phys_to_virt(pa), 0, PAGE_SIZE);
            *e = pa | vm_prot_pte(s->env, a->prot) | PTE_SW_OWNED;
            s->stats.leaf++;
            s->stats.faults_4k++;
            return K_OK;
        }
    }
    /* No frame: the tables this fault linked are empty, take them back (flushed like any). */
    struct vm_gather g;
    vm_gather_init(&g, s);
    pt_prune(s->pml4, va, PAGE_SIZE, vm_table_free, &g);
    vm_gather_finish(&g);
    return K_ENOMEM;
}

int vm_cow_break(struct vmspace *s, uint64_t va, uint64_t *e, unsigned prot)
{
    struct vmspace_env *env = s->env;
    phys_addr_t old = *e & PTE_ADDR_MASK;
    uint64_t bits = vm_prot_pte(env, prot) | PTE_SW_OWNED;
    if (frame_ref_count(&env->refs, old) == 1) {
        /*
         * The other owners are gone: the frame is ours alone (nobody can share it again but
         * this space, which the caller holds). Adding rights needs no flush: a stale read-only
         * entry only faults once more and finds the leaf allows the access.
         */
        vm_leaf_account(s, *e, -1);
        *e = old | bits | (*e & (PTE_ACCESSED | PTE_DIRTY | PTE_SW_PIECE));
        vm_leaf_account(s, *e, 1);
        return K_OK;
    }
    phys_addr_t copy = vm_frame_alloc(env);
    if (copy == PHYS_NONE)
        return K_ENOMEM;
    memcpy(phys_to_virt(copy), phys_to_virt(old), PAGE_SIZE);
    uint64_t was = *e;
    vm_leaf_account(s, was, -1);
    *e = copy | bits;
    vm_leaf_account(s, *e, 1);
    /* Flush the old translation, then give up our owner of the old frame (freed if last). */
    struct vm_gather g;
    vm_gather_init(&g, s);
    vm_gather_old_leaf(&g, va, was, PAGE_SIZE);
    vm_gather_finish(&g);
    return K_OK;
}

/* Whether the leaf e allows access: if its area does, it must (leaves follow their areas). */
static bool leaf_allows(const struct vmspace_env *env, uint64_t e, unsigned access)
{
    if (!(e & PTE_PRESENT))
        return false;
    if ((access & VM_WRITE) && !(e & PTE_WRITE))
        return false;
    if ((access & VM_EXEC) && (env->flags & VMSPACE_NX) && (e & PTE_NX))
        return false;
    return !(access & VM_USER) || (e & PTE_USER);
}

int vmspace_fault(struct vmspace *s, uint64_t va, unsigned access)
{
    if (access_kind(access) == 3)
        return K_EINVAL;
    if (va >= VMSPACE_USER_END)
        return K_EFAULT;
    const struct vm_area *a = vm_area_lookup(s, va);
    if (!a)
        return K_ENOENT;
    if (!vm_access_ok(s->env, a->prot, access))
        return K_EACCES;
    uint64_t page = ALIGN_DOWN(va, PAGE_SIZE);
    int level;
    uint64_t *e = pt_find(s->pml4, page, &level);
    if (level == PT_LEVEL_PD && *e != 0) { /* a 2 MiB page: private, so never copy-on-write */
        if (!leaf_allows(s->env, *e, access))
            panic("vmspace_fault: the 2 MiB leaf %lx for %lx denies an access its area allows", *e,
                  va);
        return K_OK;
    }
    if (level == 0 && *e != 0) {
        if ((access & VM_WRITE) && (*e & PTE_SW_COW))
            return vm_cow_break(s, page, e, a->prot);
        if (!leaf_allows(s->env, *e, access))
            panic("vmspace_fault: the leaf %lx for %lx denies an access its area allows", *e, va);
        return K_OK; /* a stale TLB entry: the fault itself dropped it, retrying succeeds */
    }
    if (a->kind == VM_AREA_FILE || a->kind == VM_AREA_FILE_RO)
        return K_ERANGE; /* past the end of the file it maps */
    if (a->kind != VM_AREA_ANON)
        panic("vmspace_fault: %lx lies in a fixed area [%lx, %lx) but has no leaf", va, a->start,
              a->end);
    return vm_fault_in(s, page, a);
}

int vmspace_check_user(struct vmspace *s, uint64_t va, uint64_t len, unsigned access)
{
    unsigned kind = access_kind(access);
    if (kind != 0 && kind != 1)
        return K_EINVAL;
    if (len == 0)
        return K_OK;
    if (va >= VMSPACE_USER_END || len > VMSPACE_USER_END - va)
        return K_EFAULT;
    for (uint64_t page = ALIGN_DOWN(va, PAGE_SIZE); page < va + len; page += PAGE_SIZE) {
        int err = vmspace_fault(s, page, access | VM_USER);
        if (err != K_OK)
            return err;
    }
    return K_OK;
}

phys_addr_t vmspace_translate(const struct vmspace *s, uint64_t va, uint64_t *flags)
{
    if (flags)
        *flags = 0;
    if (va >= VMSPACE_USER_END)
        return PHYS_NONE;
    return pt_translate(s->pml4, va, flags, NULL);
}
