# SPDX-License-Identifier: 0BSD
# Arbitrary and structured ELF images: elf_plan() against a reference model of the rules.
frame64_fuzz_test(elf SECONDS 15 SOURCES ${PROJECT_SOURCE_DIR}/src/exec/elf.c)
