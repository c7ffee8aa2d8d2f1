# SPDX-License-Identifier: 0BSD
# The PS/2 scancode set 1 decoder (src/console/kbd.c).
frame64_unit_test(kbd SOURCES ${PROJECT_SOURCE_DIR}/src/console/kbd.c)
