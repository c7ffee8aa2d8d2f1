/* SPDX-License-Identifier: 0BSD */
/*
 * libFuzzer harness for the shared-frame table (src/mm/frame_ref.c) against the simplest model
 * there is: an array with every frame's owner count (1 for a frame nobody shares). Random
 * share, share_many, unshare (one or a series), unshare_shared and count calls, with the storage
 * allocator now and then told to run dry. Aborts if an answer disagrees with the model, if an error
 * changes a count, if K_ENOMEM comes when no memory was needed or none was missing, if the table's
 * stats disagree with the model or with the frames the store handed out, or if the table holds more
 * memory than the bound for its number of shared frames (tests/support/frame_ref_store.h). At the
 * end everything is unshared and every storage frame must be back.
 *
 * Frames: half dense (consecutive frame numbers, fork's case: long probe runs), half spread over
 * 52-bit addresses (frame 0 and the last frame included). Input: opcode byte, argument bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <frame64/error.h>
#include <frame64/frame_ref.h>

#include "frame_ref_store.h"
#include "fuzz_input.h"

#define NFRAMES 16384

static struct ref_store st;
static struct frame_ref t;
static uint32_t model[NFRAMES];
static uint64_t m_shared, m_refs;
static bool sized; /* the last change ran with memory to spare: the table must be at its size */
static uint32_t touched[NFRAMES]; /* frames whose count ever left 1 in this input, once each */
static size_t ntouched;
static bool is_touched[NFRAMES];

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_frame_ref: %s:%d: %s\n", __FILE__, __LINE__, #cond);             \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static phys_addr_t frame_of(uint64_t i)
{
    if (i < NFRAMES / 2)
        return (0x100000 + i) * PAGE_SIZE;
    if (i == NFRAMES - 1)
        return FRAME_REF_PA_LIMIT - PAGE_SIZE;
    if (i == NFRAMES / 2)
        return 0;
    return (i * 0x9e3779b97f4a7c15ull) % (FRAME_REF_PA_LIMIT / PAGE_SIZE) * PAGE_SIZE;
}

/* The model after one more owner of frame i. */
static void model_share(uint64_t i)
{
    if (!is_touched[i]) {
        is_touched[i] = true;
        touched[ntouched++] = (uint32_t)i;
    }
    m_shared += model[i] == 1;
    m_refs += model[i] == 1 ? 2 : 1;
    model[i]++;
}

static void model_unshare(uint64_t i)
{
    if (model[i] == 1)
        return;
    model[i]--;
    m_shared -= model[i] == 1;
    m_refs -= model[i] == 1 ? 2 : 1;
}

static void check_stats(void)
{
    struct frame_ref_stats s = frame_ref_stats(&t);
    CHECK(s.shared == m_shared);
    CHECK(s.refs == m_refs);
    CHECK(s.frames == st.held);
    CHECK(s.bytes == st.held * PAGE_SIZE);
    CHECK(s.shared == 0 ? s.slots == 0 || !sized : s.shared * 4 <= s.slots * 3);
    if (sized)
        CHECK(s.bytes <= ref_store_bound(s.shared));
}

/* Every frame that was ever shared (the others are 1 in the model and cannot be in the table). */
static void check_all(void)
{
    for (size_t k = 0; k < ntouched; k++)
        CHECK(frame_ref_count(&t, frame_of(touched[k])) == model[touched[k]]);
}

