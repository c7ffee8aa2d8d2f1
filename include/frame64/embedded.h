/* SPDX-License-Identifier: 0BSD */
/*
 * Programs built into the kernel image (tests/programs, converted by cmake/bin2c.cmake) so the
 * process ktests run in every ktest boot, with or without GRUB modules.
 */
#ifndef FRAME64_EMBEDDED_H
#define FRAME64_EMBEDDED_H

#include <frame64/types.h>

struct embedded_program {
    const char *name;
    const uint8_t *image; /* the ELF file */
    size_t size;
};

extern const struct embedded_program embedded_programs[];
extern const size_t embedded_program_count;

/* The program called name, or NULL. */
const struct embedded_program *embedded_find(const char *name);

#endif
