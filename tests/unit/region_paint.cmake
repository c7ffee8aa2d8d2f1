# SPDX-License-Identifier: 0BSD
# The region list (src/mm/region.c): painting, merging and splitting.
frame64_unit_test(region_paint SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                       ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
