# SPDX-License-Identifier: 0BSD
# The page-frame manager: single-frame allocation, freeing and seeding.
frame64_unit_test(frame_alloc SOURCES ${FRAME64_FRAME_SOURCES})
