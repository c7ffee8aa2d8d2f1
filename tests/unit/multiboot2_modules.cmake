# SPDX-License-Identifier: 0BSD
# The multiboot2 parser: module tags and their iterator.
frame64_unit_test(multiboot2_modules SOURCES ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c)
