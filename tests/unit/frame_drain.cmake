# SPDX-License-Identifier: 0BSD
# The page-frame manager: draining the stack back to the region list for runs after churn.
frame64_unit_test(frame_drain SOURCES ${FRAME64_FRAME_SOURCES})
