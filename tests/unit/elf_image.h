/* SPDX-License-Identifier: 0BSD */
/*
 * Small ELF images built in memory for the elf_plan() tests. good_image() is what a static
 * musl program looks like (headers in a read-only first segment, code, data + bss, a
 * non-executable GNU stack); each test breaks one field with set_*() and checks the sentence.
 */
#ifndef TEST_ELF_IMAGE_H
#define TEST_ELF_IMAGE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include <frame64/elf.h>
#include <frame64/error.h>

#define IMG_SIZE   0x3000
#define USER_LIMIT 0x0000800000000000ull
#define PHOFF      64
#define MAX_PH     24

struct img {
    uint8_t b[IMG_SIZE + 64];
    size_t size;
    struct elf_plan plan;
    char why[ELF_WHY_SIZE];
};

static inline void put(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* ELF header fields by offset (see the ELF64 spec): e.g. set_eh(im, 16, 2, ELF_ET_DYN). */
static inline void set_eh(struct img *im, unsigned off, unsigned bytes, uint64_t v)
{
    put(im->b + off, v, bytes);
}

enum ph_field { PH_TYPE, PH_FLAGS, PH_OFFSET, PH_VADDR, PH_FILESZ, PH_MEMSZ, PH_ALIGN };

static inline void set_ph(struct img *im, unsigned i, enum ph_field f, uint64_t v)
{
    static const unsigned off[] = {0, 4, 8, 16, 32, 40, 48};
    uint8_t *p = im->b + PHOFF + i * ELF_PHDR_SIZE;
    put(p + off[f], v, f <= PH_FLAGS ? 4 : 8);
    if (f == PH_VADDR)
        put(p + 24, v, 8); /* p_paddr follows p_vaddr, as linkers write it */
}

static inline void add_ph(struct img *im, unsigned i, uint32_t type, uint32_t flags, uint64_t off,
                          uint64_t vaddr, uint64_t filesz, uint64_t memsz, uint64_t align)
{
    set_ph(im, i, PH_TYPE, type);
    set_ph(im, i, PH_FLAGS, flags);
    set_ph(im, i, PH_OFFSET, off);
    set_ph(im, i, PH_VADDR, vaddr);
    set_ph(im, i, PH_FILESZ, filesz);
    set_ph(im, i, PH_MEMSZ, memsz);
    set_ph(im, i, PH_ALIGN, align);
}

static inline void set_phnum(struct img *im, unsigned n)
{
    set_eh(im, 56, 2, n);
}

/*
 *   header  0x0000-0x0fff  LOAD 0  R   at 0x400000  (ELF header + program headers)
 *   code    0x1000-0x1fff  LOAD 1  RX  at 0x401000  entry 0x401000
 *   data    0x2010-0x210f  LOAD 2  RW  at 0x402010, 0x3000 bytes in memory (bss)
 *                          3       GNU_STACK RW
 */
static inline void good_image(struct img *im)
{
    memset(im, 0, sizeof(*im));
    im->size = IMG_SIZE;
    static const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1};
    memcpy(im->b, ident, sizeof(ident));
    set_eh(im, 16, 2, ELF_ET_EXEC);
    set_eh(im, 18, 2, ELF_EM_X86_64);
    set_eh(im, 20, 4, 1);
    set_eh(im, 24, 8, 0x401000);
    set_eh(im, 32, 8, PHOFF);
    set_eh(im, 52, 2, ELF_EHDR_SIZE);
    set_eh(im, 54, 2, ELF_PHDR_SIZE);
    set_phnum(im, 4);
    add_ph(im, 0, ELF_PT_LOAD, ELF_PF_R, 0, 0x400000, 0x1000, 0x1000, 0x1000);
    add_ph(im, 1, ELF_PT_LOAD, ELF_PF_R | ELF_PF_X, 0x1000, 0x401000, 0x1000, 0x1000, 0x1000);
    add_ph(im, 2, ELF_PT_LOAD, ELF_PF_R | ELF_PF_W, 0x2010, 0x402010, 0x100, 0x3000, 0x1000);
    add_ph(im, 3, ELF_PT_GNU_STACK, ELF_PF_R | ELF_PF_W, 0, 0, 0, 0, 16);
}

static inline int plan(struct img *im)
{
    return elf_plan(im->b, im->size, USER_LIMIT, &im->plan, im->why, sizeof(im->why));
}

/* The image is refused with exactly this sentence. */
#define assert_refused(im, sentence)                                                               \
    do {                                                                                           \
        assert_int_equal(plan(im), K_EINVAL);                                                      \
        assert_string_equal((im)->why, sentence);                                                  \
    } while (0)

#define assert_accepted(im)                                                                        \
    do {                                                                                           \
        int err_ = plan(im);                                                                       \
        if (err_ != K_OK)                                                                          \
            fail_msg("refused: %s", (im)->why);                                                    \
    } while (0)

#endif
