# SPDX-License-Identifier: 0BSD
# The page-frame manager against a model of what the caller holds, on top of the region list.
frame64_fuzz_test(frame SECONDS 15 SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_quiet.c
                                           ${FRAME64_FRAME_SOURCES})
# Optimised, without comparison tracing, and with quiet messages (fuzz_quiet.c): at -O0, with
# every comparison reported to libFuzzer and kprintf() looking up an environment variable per
# character, the harness rather than the allocator took most of the time (docs/frame-allocator.md,
# "Testing").
if(TARGET fuzz_frame)
  target_compile_options(fuzz_frame PRIVATE -O2 -fno-sanitize-coverage=trace-cmp)
  target_link_options(fuzz_frame PRIVATE -Wl,--wrap=kprintf)
endif()
