# SPDX-License-Identifier: 0BSD
# Where a list can live before it describes anything (memmap_find_room()).
frame64_unit_test(memmap_room SOURCES ${PROJECT_SOURCE_DIR}/src/mm/memmap.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
