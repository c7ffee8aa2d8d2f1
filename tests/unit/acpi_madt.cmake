# SPDX-License-Identifier: 0BSD
# The MADT's processors (src/acpi/madt.c).
frame64_unit_test(acpi_madt SOURCES ${PROJECT_SOURCE_DIR}/src/acpi/tables.c
                  ${PROJECT_SOURCE_DIR}/src/acpi/madt.c)
