/* SPDX-License-Identifier: 0BSD */
/*
 * A model of the page-frame manager's free frames, shared by the model fuzzer
 * (tests/fuzz/fuzz_frame_model.c) and its cmocka twin (tests/unit/test_frame_model.c). The model
 * knows, page by page, what the caller holds; every other page of the initial free RAM is free,
 * wherever the pool keeps it, unless the region list took it for its own storage (meta). After
 * every step the pool's counters must equal the model's, and after every run request the pool
 * must have succeeded exactly when some free run fits (size, alignment, ceiling, boundary), with
 * a run the model confirms; a failure is excused only where the list had no room (run_stalls),
 * and a request that failed, asked again at once, must fail without another drain. 2 MiB frames
 * (frame_alloc_huge()) are checked as the runs they are (512 frames, 2 MiB aligned). One thread
 * stands for several CPUs in turn (host_cpu_set(), kicks answered at once), so the per-CPU caches
 * trade whole stack nodes.
 * Any mismatch prints what went wrong and aborts. The map is tests/support/frame_test_map.h.
 */
#ifndef TEST_FRAME_MODEL_H
#define TEST_FRAME_MODEL_H

#include <frame64/frame.h>

#include "frame_test_map.h"

/*
 * Configuration (the first input byte): pool flags in bits 0-2 (FRAME_POISON only with bit 6 as
 * well: filling and checking 4 KiB per operation would otherwise take most of a fuzzer's time),
 * the list in bits 3-4; bits 5-7 = 101 end by giving everything back (else the next start simply
 * resets the pool and the list: freeing thousands of frames at the end of every input would be
 * most of a fuzzer's time, and the checks after each step already hold the counters to the model).
 */
#define FM_CFG_FLAGS(c) ((c) & (FRAME_CHECK | ((c)&0x40 ? FRAME_POISON : 0)))
#define FM_CFG_FINISH   0xa0 /* with bit 6 clear */
enum fm_list {
    FM_ROOMY, /* 8,192 static entries: never short of room, so every run must be exact */
    FM_TIGHT, /* room for the map and a few more, no growth: drains may stall */
    FM_GROWS, /* as tight, but growing into free memory as the kernel's list does */
};
#define FM_CFG_LIST(c) (((c) >> 3) % 3)

/* Starts a pool over the map with configuration cfg and an empty model. */
void fm_start(unsigned cfg);

/* How many argument bytes operation op takes (a fuzzer reads them big-endian into arg). */
unsigned fm_arg_bytes(unsigned op);

/* One operation (op picks it, arg its arguments), checked against the model. */
void fm_step(unsigned op, uint64_t arg);

/*
 * Gives back everything the model holds if cfg asks for it (bits 5-7 = FM_CFG_FINISH); the
 * counters must return to where they started.
 */
void fm_finish(unsigned cfg);

/* The pool under test (for the tests' own extra checks). */
extern struct frame_pool fm_pool;

#endif
