# SPDX-License-Identifier: 0BSD
# The multiboot2 parser: strings, meminfo, framebuffer, ACPI, EFI and load-base tags.
frame64_unit_test(multiboot2_tags SOURCES ${PROJECT_SOURCE_DIR}/src/boot/multiboot2.c)
