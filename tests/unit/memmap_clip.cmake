# SPDX-License-Identifier: 0BSD
# The memory-map sanitizer: rounding, clipping and what it logs.
frame64_unit_test(memmap_clip SOURCES ${PROJECT_SOURCE_DIR}/src/mm/memmap.c
                                      ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
