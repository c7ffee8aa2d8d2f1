/* SPDX-License-Identifier: 0BSD */
/*
 * The W^X audit: what the live page tables really allow, computed the way the CPU does. A leaf is
 * writable only if every entry above it is writable too, executable only if no entry on the way
 * has NX (when the CPU honours NX at all), user-accessible only if every entry has U.
 */
#ifndef FRAME64_PTAUDIT_H
#define FRAME64_PTAUDIT_H

#include <frame64/types.h>

struct pt_audit {
    uint64_t mapped;          /* bytes mapped at all */
    uint64_t wx;              /* bytes both writable and executable */
    uint64_t wx_base, wx_end; /* the lowest such range (merged across pages); 0, 0: none */
    uint64_t user_kernel;     /* bytes of the kernel half that user mode could reach */
    uint64_t uk_base, uk_end; /* the lowest such range */
};

/*
 * Walks every level of the tables at pml4 (each table read through phys_to_virt()) and fills
 * *out. nx: whether EFER.NXE is on (without it every present page is executable).
 */
void pt_audit(phys_addr_t pml4, bool nx, struct pt_audit *out);

#endif
