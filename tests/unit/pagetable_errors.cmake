# SPDX-License-Identifier: 0BSD
# Page tables (src/mm/pagetable*.c): errors and broken invariants.
frame64_unit_test(pagetable_errors SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/pagetable_walk.c)
