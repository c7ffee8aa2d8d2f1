# SPDX-License-Identifier: 0BSD
# Calendar time to Unix time and the CMOS clock's registers (src/lib/civil_time.c).
frame64_unit_test(civil_time SOURCES ${PROJECT_SOURCE_DIR}/src/lib/civil_time.c)
