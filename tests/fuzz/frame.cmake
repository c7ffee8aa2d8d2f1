# SPDX-License-Identifier: 0BSD
# The page-frame manager against a model of what the caller holds, on top of the region list.
frame64_fuzz_test(frame SECONDS 30 SOURCES ${PROJECT_SOURCE_DIR}/src/mm/frame.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/frame_run.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/frame_drain.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                           ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
