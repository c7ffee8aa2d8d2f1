/* SPDX-License-Identifier: 0BSD */
/*
 * The W^X audit (include/frame64/ptaudit.h): a walk of all four levels that carries the
 * permissions down, so a leaf's verdict is the one the CPU would reach. pt_map() makes
 * intermediate entries permissive on purpose (the leaf decides), but tables built elsewhere (the
 * boot trampoline's, a bug's) need not be, which is why the audit does not trust the leaf alone.
 */
#include <frame64/pagetable.h>
#include <frame64/phys.h>
#include <frame64/ptaudit.h>

#define ENTRIES 512

struct walk {
    bool nx;
    struct pt_audit *out;
};

/* What an entry leaves of the permissions of the path above it. */
struct perms {
    bool w, x, u;
};

/* The virtual address of entry i of a table at level, under the table starting at base. */
static uint64_t entry_va(uint64_t base, int level, unsigned i)
{
    uint64_t va = base + ((uint64_t)i << (PAGE_SHIFT + 9 * level));
    if (level == 3 && i >= ENTRIES / 2)
        va |= 0xFFFF000000000000ull; /* the upper half, sign-extended from bit 47 */
    return va;
}

/* Adds [va, va + size) to the range *b..*e when it starts where the range ends or none exists. */
static void note(uint64_t *b, uint64_t *e, uint64_t va, uint64_t size)
{
    if (*b == *e) {
        *b = va;
        *e = va + size;
    } else if (*e == va) {
        *e = va + size;
    }
}

static void walk_table(const struct walk *w, phys_addr_t table, int level, uint64_t base,
                       struct perms up)
{
    const uint64_t *t = phys_to_virt(table);
    for (unsigned i = 0; i < ENTRIES; i++) {
        uint64_t e = t[i];
        if (!(e & PTE_PRESENT))
            continue;
        uint64_t va = entry_va(base, level, i);
        struct perms p = {
            .w = up.w && (e & PTE_WRITE),
            .x = up.x && !(w->nx && (e & PTE_NX)),
            .u = up.u && (e & PTE_USER),
        };
        if (level > 0 && (level == 3 || !(e & PTE_HUGE))) {
            walk_table(w, e & PTE_ADDR_MASK, level - 1, va, p);
            continue;
        }
        uint64_t size = (uint64_t)1 << (PAGE_SHIFT + 9 * level);
        w->out->mapped += size;
        if (p.w && p.x) {
            w->out->wx += size;
            note(&w->out->wx_base, &w->out->wx_end, va, size);
        }
        if (p.u && (va >> 63)) {
            w->out->user_kernel += size;
            note(&w->out->uk_base, &w->out->uk_end, va, size);
        }
    }
}

void pt_audit(phys_addr_t pml4, bool nx, struct pt_audit *out)
{
    *out = (struct pt_audit){0};
    struct walk w = {.nx = nx, .out = out};
    walk_table(&w, pml4, 3, 0, (struct perms){true, true, true});
}
