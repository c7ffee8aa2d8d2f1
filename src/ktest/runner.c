/* SPDX-License-Identifier: 0BSD */
/* The ktest runner: walks the ktest_cases section the linker collects KTEST() entries into. */
#include <frame64/arch.h>
#include <frame64/console.h>
#include <frame64/kprintf.h>
#include <frame64/ktest.h>

extern const struct ktest_case __start_ktest_cases[], __stop_ktest_cases[];

void ktest_fail(struct ktest *t, const char *file, int line, const char *fmt, ...)
{
    if (t->failed)
        return;
    t->failed = true;
    int n = ksnprintf(t->message, sizeof(t->message), "%s:%d: ", file, line);
    if (n < 0 || (size_t)n >= sizeof(t->message))
        return;
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(t->message + n, sizeof(t->message) - n, fmt, ap);
    va_end(ap);
}

void ktest_expected_begin(void)
{
    console_line_prefix("ktest: expected: ");
}

void ktest_expected_end(void)
{
    console_line_prefix(NULL);
}

unsigned ktest_run_suite(void)
{
    unsigned passed = 0, failed = 0;
    kprintf("ktest: running %u tests\n", (unsigned)(__stop_ktest_cases - __start_ktest_cases));
    for (const struct ktest_case *c = __start_ktest_cases; c < __stop_ktest_cases; c++) {
        struct ktest t = {0};
        uint64_t start = arch_cycles();
        c->fn(&t);
        ktest_expected_end(); /* a test that returned early on a failure */
        uint64_t cycles = arch_cycles() - start;
        if (t.failed) {
            failed++;
            kprintf("ktest: FAIL %s: %s\n", c->name, t.message);
        } else {
            passed++;
            kprintf("ktest: PASS %s (%llu Mcycles)\n", c->name,
                    (unsigned long long)(cycles / 1000000));
        }
    }
    kprintf("ktest: %u passed, %u failed\n", passed, failed);
    return failed;
}

void ktest_run_all(void)
{
    arch_poweroff(ktest_run_suite() ? 1 : 0);
}
