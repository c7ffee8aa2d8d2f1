/* SPDX-License-Identifier: 0BSD */
/*
 * The shared-frame table (src/mm/frame_ref.c) with real threads under ThreadSanitizer: each
 * thread stands for a CPU forking and faulting at once. Every frame starts with one owner that
 * never lets go; a thread shares frames and later unshares only the shares it made itself.
 *
 * Each thread has 2,000 frames of its own (disjoint: their count must be exactly 1 + its shares,
 * checked on every step) and all threads hammer 256 common frames (overlapping: their count is at
 * least 1 + this thread's shares), by single shares and by batches of 16, while the table grows
 * and shrinks under them. After a barrier every common frame's count must be 1 plus the shares of
 * all threads; after every thread has given its shares back, the table must be empty and every
 * storage frame back in the store. Exits 0 when all holds; prints what failed and exits 1
 * otherwise (TSan reports races itself).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <arch/cpu_local.h>
#include <frame64/error.h>
#include <frame64/frame_ref.h>

#include "frame_ref_store.h"
#include "tsan_check.h"

#define THREADS 4
#define OWN     2000
#define COMMON  256
#define OPS     200000

static struct ref_store st; /* called only under the table's lock */
static struct frame_ref table;
static pthread_barrier_t barrier;
static int failed;
static uint32_t shares[THREADS][OWN + COMMON]; /* the shares thread i holds of each frame */

/* Frame k of thread id: its own ones first, then the common ones (the same for every thread). */
static phys_addr_t frame(unsigned id, unsigned k)
{
    if (k < OWN)
        return ((uint64_t)(id + 1) << 32) + (uint64_t)k * PAGE_SIZE;
    return (uint64_t)(k - OWN) * 7 * PAGE_SIZE;
}

static void give_back(unsigned id, unsigned k)
{
    uint32_t left = frame_ref_unshare(&table, frame(id, k));
    shares[id][k]--;
    if (k < OWN)
        CHECK(left == 1 + shares[id][k], "thread %u: frame 0x%lx: %u left, not %u", id,
              frame(id, k), left, 1 + shares[id][k]);
    else
        CHECK(left >= 1 + shares[id][k], "thread %u: common frame 0x%lx: %u left, below %u", id,
              frame(id, k), left, 1 + shares[id][k]);
}

static void *worker(void *arg)
{
    unsigned id = (unsigned)(uintptr_t)arg;
    host_cpu_set(id);
    uint64_t x = 0x9e3779b97f4a7c15ull * (id + 1);
    for (int op = 0; op < OPS; op++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        /* Mostly the common frames in the second half: most of the traffic there overlaps. */
        unsigned k = (x >> 8) % 2 && op > OPS / 2 ? OWN + (x >> 20) % COMMON : (x >> 20) % OWN;
        /* Share more than unshare in the first half (the table grows), the reverse after. */
        bool share = (x >> 40) % 8 < (op < OPS / 2 ? 5u : 3u);
        if ((x & 0xff) == 0) {
            phys_addr_t batch[16];
            unsigned ks[16];
            for (unsigned b = 0; b < 16; b++) {
                ks[b] = OWN + (k + b * 13) % COMMON;
                batch[b] = frame(id, ks[b]);
            }
            int rc = frame_ref_share_many(&table, batch, 16);
            CHECK(rc == K_OK, "thread %u: share_many: %d", id, rc);
            for (unsigned b = 0; b < 16 && rc == K_OK; b++)
                shares[id][ks[b]]++;
        } else if (share || !shares[id][k]) {
            int rc = frame_ref_share(&table, frame(id, k));
            CHECK(rc == K_OK, "thread %u: share 0x%lx: %d", id, frame(id, k), rc);
            shares[id][k]++;
            uint32_t n = frame_ref_count(&table, frame(id, k));
            if (k < OWN)
                CHECK(n == 1 + shares[id][k], "thread %u: frame 0x%lx counts %u, not %u", id,
                      frame(id, k), n, 1 + shares[id][k]);
        } else {
            give_back(id, k);
        }
        if (op % 4096 == 0)
            (void)frame_ref_stats(&table);
    }
    pthread_barrier_wait(&barrier);
    if (id == 0) /* every thread is between the barriers: the common counts hold still */
        for (unsigned c = 0; c < COMMON; c++) {
            uint32_t want = 1;
            for (unsigned i = 0; i < THREADS; i++)
                want += shares[i][OWN + c];
            uint32_t n = frame_ref_count(&table, frame(0, OWN + c));
            CHECK(n == want, "common frame 0x%lx counts %u, not %u", frame(0, OWN + c), n, want);
        }
    pthread_barrier_wait(&barrier);
    for (unsigned k = 0; k < OWN + COMMON; k++)
        while (shares[id][k])
            give_back(id, k);
    return NULL;
}

int main(void)
{
    ref_store_init(&st, 64 * MiB);
    frame_ref_init(&table, ref_store_alloc, ref_store_free, &st);
    pthread_barrier_init(&barrier, NULL, THREADS);
    pthread_t th[THREADS];
    for (unsigned i = 0; i < THREADS; i++)
        pthread_create(&th[i], NULL, worker, (void *)(uintptr_t)i);
    for (unsigned i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    struct frame_ref_stats s = frame_ref_stats(&table);
    CHECK(s.shared == 0 && s.refs == 0, "after all shares were given back: %lu shared, %lu refs",
          s.shared, s.refs);
    CHECK(st.held == 0, "%lu storage frames still held", st.held);
    CHECK(s.resizes >= 4, "the table was rebuilt only %lu times: growth and shrink not exercised",
          s.resizes);
    printf("frame_ref threads: %d threads x %d operations, %lu rebuilds, peak %lu storage "
           "frames: %s\n",
           THREADS, OPS, s.resizes, st.peak, failed ? "FAILED" : "ok");
    frame_ref_destroy(&table);
    arena_destroy();
    return failed;
}
