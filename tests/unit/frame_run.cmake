# SPDX-License-Identifier: 0BSD
# The page-frame manager: runs, reclaiming the stack for them, bad requests.
frame64_unit_test(frame_run SOURCES ${FRAME64_FRAME_SOURCES})
