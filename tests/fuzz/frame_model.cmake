# SPDX-License-Identifier: 0BSD
# The page-frame manager against a model of all its free frames: runs are granted exactly when one
# fits. Optimised and without comparison tracing, as fuzz_frame (tests/fuzz/frame.cmake).
frame64_fuzz_test(frame_model SECONDS 30 SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/fuzz_quiet.c
                                                 ${PROJECT_SOURCE_DIR}/tests/support/frame_model.c
                                                 ${FRAME64_FRAME_SOURCES}
                                                 ${PROJECT_SOURCE_DIR}/src/mm/frame_run.c
                                                 ${PROJECT_SOURCE_DIR}/src/mm/frame_drain.c
                                                 ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                                 ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                                 ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                                 ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
if(TARGET fuzz_frame_model)
  target_compile_options(fuzz_frame_model PRIVATE -O2 -fno-sanitize-coverage=trace-cmp)
  target_link_options(fuzz_frame_model PRIVATE -Wl,--wrap=kprintf)
endif()
