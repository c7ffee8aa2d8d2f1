# SPDX-License-Identifier: 0BSD
# The region list against a page-per-cell reference model, growth included.
frame64_fuzz_test(region SECONDS 30 SOURCES ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                            ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
