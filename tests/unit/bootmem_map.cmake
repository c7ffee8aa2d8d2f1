# SPDX-License-Identifier: 0BSD
# Memory bring-up: the multiboot2 map read through memmap_sanitize().
frame64_unit_test(bootmem_map SOURCES ${FRAME64_BOOTMEM_SOURCES})
