# SPDX-License-Identifier: 0BSD
# 2 MiB pages in address spaces against a per-page and per-block model: map, fault, unmap,
# protect, advise, fork over two spaces, the pool squeezed of single frames or whole 2 MiB areas.
frame64_fuzz_test(vmspace_huge SECONDS 5 SOURCES ${FRAME64_VMSPACE_SOURCES})
