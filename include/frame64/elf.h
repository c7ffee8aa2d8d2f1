/* SPDX-License-Identifier: 0BSD */
/*
 * Checking an ELF64 x86-64 static executable (a GRUB module) and turning it into a loading plan
 * before anything is mapped. The kernel maps exactly what the plan says, so every rule a user
 * program could break is checked here, on the file's bytes alone. A static-PIE program (ET_DYN
 * without PT_INTERP: `gcc -static-pie`) is planned at its link-time addresses and then placed at
 * a base the kernel draws (elf_pie_base(), elf_plan_place()); it relocates itself.
 *
 *   struct elf_plan plan;
 *   char why[ELF_WHY_SIZE];
 *   if (elf_plan(mod, mod_size, USER_HALF_END, &plan, why, sizeof(why)) != K_OK ||
 *       elf_plan_place(&plan, plan.pie ? elf_pie_base(&plan, rnd) : 0, USER_HALF_END, why,
 *                      sizeof(why)) != K_OK)
 *       kprintf("exec %s: refused: %s\n", name, why);
 *
 * Segment numbers in messages ("segment 2 overlaps segment 1") are program-header indexes,
 * counted from 0 in file order: the numbers `readelf -l` prints under "Section to Segment
 * mapping". Every program header has one, loadable or not.
 */
#ifndef FRAME64_ELF_H
#define FRAME64_ELF_H

#include <frame64/types.h>

/* The lowest user address a segment may touch: pages 0..64 KiB are never mapped, so that a NULL
 * pointer plus a small offset always faults (Linux's default vm.mmap_min_addr). */
#define ELF_USER_MIN (64 * KiB)

/* Loadable segments a plan holds; static musl and glibc programs have 4 or 5. */
#define ELF_MAX_SEGMENTS 16

/*
 * Static PIE: its segments' link-time addresses must lie in [0, ELF_PIE_SPAN_MAX); it is loaded
 * at ELF_ET_DYN_BASE plus a random number of pages below ELF_PIE_RANDOM_PAGES (Linux's
 * ELF_ET_DYN_BASE, two thirds of the 47-bit user half, and its 28 bits of mmap randomness), so
 * the whole image stays far below the mmap area and the stack.
 */
#define ELF_PIE_SPAN_MAX     (1ull << 40)
#define ELF_ET_DYN_BASE      0x555555554000ull
#define ELF_PIE_RANDOM_PAGES (1ull << 28)

/* A buffer this large always holds the whole refusal sentence. */
#define ELF_WHY_SIZE 160

/* Segment permissions (the plan's own bits, not ELF's PF_* values). */
#define ELF_SEG_R 1u
#define ELF_SEG_W 2u
#define ELF_SEG_X 4u

/* The ELF constants the validator and its tests share. */
#define ELF_EHDR_SIZE    64
#define ELF_PHDR_SIZE    56
#define ELF_ET_EXEC      2
#define ELF_ET_DYN       3
#define ELF_EM_X86_64    62
#define ELF_PT_LOAD      1
#define ELF_PT_DYNAMIC   2
#define ELF_PT_INTERP    3
#define ELF_PT_PHDR      6
#define ELF_PT_TLS       7
#define ELF_PT_GNU_STACK 0x6474e551u
#define ELF_PF_X         1u
#define ELF_PF_W         2u
#define ELF_PF_R         4u
#define ELF_PN_XNUM      0xffff

/*
 * One loadable segment. The kernel maps [ALIGN_DOWN(vaddr), ALIGN_UP(vaddr + memsz)) with perm,
 * copies filesz bytes from file offset `offset` to vaddr and leaves the rest zero (including the
 * bytes of the first page below vaddr and of the last page past vaddr + filesz). perm may be 0:
 * the range is reserved but inaccessible.
 */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    unsigned perm;    /* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X; never both W and X */
    unsigned phindex; /* its program-header index, as messages number it */
};

struct elf_plan {
    uint64_t entry;
    unsigned nseg; /* loadable segments, in program-header order */
    struct elf_segment seg[ELF_MAX_SEGMENTS];
    /* For the auxiliary vector: where the program headers are once the segments are mapped
     * (AT_PHDR: PT_PHDR's address if there is one, else inside the PT_LOAD whose file bytes
     * hold them), their size (AT_PHENT) and count (AT_PHNUM). */
    uint64_t phdr_vaddr;
    uint16_t phent;
    uint16_t phnum;
    /* The first page above every segment: where brk starts. */
    uint64_t brk_start;
    /* ET_DYN (static PIE): every address above is the link-time one until elf_plan_place() adds
     * the base; align is the largest p_align of its PT_LOADs (at least a page), which the base
     * must be a multiple of. */
    bool pie;
    uint64_t align;
    uint64_t base; /* what elf_plan_place() added (0 for ET_EXEC) */
};

