/* SPDX-License-Identifier: 0BSD */
/*
 * Checking an ELF64 x86-64 static executable (a GRUB module) and turning it into a loading plan
 * before anything is mapped. The kernel maps exactly what the plan says, so every rule a user
 * program could break is checked here, on the file's bytes alone.
 *
 *   struct elf_plan plan;
 *   char why[ELF_WHY_SIZE];
 *   if (elf_plan(mod, mod_size, USER_HALF_END, &plan, why, sizeof(why)) != K_OK)
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
};

/*
 * Checks image[0..size) as an ELF64 x86-64 static executable whose pages must all lie in
 * [ELF_USER_MIN, user_limit) (user_limit: the end of the user half, page aligned) and fills
 * *plan. Nothing is read outside image[0..size); the image needs no particular alignment.
 *
 * The rules, in the order they are checked (the first broken one is reported):
 *   ELF header: at least 64 bytes; magic; class 64; little-endian; version 1 (both fields);
 *   type ET_EXEC (ET_DYN, i.e. PIE, gets its own sentence); machine x86-64; e_phentsize 56;
 *   e_phnum 1..0xfffe; the program-header table inside the file.
 *   Each program header, in order:
 *     PT_INTERP, PT_DYNAMIC: refused (the program is not static);
 *     PT_GNU_STACK: refused if it asks for an executable stack (PF_X); the stack is always
 *       read-write, never executable;
 *     PT_TLS: accepted and otherwise ignored: libc finds it through AT_PHDR and sets its thread
 *       pointer itself with arch_prctl(ARCH_SET_FS);
 *     PT_PHDR: remembered (checked below);
 *     PT_LOAD: p_memsz > 0; p_filesz <= p_memsz; file bytes inside the file; p_align 0, 1 or a
 *       power of two; p_vaddr == p_offset modulo the page size and modulo p_align when larger;
 *       page-rounded range inside [ELF_USER_MIN, user_limit) without overflow; not both PF_W
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

#endif
