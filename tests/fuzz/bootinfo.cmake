# SPDX-License-Identifier: 0BSD
# Arbitrary bytes as a multiboot2 information block: parser, sanitizer, the kernel's sizing and
# carve-outs against a page-by-page reference model.
frame64_fuzz_test(bootinfo SECONDS 15 SOURCES ${FRAME64_BOOTMEM_SOURCES})
