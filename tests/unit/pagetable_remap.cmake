# SPDX-License-Identifier: 0BSD
# Page tables (src/mm/pagetable*.c): mapping over existing mappings.
frame64_unit_test(pagetable_remap SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c
                                          ${PROJECT_SOURCE_DIR}/src/mm/pagetable_walk.c)
