# SPDX-License-Identifier: 0BSD
# The memory-map carve-outs and the printed table.
frame64_unit_test(memmap_carve SOURCES ${PROJECT_SOURCE_DIR}/src/mm/memmap.c
                                       ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c
                                       ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                       ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
