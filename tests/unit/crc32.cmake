# SPDX-License-Identifier: 0BSD
frame64_unit_test(crc32 SOURCES ${PROJECT_SOURCE_DIR}/src/lib/crc32.c)
