/* SPDX-License-Identifier: 0BSD */
/*
 * Whole 2 MiB areas under churn (src/mm/frame_area.c): long random sequences of single frames
 * and 2 MiB frames through the stack and the caches, checked frame by frame against what the test
 * holds, so that a frame handed out twice (a stale frame taken for a live one, or a whole area
 * that was not) or a count that drifts shows. unit.frame_area has the cases one by one.
 */
#include "frame_test.h"

#include <arch/cpu_local.h>

#include "mm/frame_area.h"

#define AREA_FRAMES (FRAME_HUGE_SIZE / PAGE_SIZE)

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint64_t next_random(void) /* xorshift64 */
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* The other CPU's NMI, run at once on this thread: it hands its cached frames over. */
static void kick_now(struct frame_pool *p, unsigned cpu)
{
    unsigned self = arch_cpu_index();
    host_cpu_set(cpu);
    frame_cache_nmi(p, 0);
    host_cpu_set(self);
}

/*
 * Standard map, through the stack itself (no cache) and through the caches of two CPUs in turn:
 * rounds of a random number of single frames taken, then freed in a random order, with 2 MiB
 * frames asked for and given back now and then, many areas becoming whole and waiting for
 * their nodes on the way.
 * Expect: no frame is handed out twice (single or inside a 2 MiB frame), and the stats add up
 * after every round.
 */
static void test_random_rounds(void **state)
{
    (void)state;
    std_pool(0);
    frame_set_kick(&pool, kick_now); /* a 2 MiB request gathers both CPUs' caches */
    static uint8_t out[64 * MiB / PAGE_SIZE];
    memset(out, 0, sizeof(out));
    static phys_addr_t v[4096];
    phys_addr_t huge[8];
    size_t nhuge = 0;
    uint64_t held_bytes = 0;
    for (int round = 0; round < 400; round++) {
        bool cached = round % 3 == 0;
        host_cpu_set(round % 2);
        size_t k = 1 + next_random() % 4096, n = 0;
        while (n < k && (v[n] = cached ? frame_alloc(&pool) : stack_alloc()) != PHYS_NONE) {
            assert_int_equal(out[v[n] / PAGE_SIZE], 0);
            out[v[n] / PAGE_SIZE] = 1;
            n++;
        }
        if (next_random() % 4 == 0 && nhuge < ARRAY_SIZE(huge)) {
            phys_addr_t h = frame_alloc_huge(&pool);
            for (uint64_t j = 0; h != PHYS_NONE && j < AREA_FRAMES; j++) {
                assert_int_equal(out[h / PAGE_SIZE + j], 0);
                out[h / PAGE_SIZE + j] = 2;
            }
            if (h != PHYS_NONE) {
                huge[nhuge++] = h;
                held_bytes += FRAME_HUGE_SIZE;
            }
        } else if (nhuge && next_random() % 3 == 0) {
            phys_addr_t h = huge[--nhuge];
            memset(&out[h / PAGE_SIZE], 0, AREA_FRAMES);
            frame_free_huge(&pool, h);
            held_bytes -= FRAME_HUGE_SIZE;
        }
        check_stats(held_bytes + n * PAGE_SIZE);
        /* free a random part of this round's frames, in a random order */
        size_t keep = next_random() % 8 == 0 ? n / 2 : 0;
        for (size_t i = n; i > 1; i--) {
            size_t j = next_random() % i;
            phys_addr_t t = v[i - 1];
            v[i - 1] = v[j];
            v[j] = t;
        }
        for (size_t i = keep; i < n; i++) {
            out[v[i] / PAGE_SIZE] = 0;
            if (cached)
                frame_free(&pool, v[i]);
            else
                stack_free(v[i]);
        }
        held_bytes += keep * PAGE_SIZE;
        check_stats(held_bytes);
    }
    arena_destroy();
}

/*
 * Standard map, through the stack itself, two workers interleaved one call at a time (as two
 * CPUs behind one lock): each takes a batch of frames, then frees them in a random order, over and
 * over, with its own batch size. Expect: no frame handed out twice, and the stats add up after
 * every round.
 */
static void test_two_interleaved_workers(void **state)
{
    (void)state;
    std_pool(0);
    static uint8_t out[64 * MiB / PAGE_SIZE];
    memset(out, 0, sizeof(out));
    static phys_addr_t v[2][2048];
    size_t n[2] = {0, 0}, k[2] = {0, 0}, batch[2] = {1000, 1537};
    bool freeing[2] = {false, false};
    uint64_t held_frames = 0;
    for (long step = 0; step < 400000; step++) {
        int w = (int)(next_random() % 2);
        if (!freeing[w]) {
            phys_addr_t pa = stack_alloc();
            assert_int_not_equal(pa, PHYS_NONE);
            assert_int_equal(out[pa / PAGE_SIZE], 0);
            out[pa / PAGE_SIZE] = 1;
            v[w][n[w]++] = pa;
            held_frames++;
            if (n[w] == batch[w]) {
                for (size_t i = n[w]; i > 1; i--) {
                    size_t j = next_random() % i;
                    phys_addr_t t = v[w][i - 1];
                    v[w][i - 1] = v[w][j];
                    v[w][j] = t;
                }
                freeing[w] = true;
                k[w] = 0;
            }
        } else {
            phys_addr_t pa = v[w][k[w]++];
            out[pa / PAGE_SIZE] = 0;
            stack_free(pa);
            held_frames--;
            if (k[w] == n[w]) {
                freeing[w] = false;
                n[w] = 0;
                check_stats(held_frames * PAGE_SIZE);
            }
        }
    }
    arena_destroy();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_rounds),
        cmocka_unit_test(test_two_interleaved_workers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
