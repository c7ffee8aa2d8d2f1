# SPDX-License-Identifier: 0BSD
# ELF validation and the loading plan (src/exec/elf.c): header rules and the other program
# headers (test_elf.c), the PT_LOAD rules (test_elf_load.c), static PIE (test_elf_pie.c).
frame64_unit_test(elf SOURCES ${PROJECT_SOURCE_DIR}/src/exec/elf.c)
frame64_unit_test(elf_load SOURCES ${PROJECT_SOURCE_DIR}/src/exec/elf.c)
frame64_unit_test(elf_pie SOURCES ${PROJECT_SOURCE_DIR}/src/exec/elf.c)
