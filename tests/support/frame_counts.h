/* SPDX-License-Identifier: 0BSD */
/* A pool's frames in use and free, in frames, from frame_get_stats(): what leak checks compare. */
#ifndef TEST_FRAME_COUNTS_H
#define TEST_FRAME_COUNTS_H

#include <frame64/frame.h>

static inline uint64_t frames_in_use(struct frame_pool *p)
{
    struct frame_stats s;
    frame_get_stats(p, &s);
    return s.in_use / PAGE_SIZE;
}

static inline uint64_t frames_free(struct frame_pool *p)
{
    struct frame_stats s;
    frame_get_stats(p, &s);
    return (s.stacked + s.unseeded) / PAGE_SIZE;
}

#endif
