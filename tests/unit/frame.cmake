# SPDX-License-Identifier: 0BSD
# The page-frame manager (src/mm/frame.c, src/mm/frame_check.c) on top of the region list.
frame64_unit_test(frame SOURCES ${PROJECT_SOURCE_DIR}/src/mm/frame.c
                                ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
                                ${PROJECT_SOURCE_DIR}/src/mm/region.c
                                ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
