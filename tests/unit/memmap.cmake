# SPDX-License-Identifier: 0BSD
# The memory-map sanitizer, carve-outs and table, on the real region list and parser.
frame64_unit_test(memmap SOURCES ${PROJECT_SOURCE_DIR}/src/mm/memmap.c
                                 ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c
                                 ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                 ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
