# SPDX-License-Identifier: 0BSD
# The page-frame manager: the drain when the list has no room or the stack is corrupted.
frame64_unit_test(frame_drain_errors SOURCES ${FRAME64_FRAME_SOURCES}
                                             ${PROJECT_SOURCE_DIR}/src/mm/frame_run.c
                                             ${PROJECT_SOURCE_DIR}/src/mm/frame_drain.c
                                             ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                             ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                             ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                             ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
