/* SPDX-License-Identifier: 0BSD */
/* Shared by src/fs/ramfs.c (nodes) and ramfs_data.c (file bytes). Not an API. */
#ifndef FRAME64_FS_RAMFS_INTERNAL_H
#define FRAME64_FS_RAMFS_INTERNAL_H

#include <frame64/ramfs.h>

/* Gives back every page of regular file n (its node is being freed). */
void ramfs_data_free(struct ramfs *fs, struct ramfs_node *n);

#endif
