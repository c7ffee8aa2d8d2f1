# SPDX-License-Identifier: 0BSD
# The region list (src/mm/region.c): capacity and growth.
frame64_unit_test(region_grow SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
