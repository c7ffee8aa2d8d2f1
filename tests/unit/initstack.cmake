# SPDX-License-Identifier: 0BSD
# The System V x86-64 initial process stack (src/exec/initstack.c), parsed back.
frame64_unit_test(initstack SOURCES ${PROJECT_SOURCE_DIR}/src/exec/initstack.c)
