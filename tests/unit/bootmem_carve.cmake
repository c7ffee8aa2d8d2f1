# SPDX-License-Identifier: 0BSD
# Memory bring-up: the boot carve-outs and the printed table.
frame64_unit_test(bootmem_carve SOURCES ${FRAME64_BOOTMEM_SOURCES})
