/* SPDX-License-Identifier: 0BSD */
/* Looking up the programs built into the kernel (include/frame64/embedded.h). */
#include <frame64/embedded.h>
#include <frame64/kstring.h>

const struct embedded_program *embedded_find(const char *name)
{
    for (size_t i = 0; i < embedded_program_count; i++)
        if (strcmp(embedded_programs[i].name, name) == 0)
            return &embedded_programs[i];
    return NULL;
}
