# SPDX-License-Identifier: 0BSD
# Page tables (src/mm/pagetable*.c): unmapping.
frame64_unit_test(pagetable_unmap SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c
                                          ${PROJECT_SOURCE_DIR}/src/mm/pagetable_walk.c)
