/* SPDX-License-Identifier: 0BSD */
/*
 * The in-kernel allocation micro-benchmark, shared by the frames_cycles ktest and the monitor's
 * `bench`: cycles (rdtsc) per frame_alloc()+frame_free() pair, and per allocation and per free
 * over a warm stack. For information only: nothing may assert on these numbers.
 */
#ifndef FRAME64_FRAME_BENCH_H
#define FRAME64_FRAME_BENCH_H

#include <frame64/frame.h>

struct frame_bench {
    uint64_t pairs;        /* alloc+free pairs timed */
    uint64_t pair_cycles;  /* per pair */
    uint64_t frames;       /* frames held at once in the second part (fewer if memory ran out) */
    uint64_t alloc_cycles; /* per allocation of those */
    uint64_t free_cycles;  /* per free of those */
};

/*
 * Runs pairs alloc+free pairs, then allocates up to held frames into held[] and frees them all.
 * Return: K_OK, or K_ENOMEM when not even one frame could be allocated (*out still filled).
 */
int frame_bench_run(struct frame_pool *p, uint64_t pairs, phys_addr_t *held, uint64_t nheld,
                    struct frame_bench *out);

/* Prints out as one line after prefix ("ktest: ", "bench: "). */
void frame_bench_print(const struct frame_pool *p, const struct frame_bench *b, const char *prefix);

#endif
