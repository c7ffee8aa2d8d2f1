/* SPDX-License-Identifier: 0BSD */
/*
 * Shared by src/exec/procfs.c (opening /proc's files) and procfs_pid.c (/proc/PID): the text a
 * /proc file is written into when it is opened, a frame the open file description keeps.
 */
#ifndef FRAME64_EXEC_PROCFS_INTERNAL_H
#define FRAME64_EXEC_PROCFS_INTERNAL_H

#include <frame64/types.h>

#define TEXT_MAX (PAGE_SIZE - sizeof(uint32_t))

struct text {
    uint32_t len;
    char s[TEXT_MAX];
};

/* Appends to t, cut at TEXT_MAX. */
__attribute__((format(printf, 2, 3))) void text_add(struct text *t, const char *fmt, ...);

/* What procfs_pid_text() writes: t, with the file of kind (ROOTFS_DYN_*) of the process. */
struct pid_file {
    struct text *t;
    unsigned kind;
};
struct process;
/* Writes process p's file (proc_with_pid()'s callback: the process table's lock is held). */
void procfs_pid_text(struct process *p, void *ctx);

#endif
