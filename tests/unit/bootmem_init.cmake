# SPDX-License-Identifier: 0BSD
# Memory bring-up as the kernel runs it: the static list or room of its own, the direct map.
frame64_unit_test(bootmem_init SOURCES ${FRAME64_BOOTMEM_SOURCES})
