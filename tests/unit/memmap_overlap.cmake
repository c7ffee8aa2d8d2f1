# SPDX-License-Identifier: 0BSD
# The memory-map sanitizer: overlaps and precedence of entry kinds.
frame64_unit_test(memmap_overlap SOURCES ${PROJECT_SOURCE_DIR}/src/mm/memmap.c
                                         ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c
                                         ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                         ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
