/* SPDX-License-Identifier: 0BSD */
/* Host implementations of panic_at() and kprintf(): panics unwind to expect_panic(), output is
 * kept. */
#include "host_support.h"

#include <frame64/kprintf.h>
#include <frame64/panic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local unsigned host_cpu; /* <arch/cpu_local.h>: the CPU this thread stands for */

static jmp_buf *catcher;
static char last_panic[1024];
static char out[64 * 1024];
static size_t out_len;

void panic_catch_arm(jmp_buf *jb)
{
    catcher = jb;
}

void panic_catch_disarm(void)
{
    catcher = NULL;
}

const char *panic_message(void)
{
    return last_panic;
}

void panic_at(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(last_panic, sizeof(last_panic), "%s:%d: ", file, line);
    va_start(ap, fmt);
    kvsnprintf(last_panic + n, sizeof(last_panic) - n, fmt, ap);
    va_end(ap);
    if (catcher) {
        jmp_buf *jb = catcher;
        catcher = NULL;
        longjmp(*jb, 1);
    }
    fprintf(stderr, "panic: %s\n", last_panic);
    abort();
}

static void put(char c, void *ctx)
{
    (void)ctx;
    if (out_len + 1 >= sizeof(out)) { /* keep the newest half */
        memmove(out, out + sizeof(out) / 2, out_len - sizeof(out) / 2);
        out_len -= sizeof(out) / 2;
    }
    out[out_len++] = c;
    out[out_len] = '\0';
    static int verbose = -1; /* looked up once: a lookup per character costs the fuzzers dearly */
    if (verbose < 0)
        verbose = getenv("FRAME64_VERBOSE") != NULL;
    if (verbose)
        fputc(c, stderr);
}

int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvformat(put, NULL, fmt, ap);
    va_end(ap);
    return n;
}

const char *kprintf_output(void)
{
    return out;
}

void kprintf_reset(void)
{
    out_len = 0;
    out[0] = '\0';
}
