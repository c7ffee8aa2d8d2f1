# SPDX-License-Identifier: 0BSD
# The shared-frame table against an array of owner counts, with storage that runs dry at times.
frame64_fuzz_test(frame_ref SECONDS 15 SOURCES ${PROJECT_SOURCE_DIR}/src/mm/frame_ref.c)
