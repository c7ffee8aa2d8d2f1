# SPDX-License-Identifier: 0BSD
# The page-frame manager: 2 MiB frames (frame_alloc_huge(), frame_free_huge()).
frame64_unit_test(frame_huge SOURCES ${FRAME64_FRAME_SOURCES})
