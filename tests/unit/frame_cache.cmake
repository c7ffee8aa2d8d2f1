# SPDX-License-Identifier: 0BSD
# The page-frame manager: per-CPU caches, several CPUs on one thread.
frame64_unit_test(frame_cache SOURCES ${FRAME64_FRAME_SOURCES})
