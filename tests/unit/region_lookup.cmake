# SPDX-License-Identifier: 0BSD
# The region list (src/mm/region.c): lookup, totals, names and the self-check.
frame64_unit_test(region_lookup SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                        ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
