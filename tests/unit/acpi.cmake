# SPDX-License-Identifier: 0BSD
# ACPI table parsing (src/acpi/): RSDP, RSDT/XSDT, table lookup with checksums, FADT, \_S5.
frame64_unit_test(acpi SOURCES ${PROJECT_SOURCE_DIR}/src/acpi/tables.c
                  ${PROJECT_SOURCE_DIR}/src/acpi/fadt.c ${PROJECT_SOURCE_DIR}/src/acpi/s5.c
                  ${PROJECT_SOURCE_DIR}/src/acpi/madt.c)
