# SPDX-License-Identifier: 0BSD
# The region list (src/mm/region_merge.c): many ranges retagged in one merge.
frame64_unit_test(region_merge SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                       ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                       ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
