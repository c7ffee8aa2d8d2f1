# SPDX-License-Identifier: 0BSD
frame64_unit_test(cmdline SOURCES ${PROJECT_SOURCE_DIR}/src/lib/cmdline.c)
