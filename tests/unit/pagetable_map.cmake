# SPDX-License-Identifier: 0BSD
# Page-table builder (src/mm/pagetable.c): mapping into empty tables.
frame64_unit_test(pagetable_map SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c)