/*
 * Checks image[0..size) as an ELF64 x86-64 static executable whose pages must all lie in
 * [ELF_USER_MIN, user_limit) (user_limit: the end of the user half, page aligned) and fills
 * *plan. Nothing is read outside image[0..size); the image needs no particular alignment.
 * A static PIE (ET_DYN) is checked at its link-time addresses, which must lie in
 * [0, ELF_PIE_SPAN_MAX) instead; elf_plan_place() then checks where it lands.
 *
 * The rules, in the order they are checked (the first broken one is reported):
 *   ELF header: at least 64 bytes; magic; class 64; little-endian; version 1 (both fields);
 *   type ET_EXEC or ET_DYN; machine x86-64; e_phentsize 56; e_phnum 1..0xfffe; the
 *   program-header table inside the file.
 *   Any PT_INTERP: refused, naming the dynamic linker (the program is not static).
 *   Each program header, in order:
 *     PT_DYNAMIC: refused in an ET_EXEC (not static); a static PIE relocates itself with it;
 *     PT_GNU_STACK: refused if it asks for an executable stack (PF_X); the stack is always
 *       read-write, never executable;
 *     PT_TLS: accepted and otherwise ignored: libc finds it through AT_PHDR and sets its thread
 *       pointer itself with arch_prctl(ARCH_SET_FS);
 *     PT_PHDR: remembered (checked below);
 *     PT_LOAD: p_memsz > 0; p_filesz <= p_memsz; file bytes inside the file; p_align 0, 1 or a
 *       power of two; p_vaddr == p_offset modulo the page size and modulo p_align when larger;
 *       page-rounded range inside [ELF_USER_MIN, user_limit) (a PIE: [0, ELF_PIE_SPAN_MAX))
 *       without overflow; not both PF_W
 *       and PF_X; at most ELF_MAX_SEGMENTS of them; its page-rounded range shares no page with
 *       an earlier PT_LOAD's;
 *     any other type: ignored.
 *   Then: at least one PT_LOAD; the entry point inside an executable PT_LOAD; the program
 *   headers visible in memory: the first PT_PHDR, if any, must have p_offset == e_phoff and a
 *   p_vaddr where some PT_LOAD whose file bytes hold the whole table puts it; without PT_PHDR
 *   AT_PHDR is where the first PT_LOAD (in header order) whose file bytes hold the table puts
 *   it, and there must be one.
 * Return: K_OK, or K_EINVAL with why (when why_size > 0) set to one sentence without a final
 * period, meant to follow "exec NAME: refused: ". *plan is undefined on error.
 */
int elf_plan(const void *image, size_t size, uint64_t user_limit, struct elf_plan *plan, char *why,
             size_t why_size);

/*
 * elf_plan() of a file of size bytes given only its first avail bytes at head (a loader that
 * maps the segments from the file instead of reading it whole): the program headers must lie
 * in them, and a PT_INTERP name is quoted only from them. Every other check is elf_plan()'s.
 */
int elf_plan_head(const void *head, size_t avail, size_t size, uint64_t user_limit,
                  struct elf_plan *plan, char *why, size_t why_size);

/*
 * Where a static PIE planned by elf_plan() goes: ELF_ET_DYN_BASE plus (random modulo
 * ELF_PIE_RANDOM_PAGES) pages, rounded down to plan->align.
 */
uint64_t elf_pie_base(const struct elf_plan *plan, uint64_t random);

/*
 * Moves a plan by base (0 for ET_EXEC, a multiple of plan->align for a PIE): the entry point,
 * AT_PHDR, brk and every segment's address, and sets plan->base. Then every segment's pages
 * must lie in [ELF_USER_MIN, user_limit).
 * Return: K_OK, or K_EINVAL with why set as elf_plan() sets it (the plan is then undefined).
 */
int elf_plan_place(struct elf_plan *plan, uint64_t base, uint64_t user_limit, char *why,
                   size_t why_size);

#endif
