# SPDX-License-Identifier: 0BSD
# The region list against a page-per-cell reference model, growth included.
frame64_fuzz_test(region SECONDS 15 SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_quiet.c
                                            ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                            ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
# Optimised, without comparison tracing, with quiet messages: see tests/fuzz/frame.cmake.
if(TARGET fuzz_region)
  target_compile_options(fuzz_region PRIVATE -O2 -fno-sanitize-coverage=trace-cmp)
  target_link_options(fuzz_region PRIVATE -Wl,--wrap=kprintf)
endif()
