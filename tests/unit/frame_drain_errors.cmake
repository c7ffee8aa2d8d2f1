# SPDX-License-Identifier: 0BSD
# The page-frame manager: the drain when the list has no room or the stack is corrupted.
frame64_unit_test(frame_drain_errors SOURCES ${FRAME64_FRAME_SOURCES})
