# SPDX-License-Identifier: 0BSD
# Where a frame is (src/mm/frame_whereis.c, the monitor's whoowns) over the real frame manager.
frame64_unit_test(frame_whereis SOURCES ${PROJECT_SOURCE_DIR}/src/mm/frame_whereis.c
                                        ${FRAME64_FRAME_SOURCES})
