# SPDX-License-Identifier: 0BSD
# The region list (src/mm/region.c): painting, growth, lookup.
frame64_unit_test(region SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                 ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
