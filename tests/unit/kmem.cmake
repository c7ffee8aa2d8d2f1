# SPDX-License-Identifier: 0BSD
# Small kernel objects in pages of one class (src/mm/kmem.c).
frame64_unit_test(kmem SOURCES ${PROJECT_SOURCE_DIR}/src/mm/kmem.c)
