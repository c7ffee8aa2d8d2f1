/* SPDX-License-Identifier: 0BSD */
/*
 * The second error tier: a broken invariant stops the kernel with file:line and a message.
 * Exhaustion and bad input are returned to the caller instead; panic is for "this cannot happen".
 * Host tests link their own panic_at() that records the message and unwinds the test.
 */
#ifndef FRAME64_PANIC_H
#define FRAME64_PANIC_H

__attribute__((noreturn, format(printf, 3, 4))) void panic_at(const char *file, int line,
                                                              const char *fmt, ...);

#define panic(...) panic_at(__FILE__, __LINE__, __VA_ARGS__)

#endif
