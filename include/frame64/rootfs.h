/* SPDX-License-Identifier: 0BSD */
/*
 * The kernel's one file system (src/kernel/rootfs.c): a ramfs over frames of the frame manager
 * and kmalloc(), behind one lock, filled at boot from the GRUB module whose command line begins
 * with the word "initramfs" (a newc cpio archive, as Linux takes it), with /dev's device nodes
 * and the directories a shell expects made if the archive has none. Its data and index pages are
 * their own line in the memory statistics.
 */
#ifndef FRAME64_ROOTFS_H
#define FRAME64_ROOTFS_H

#include <frame64/fspath.h>
#include <frame64/irqlock.h>
#include <frame64/ramfs.h>

/* Device numbers of the nodes /dev holds (Linux's: major << 8 | minor). */
#define DEV_NULL    0x103 /* 1, 3 */
#define DEV_ZERO    0x105 /* 1, 5 */
#define DEV_URANDOM 0x109 /* 1, 9 */
#define DEV_TTY     0x500 /* 5, 0 */
#define DEV_CONSOLE 0x501 /* 5, 1 */

/*
 * The dyn numbers of /proc's nodes (src/exec/procfs.c writes what they hold): a kind, and for
 * /proc/PID's nodes the PID above it (ROOTFS_DYN_PID()).
 */
enum {
    ROOTFS_DYN_MEMINFO = 1, /* /proc/meminfo */
    ROOTFS_DYN_FRAMES,      /* /proc/frames */
    ROOTFS_DYN_MAPS,        /* /proc/PID/maps */
    ROOTFS_DYN_EXE,         /* /proc/PID/exe, a link */
    ROOTFS_DYN_SELF,        /* /proc/self, a link to the caller's /proc/PID */
    ROOTFS_DYN_STAT,        /* /proc/PID/stat */
    ROOTFS_DYN_STATUS,      /* /proc/PID/status */
    ROOTFS_DYN_CMDLINE,     /* /proc/PID/cmdline */
    ROOTFS_DYN_COMM,        /* /proc/PID/comm */
};
#define ROOTFS_DYN_KIND(dyn)      ((dyn)&15u)
#define ROOTFS_DYN_PID(pid, kind) ((uint32_t)(pid) << 4 | (kind))

extern struct irqlock rootfs_lock;
extern struct ramfs rootfs;

static inline uint64_t fs_lock(void) ACQUIRE(rootfs_lock)
{
    return irqlock_acquire(&rootfs_lock);
}
static inline void fs_unlock(uint64_t irq) RELEASE(rootfs_lock)
{
    irqlock_release(&rootfs_lock, irq);
}

/*
 * Makes the file system and unpacks the initramfs module if there is one; prints one line
 * ("initramfs: N files, S in M frames" or why it was refused). Return: K_OK, K_ENOMEM.
 */
int rootfs_init(void);

#endif
