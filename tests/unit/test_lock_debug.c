/* SPDX-License-Identifier: 0BSD */
/*
 * The lock checker (src/lib/lock_debug.c, FRAME64_LOCK_DEBUG): locks taken in rank order pass;
 * taking a held lock again, a lock ranked at or below one held, or releasing one not held panics
 * naming the locks; after a report the CPU's record is clean again, and CPUs keep separate
 * records.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <frame64/irqlock.h>

#include "host_support.h"

/*
 * These tests take locks twice, out of order and not at all before releasing, on purpose: the
 * run-time checker must catch each. The compile-time analysis (-Wthread-safety) would refuse to
 * build them, so it is off for this file only.
 */
#pragma clang diagnostic ignored "-Wthread-safety-analysis"

static struct irqlock outer = IRQLOCK_INIT("outer", LOCK_RANK_TEST);
static struct irqlock inner = IRQLOCK_INIT("inner", LOCK_RANK_TEST + 1);

/* outer then inner, released in either order: no report. */
static void test_rank_order_passes(void **state)
{
    (void)state;
    uint64_t a = irqlock_acquire(&outer), b = irqlock_acquire(&inner);
    irqlock_release(&outer, a);
    irqlock_release(&inner, b);
    a = irqlock_acquire(&outer);
    uint64_t t;
    assert_true(irqlock_try_acquire(&inner, &t));
    assert_false(irqlock_try_acquire(&inner, &t)); /* held: a try fails, it does not spin */
    irqlock_release(&inner, t);
    irqlock_release(&outer, a);
}

/* outer taken twice on one CPU: a recursion report naming it (it would spin forever). */
static void test_recursion_panics(void **state)
{
    (void)state;
    uint64_t a = irqlock_acquire(&outer);
    expect_panic(irqlock_acquire(&outer));
    assert_non_null(strstr(panic_message(), "'outer' taken again on CPU 0"));
    __atomic_store_n(&outer.locked, 0, __ATOMIC_RELEASE); /* the record was cleared by the report */
    (void)a;
}

/* inner held, outer taken: an inversion report naming both; equal ranks count as inverted. */
static void test_inversion_panics(void **state)
{
    (void)state;
    uint64_t b = irqlock_acquire(&inner);
    expect_panic(irqlock_acquire(&outer));
    assert_non_null(
        strstr(panic_message(), "'outer' (rank 100) taken while holding 'inner' (rank 101)"));
    __atomic_store_n(&inner.locked, 0, __ATOMIC_RELEASE);
    (void)b;

    struct irqlock twin = IRQLOCK_INIT("twin", LOCK_RANK_TEST);
    uint64_t a = irqlock_acquire(&outer);
    expect_panic(irqlock_acquire(&twin));
    assert_non_null(strstr(panic_message(), "'twin' (rank 100) taken while holding 'outer'"));
    __atomic_store_n(&outer.locked, 0, __ATOMIC_RELEASE);
    (void)a;
}

/* A release of a lock this CPU does not hold (another CPU took it) is reported. */
static void test_foreign_release_panics(void **state)
{
    (void)state;
    host_cpu_set(1);
    uint64_t a = irqlock_acquire(&outer);
    host_cpu_set(0);
    expect_panic(irqlock_release(&outer, a));
    assert_non_null(strstr(panic_message(), "'outer' released on CPU 0, which does not hold it"));
    host_cpu_set(1);
    irqlock_release(&outer, a);
    host_cpu_set(0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rank_order_passes),
        cmocka_unit_test(test_recursion_panics),
        cmocka_unit_test(test_inversion_panics),
        cmocka_unit_test(test_foreign_release_panics),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
