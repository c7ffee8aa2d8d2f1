# SPDX-License-Identifier: 0BSD
# The page-frame manager: draining the stack back to the region list for runs after churn.
frame64_unit_test(frame_drain SOURCES ${FRAME64_FRAME_SOURCES}
                                      ${PROJECT_SOURCE_DIR}/src/mm/frame_run.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/frame_drain.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c
                                      ${PROJECT_SOURCE_DIR}/src/mm/region_merge.c)
