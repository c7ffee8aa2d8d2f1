/* SPDX-License-Identifier: 0BSD */
/* The boot-time audit of the kernel's address space (src/kernel/vmcheck.c). */
#ifndef FRAME64_VMCHECK_H
#define FRAME64_VMCHECK_H

#include <frame64/kstack.h>
#include <frame64/ptaudit.h>

struct vm_check {
    bool nx;                           /* NX was honoured, so W^X could be checked */
    struct pt_audit audit;             /* effective permissions of every mapped page */
    phys_addr_t null_mapped;           /* the first mapped page below USER_MIN, or PHYS_NONE */
    unsigned stacks;                   /* live kernel stacks */
    unsigned guards;                   /* of their guard pages, how many are unmapped */
    const struct kstack *guard_mapped; /* the first stack whose guard page is mapped, or NULL */
};

/*
 * Audits the tables at pml4. Return: true when nothing is writable and executable (if nx), no
 * kernel page is user-accessible, nothing below USER_MIN is mapped and every guard is unmapped.
 */
bool vm_check(phys_addr_t pml4, bool nx, struct vm_check *out);

/* Prints the one verdict line ("vm: W^X audit passed: ...", "... FAILED: ...", "... skipped"). */
void vm_check_print(const struct vm_check *c);

#endif
