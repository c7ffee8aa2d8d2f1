# SPDX-License-Identifier: 0BSD
# The page-frame manager: statistics.
frame64_unit_test(frame_stats SOURCES ${FRAME64_FRAME_SOURCES}
                                      ${PROJECT_SOURCE_DIR}/src/mm/frame_run.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/frame_drain.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
