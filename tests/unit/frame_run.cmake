# SPDX-License-Identifier: 0BSD
# The page-frame manager: runs, reclaiming the stack for them, bad requests.
frame64_unit_test(frame_run SOURCES ${FRAME64_FRAME_SOURCES}
                                    ${PROJECT_SOURCE_DIR}/src/mm/frame_run.c
                                    ${PROJECT_SOURCE_DIR}/src/mm/frame_drain.c
                                    ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                    ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                    ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                    ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
