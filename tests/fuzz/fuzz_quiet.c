/* SPDX-License-Identifier: 0BSD */
/*
 * kprintf() for the memory fuzzers, linked in with -Wl,--wrap=kprintf (tests/fuzz/frame.cmake):
 * messages are dropped unless FRAME64_VERBOSE is set. With the list refusing operations by the
 * thousand in tight configurations, the host kprintf() (which looks that variable up once per
 * character) took a quarter of fuzz_frame's time, and formatting alone still an eighth. The unit
 * tests check the messages; -Wformat checks every format.
 */
#include <stdarg.h>
#include <stdlib.h>

#include <frame64/kprintf.h>

int __real_kprintf(const char *fmt, ...);
int __wrap_kprintf(const char *fmt, ...);

int __wrap_kprintf(const char *fmt, ...)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FRAME64_VERBOSE") != NULL;
    if (!verbose)
        return 0;
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    __real_kprintf("%s", buf);
    return n;
}