/* A change ran: with a limited store the table may have put a shrink off. */
static void changed(void)
{
    sized = st.limit == UINT64_MAX;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct in in = {data, size};
    ref_store_init(&st, 4 * MiB); /* the largest table: 64Ki slots, 129 frames */
    frame_ref_init(&t, ref_store_alloc, ref_store_free, &st);
    for (size_t k = 0; k < ntouched; k++) {
        model[touched[k]] = 1;
        is_touched[touched[k]] = false;
    }
    ntouched = 0;
    if (!model[0])
        for (uint64_t i = 0; i < NFRAMES; i++)
            model[i] = 1;
    m_shared = m_refs = 0;
    sized = true;
    static phys_addr_t batch[256];
    static uint64_t batch_i[256];

    for (unsigned step = 0; in.n; step++) {
        uint8_t op = (uint8_t)take(&in, 1);
        uint64_t i = take(&in, 2) % NFRAMES;
        phys_addr_t pa = frame_of(i);
        switch (op % 8) {
        case 0:
        case 1: { /* share */
            struct frame_ref_stats before = frame_ref_stats(&t);
            int rc = frame_ref_share(&t, pa);
            if (rc == K_ENOMEM) {
                CHECK(model[i] == 1 && st.limit != UINT64_MAX);
                CHECK(before.shared * 4 + 4 > before.slots * 3); /* growth was needed */
                CHECK(frame_ref_stats(&t).slots == before.slots);
            } else {
                CHECK(rc == K_OK);
                model_share(i);
            }
            changed();
            break;
        }
        case 2:
        case 3: /* unshare, also of frames with one owner (0: free it) */
            CHECK(frame_ref_unshare(&t, pa) == (model[i] == 1 ? 0 : model[i] - 1));
            model_unshare(i);
            changed();
            break;
        case 4: /* unshare_shared, where the caller knows the frame is shared */
            if (model[i] > 1) {
                CHECK(frame_ref_unshare_shared(&t, pa) == model[i] - 1);
                model_unshare(i);
                changed();
            }
            break;
        case 5: { /* share_many: n frames from i by a stride (repeats wrap around) */
            size_t n = take(&in, 1) % 256;
            uint64_t stride = take(&in, 1) % 64;
            for (size_t k = 0; k < n; k++) {
                batch_i[k] = (i + k * stride) % NFRAMES;
                batch[k] = frame_of(batch_i[k]);
            }
            int rc = frame_ref_share_many(&t, batch, n);
            if (rc == K_ENOMEM) {
                CHECK(st.limit != UINT64_MAX);
            } else {
                CHECK(rc == K_OK);
                for (size_t k = 0; k < n; k++)
                    model_share(batch_i[k]);
            }
            changed();
            break;
        }
        case 6: /* the store: 0-3 frames more from now on, or no limit */
            st.limit = op & 0x80 ? UINT64_MAX : st.held + (op >> 3 & 3);
            break;
        case 7: { /* unshares: n from i by a stride, or (bit 7) all of most shared frames */
            size_t n = take(&in, 1);
            uint64_t stride = take(&in, 1) % 64 + 1;
            if (op & 0x80) /* every touched frame but each stride-th: the table shrinks */
                for (size_t k = 0; k < ntouched; k++)
                    while (k % stride == n % stride && model[touched[k]] > 1) {
                        uint64_t j = touched[k];
                        CHECK(frame_ref_unshare(&t, frame_of(j)) == model[j] - 1);
                        model_unshare(j);
                        changed();
                        check_stats();
                    }
            for (size_t k = 0; !(op & 0x80) && k < n; k++) {
                uint64_t j = (i + k * stride) % NFRAMES;
                CHECK(frame_ref_unshare(&t, frame_of(j)) == (model[j] == 1 ? 0 : model[j] - 1));
                model_unshare(j);
                changed();
                check_stats();
            }
            break;
        }
        }
        CHECK(frame_ref_count(&t, pa) == model[i]);
        check_stats();
        if (step % 256 == 255)
            check_all();
    }
    check_all();

    /* Everything back: the last owner of every frame remains, and the table is empty. */
    st.limit = UINT64_MAX;
    for (size_t k = 0; k < ntouched; k++)
        while (model[touched[k]] > 1) {
            CHECK(frame_ref_unshare(&t, frame_of(touched[k])) == model[touched[k]] - 1);
            model_unshare(touched[k]);
        }
    sized = true;
    check_stats();
    CHECK(st.held == 0);
    frame_ref_destroy(&t);
    CHECK(st.held == 0);
    arena_destroy();
    return 0;
}
