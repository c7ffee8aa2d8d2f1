# SPDX-License-Identifier: 0BSD
# The multiboot2 parser: block framing and the tag walk.
frame64_unit_test(multiboot2_walk SOURCES ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c)
