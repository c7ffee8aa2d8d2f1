# SPDX-License-Identifier: 0BSD
# The map picture's layout (src/monitor/mapview.c): the letter strip and the pixel spans.
frame64_unit_test(mapview SOURCES ${PROJECT_SOURCE_DIR}/src/monitor/mapview.c)
