/* SPDX-License-Identifier: 0BSD */
/*
 * The page-frame manager against the model of its free frames (tests/support/frame_model.c),
 * driven by a fixed-seed PRNG instead of a fuzzer: random single allocations (and bursts to
 * exhaustion) and frees, frees of whole address ranges (large stacked runs), runs with random
 * sizes, alignments, ceilings and boundaries, frees of runs, reclaims and invalid requests.
 * The map is drawn in frame_model.h.
 * Expect, for every configuration (each flag combination, with a roomy, a tight and a growing
 * list): after every step the counters equal the model's; every run request succeeds exactly
 * when a fitting run exists among all free frames (a tight list may refuse, but must say so in
 * run_stalls), with a run the model confirms; at the end every counter is back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "frame_model.h"

static uint64_t rng;

static uint64_t rnd(void)
{
    uint64_t z = (rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* A step mix that churns: mostly singles, runs often, a range free or a burst now and then. */
static void run_config(unsigned cfg, uint64_t seed, int steps)
{
    rng = seed;
    fm_start(cfg);
    for (int i = 0; i < steps; i++) {
        uint64_t r = rnd();
        unsigned op = (unsigned)(r % 16);
        if (op == 15 && r % 7) /* freeing everything is rare, or little churn is left */
            op = 3;
        unsigned bytes = fm_arg_bytes(op);
        fm_step(op, bytes ? rnd() >> (64 - 8 * bytes) : 0);
    }
    fm_finish((cfg & ~0xe0u) | FM_CFG_FINISH); /* always give everything back here */
}

static void test_model(void **state)
{
    (void)state;
    uint64_t drains = 0;
    for (unsigned flags = 0; flags < 8; flags++)
        for (unsigned list = 0; list < 3; list++)
            for (uint64_t seed = 1; seed <= 3; seed++) {
                unsigned cfg = flags | (flags & FRAME_POISON ? 0x40 : 0) | list << 3;
                run_config(cfg, seed * 1000 + flags * 10 + list, 1500);
                drains += fm_pool.drains;
            }
    assert_true(drains > 100); /* the runs did need drains */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
