# SPDX-License-Identifier: 0BSD
# The W^X audit's effective permissions across levels.
frame64_unit_test(ptaudit SOURCES ${PROJECT_SOURCE_DIR}/src/mm/ptaudit.c
                                  ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c
                                  ${PROJECT_SOURCE_DIR}/src/mm/pagetable_walk.c)
