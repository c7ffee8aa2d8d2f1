# SPDX-License-Identifier: 0BSD
# The page-frame manager: whole 2 MiB areas taken off the stack, stale entries, the whole list.
frame64_unit_test(frame_area SOURCES ${FRAME64_FRAME_SOURCES}
  ${PROJECT_SOURCE_DIR}/src/mm/frame_whereis.c)
