# SPDX-License-Identifier: 0BSD
# The shared-frame table (src/mm/frame_ref.c): a pure library, its storage from the test store.
frame64_unit_test(frame_ref SOURCES ${PROJECT_SOURCE_DIR}/src/mm/frame_ref.c)
