# SPDX-License-Identifier: 0BSD
# The page-frame manager: whole 2 MiB areas under long random churn, checked frame by frame.
frame64_unit_test(frame_area_churn SOURCES ${FRAME64_FRAME_SOURCES})
