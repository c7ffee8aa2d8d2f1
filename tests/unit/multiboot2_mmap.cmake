# SPDX-License-Identifier: 0BSD
# The multiboot2 parser: memory maps (type 6 and EFI type 17).
frame64_unit_test(multiboot2_mmap SOURCES ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c)
