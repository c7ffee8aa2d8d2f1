# SPDX-License-Identifier: 0BSD
# The terminal's line discipline (src/console/ldisc.c).
frame64_unit_test(ldisc SOURCES ${PROJECT_SOURCE_DIR}/src/console/ldisc.c)
