# SPDX-License-Identifier: 0BSD
# The page-frame manager against a model of all its free frames: runs are granted exactly when one
# fits. Optimised and without comparison tracing, as fuzz_frame (tests/fuzz/frame.cmake).
frame64_fuzz_test(frame_model SECONDS 15 SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_quiet.c
                                                 ${PROJECT_SOURCE_DIR}/tests/support/frame_model.c
                                                 ${FRAME64_FRAME_SOURCES})
if(TARGET fuzz_frame_model)
  target_compile_options(fuzz_frame_model PRIVATE -O2 -fno-sanitize-coverage=trace-cmp)
  target_link_options(fuzz_frame_model PRIVATE -Wl,--wrap=kprintf)
endif()
