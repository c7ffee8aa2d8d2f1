# SPDX-License-Identifier: 0BSD
# Page-table lifetime (src/mm/pagetable_walk.c): finding and creating leaf slots, pruning and
# freeing tables.
frame64_unit_test(pagetable_walk SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c
                                         ${PROJECT_SOURCE_DIR}/src/mm/pagetable_walk.c)
