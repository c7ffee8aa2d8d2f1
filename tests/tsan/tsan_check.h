/* SPDX-License-Identifier: 0BSD */
/*
 * What the ThreadSanitizer tests share: CHECK() reports a failed condition from any thread and
 * marks the run failed (the including file defines `static int failed;`) instead of aborting, so
 * one run shows every thread's findings; main() returns failed.
 */
#ifndef FRAME64_TSAN_CHECK_H
#define FRAME64_TSAN_CHECK_H

#include <stdio.h>

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            __atomic_store_n(&failed, 1, __ATOMIC_RELAXED);                                        \
        }                                                                                          \
    } while (0)

#endif
