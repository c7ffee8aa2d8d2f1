/* SPDX-License-Identifier: 0BSD */
/*
 * In-kernel tests, run when the command line holds the word "ktest". A test is a function
 * registered with KTEST(name) in any kernel file; the runner prints one line per test, then
 * exactly one summary line "ktest: N passed, N failed", and powers QEMU off with the status.
 */
#ifndef FRAME64_KTEST_H
#define FRAME64_KTEST_H

#include <frame64/types.h>

struct ktest {
    bool failed;
    char message[192];
};

struct ktest_case {
    const char *name;
    void (*fn)(struct ktest *t);
};

#define KTEST(id)                                                                                  \
    static void ktest_##id(struct ktest *t);                                                       \
    static const struct ktest_case ktest_case_##id                                                 \
        __attribute__((used, section("ktest_cases"), aligned(8))) = {#id, ktest_##id};             \
    static void ktest_##id(struct ktest *t)

/* Records a failure with its place; the first one wins. */
__attribute__((format(printf, 4, 5))) void ktest_fail(struct ktest *t, const char *file, int line,
                                                      const char *fmt, ...);

/* Fails the test and returns from it when cond is false. */
#define KT_ASSERT(cond, ...)                                                                       \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            ktest_fail(t, __FILE__, __LINE__, __VA_ARGS__);                                        \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* Runs a helper that checks with KT_ASSERT on t, and returns from the test too if it failed. */
#define KT_STEP(call)                                                                              \
    do {                                                                                           \
        call;                                                                                      \
        if (t->failed)                                                                             \
            return;                                                                                \
    } while (0)

/*
 * Between these two, every line printed starts with "ktest: expected: ": for a step that makes
 * the kernel print a refusal or a warning on purpose, so that the boot tests can tell it from a
 * real one (a passing run prints nothing that reads like a failure). The runner ends it after
 * each test too.
 */
void ktest_expected_begin(void);
void ktest_expected_end(void);

/* Crashes on purpose when the command line says crash=panic or crash=pagefault (boot tests). */
void ktest_crash_if_asked(const char *cmdline);

/*
 * Runs every registered test and prints one line per test and the summary, then returns (the
 * monitor's `ktest`). Return: how many failed.
 */
unsigned ktest_run_suite(void);

/* ktest_run_suite(), then powers off with the status (the command line's "ktest"). */
__attribute__((noreturn)) void ktest_run_all(void);

#endif
