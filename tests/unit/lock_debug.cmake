# SPDX-License-Identifier: 0BSD
# The lock-order and recursion checker.
frame64_unit_test(lock_debug SOURCES)
