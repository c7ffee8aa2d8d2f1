# SPDX-License-Identifier: 0BSD
# Arbitrary bytes as ACPI tables in physical memory (raw, or a good layout with bytes changed):
# RSDP, root walk, table lookup, FADT and \_S5 must never read outside what map() served.
frame64_fuzz_test(acpi SECONDS 15 SOURCES ${PROJECT_SOURCE_DIR}/src/acpi/tables.c
                  ${PROJECT_SOURCE_DIR}/src/acpi/fadt.c ${PROJECT_SOURCE_DIR}/src/acpi/s5.c
                  ${PROJECT_SOURCE_DIR}/src/acpi/madt.c)
