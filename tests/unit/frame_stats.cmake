# SPDX-License-Identifier: 0BSD
# The page-frame manager: statistics.
frame64_unit_test(frame_stats SOURCES ${FRAME64_FRAME_SOURCES})
