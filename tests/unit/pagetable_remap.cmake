# SPDX-License-Identifier: 0BSD
# Page-table builder (src/mm/pagetable.c): mapping over existing mappings.
frame64_unit_test(pagetable_remap SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c)
