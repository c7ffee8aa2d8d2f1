# SPDX-License-Identifier: 0BSD
# Page-table builder and walker (pure C, tables in the test arena).
frame64_unit_test(pagetable SOURCES ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c)
