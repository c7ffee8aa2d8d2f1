/* SPDX-License-Identifier: 0BSD */
/*
 * Host test helpers: catching panic() and reading what kprintf() printed.
 *
 *   expect_panic(frame_free(&pool, 0x1001));   // fails the test unless the call panics
 *   assert_non_null(strstr(panic_message(), "misaligned"));
 */
#ifndef TEST_HOST_SUPPORT_H
#define TEST_HOST_SUPPORT_H

#include <setjmp.h>

void panic_catch_arm(jmp_buf *jb);
void panic_catch_disarm(void);
/* The message of the last panic, "file:line: message". */
const char *panic_message(void);

/* Everything kprintf() printed since the last kprintf_reset() (the last 64 KiB of it). */
const char *kprintf_output(void);
void kprintf_reset(void);

#define expect_panic(stmt)                                                                         \
    do {                                                                                           \
        jmp_buf jb_;                                                                               \
        panic_catch_arm(&jb_);                                                                     \
        if (setjmp(jb_) == 0) {                                                                    \
            stmt;                                                                                  \
            panic_catch_disarm();                                                                  \
            fail_msg("expected a panic from: %s", #stmt);                                          \
        }                                                                                          \
        panic_catch_disarm();                                                                      \
    } while (0)

#endif
