# SPDX-License-Identifier: 0BSD
# The page-frame manager: whole batches between the per-CPU caches and the stack (magazines).
frame64_unit_test(frame_magazine SOURCES ${FRAME64_FRAME_SOURCES})
