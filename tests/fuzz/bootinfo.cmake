# SPDX-License-Identifier: 0BSD
# Arbitrary bytes as a multiboot2 information block: parser, sanitizer and carve-outs against a
# page-by-page reference model.
frame64_fuzz_test(bootinfo SECONDS 30 SOURCES ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c
                                              ${PROJECT_SOURCE_DIR}/src/mm/memmap.c
                                              ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                              ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
