/* SPDX-License-Identifier: 0BSD */
/*
 * Clang's thread-safety annotations (-Wthread-safety, on in every build): a lock type is a
 * capability, data says which lock guards it, functions say which lock they take, drop or need.
 * Clang then rejects, at compile time, a read or write of guarded data or a call of a function
 * that needs a lock, on a path that does not hold it. Other compilers see nothing.
 *
 * In C, GUARDED_BY can name only a file-scope lock (an attribute cannot name a sibling member):
 * data inside a structure that holds its own lock (the frame pool) is not annotated, but the
 * functions that need or drop that lock are (REQUIRES(p->lock), RELEASE(p->lock)), and the
 * run-time lock checker (FRAME64_LOCK_DEBUG, irqlock.h) still checks ranks and recursion.
 */
#ifndef FRAME64_THREAD_SAFETY_H
#define FRAME64_THREAD_SAFETY_H

#if defined(__clang__)
#define TSA(x) __attribute__((x))
#else
#define TSA(x)
#endif

#define CAPABILITY(name)          TSA(capability(name))
#define GUARDED_BY(lock)          TSA(guarded_by(lock))
#define REQUIRES(...)             TSA(requires_capability(__VA_ARGS__))
#define ACQUIRE(...)              TSA(acquire_capability(__VA_ARGS__))
#define RELEASE(...)              TSA(release_capability(__VA_ARGS__))
#define TRY_ACQUIRE(...)          TSA(try_acquire_capability(__VA_ARGS__))
#define NO_THREAD_SAFETY_ANALYSIS TSA(no_thread_safety_analysis)

#endif
