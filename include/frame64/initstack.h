/* SPDX-License-Identifier: 0BSD */
/*
 * The System V x86-64 initial process stack: what a static Linux program's _start expects to
 * find at rsp. Built into a kernel buffer first, then copied to the top of the new stack.
 *
 *   rsp ->  argc
 *           argv[0] .. argv[argc-1], NULL
 *           envp[0] .. envp[envc-1], NULL

 *           [AT_SYSINFO_EHDR vdso], AT_PAGESZ 4096, AT_RANDOM &bytes, AT_ENTRY, AT_PHDR,
 *           AT_PHENT, AT_PHNUM, AT_BASE 0 (no interpreter), AT_NULL 0
 *           zero padding
 *           argv strings, then envp strings, NUL-terminated, argv[0] first
 *           16 AT_RANDOM bytes           (ending at stack_top)
 *
 * rsp is 16-byte aligned, as the ABI requires at process entry (no return address is pushed).
 */
#ifndef FRAME64_INITSTACK_H
#define FRAME64_INITSTACK_H

#include <frame64/elf.h>
#include <frame64/types.h>

/* Auxiliary-vector keys (Linux's numbers). */
#define AT_NULL         0
#define AT_PHDR         3
#define AT_PHENT        4
#define AT_PHNUM        5
#define AT_PAGESZ       6
#define AT_BASE         7
#define AT_ENTRY        9
#define AT_RANDOM       25
#define AT_SYSINFO_EHDR 33

/* The auxiliary-vector entries initstack_build() writes, AT_NULL included (one more with a vDSO).
 */
#define INITSTACK_AUXV_ENTRIES 8

struct initstack {
    uint64_t rsp;         /* the initial rsp: the user address of argc */
    const uint8_t *bytes; /* inside the caller's buffer: copy len bytes to rsp */
    size_t len;           /* stack_top - rsp */
};

/*
 * Builds the initial stack of a process about to start at plan's entry point, for a stack whose
 * highest byte is at stack_top - 1 (stack_top 16-byte aligned). argv holds argc strings (argv
 * itself need not be NULL-terminated); random the 16 bytes AT_RANDOM points to (libc seeds its
 * stack protector and hashing from them). The image is written at the end of buf[0..buf_size),
 * nothing outside it is touched.
 * Return: K_OK with *out set; K_EINVAL (stack_top misaligned or too low for the image) or
 * K_ENOMEM (the image does not fit in buf_size bytes), with why set to a sentence like
 * elf_plan()'s.
 */
int initstack_build(const struct elf_plan *plan, uint64_t stack_top, unsigned argc,
                    const char *const *argv, const uint8_t random[16], void *buf, size_t buf_size,
                    struct initstack *out, char *why, size_t why_size);
/*
 * As initstack_build(), with the environment envp[0..envc) (initstack_build(): none) and, when
 * vdso is not 0, AT_SYSINFO_EHDR vdso first in the auxiliary vector (initstack_build(): none).
 */
int initstack_build_env(const struct elf_plan *plan, uint64_t stack_top, unsigned argc,
                        const char *const *argv, unsigned envc, const char *const *envp,
                        uint64_t vdso, const uint8_t random[16], void *buf, size_t buf_size,
                        struct initstack *out, char *why, size_t why_size);

#endif
