# SPDX-License-Identifier: 0BSD
# The framebuffer text console (src/console/fbcon.c on src/console/fb.c).
frame64_unit_test(fbcon SOURCES ${PROJECT_SOURCE_DIR}/src/console/fbcon.c
                                ${PROJECT_SOURCE_DIR}/src/console/fb.c)
