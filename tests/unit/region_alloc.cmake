# SPDX-License-Identifier: 0BSD
# Runs and frees of the region list (src/mm/region_alloc.c, on src/mm/region.c).
frame64_unit_test(region_alloc SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                       ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
