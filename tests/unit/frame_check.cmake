# SPDX-License-Identifier: 0BSD
# The page-frame manager: bad frees, FRAME_CHECK and FRAME_POISON.
frame64_unit_test(frame_check SOURCES ${FRAME64_FRAME_SOURCES})
