# SPDX-License-Identifier: 0BSD
# The multiboot2 boot-information parser on hand-built blocks.
frame64_unit_test(multiboot2 SOURCES ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c)
