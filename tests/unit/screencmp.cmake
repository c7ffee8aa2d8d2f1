# SPDX-License-Identifier: 0BSD
# The boot tests' screenshot comparison (tools/screencmp.c over src/console/fb.c), checked
# against screens the text console (src/console/fbcon.c) draws.
frame64_unit_test(screencmp SOURCES ${PROJECT_SOURCE_DIR}/tools/screencmp.c
                  ${PROJECT_SOURCE_DIR}/src/console/fb.c ${PROJECT_SOURCE_DIR}/src/console/fbcon.c)
