/* SPDX-License-Identifier: 0BSD */
/*
 * Every lock of the kernel in the one order a CPU may take them: while holding a lock, only
 * locks further down this list. The list is the nesting the code does (a kernel stack's page
 * tables need frames and a shootdown; the frame pool prints; the console takes nothing).
 * FRAME64_LOCK_DEBUG checks it on every acquisition (include/frame64/irqlock.h).
 */
#ifndef FRAME64_LOCK_ORDER_H
#define FRAME64_LOCK_ORDER_H

enum lock_rank {
    LOCK_RANK_PROC_TABLE = 4,     /* src/exec/proc_table.c: processes, parents and children */
    LOCK_RANK_PROC = 6,           /* src/exec/proc_table.c: one process's threads */
    LOCK_RANK_FDTABLE = 7,        /* src/exec/fdtable.c: one table of file descriptors */
    LOCK_RANK_MM = 8,             /* src/exec: one process's address space (its threads share it) */
    LOCK_RANK_FIFOS = 8,          /* src/exec/pipe.c: the open FIFOs (then a pipe, the fs) */
    LOCK_RANK_FS = 9,             /* src/kernel/rootfs.c: the in-memory file system */
    LOCK_RANK_PIPE = 9,           /* src/exec/pipe.c: one pipe (never held with the fs lock) */
    LOCK_RANK_TTY = 9,            /* src/exec/tty.c: the console terminal (alone, as a pipe's) */
    LOCK_RANK_KSTACK_SLOTS = 10,  /* src/kernel/kstack.c: the slot table */
    LOCK_RANK_KSTACK_TABLES = 20, /* src/kernel/kstack.c: the stack area's page tables */
    LOCK_RANK_KMAP = 30,          /* src/kernel/kmap.c: the device window */
    LOCK_RANK_SHOOTDOWN = 40,     /* src/kernel/smp.c: one TLB shootdown at a time */
    LOCK_RANK_KMALLOC = 44,       /* src/kernel/kmalloc.c: small kernel objects */
    LOCK_RANK_FRAME_REF = 45,     /* src/mm/frame_ref.c: shared frames (grows with frame_alloc) */
    LOCK_RANK_FRAME_COLLECT = 50, /* src/mm/frame_cache.c: one collector of per-CPU caches */
    LOCK_RANK_FRAME_POOL = 60,    /* src/mm/frame.c: a pool and the region list under it */
    LOCK_RANK_FUTEX = 59,         /* src/exec/sys_futex.c: a bucket of futex waiters */
    LOCK_RANK_WAITQ = 61,         /* src/kernel/waitq.c: a wait queue (unparks under it) */
    LOCK_RANK_SLEEPERS = 62, /* src/kernel/sched.c: a CPU's timed sleepers (unparks under it) */
    LOCK_RANK_THREAD = 64,   /* src/kernel/sched.c: a thread's state against unpark() */
    LOCK_RANK_RUNQUEUE = 66, /* src/kernel/sched.c: a CPU's run queue */
    LOCK_RANK_CONSOLE = 70,  /* src/kernel/console.c: kprintf, taken under any other */
    LOCK_RANK_TEST = 100,    /* host tests of the lock itself */
};

#endif
