# SPDX-License-Identifier: 0BSD
# Address spaces (src/mm/vmspace*.c) over the page-table walker and the frame manager: one test
# per operation group, each linking the same modules.
foreach(name vmspace_create vmspace_map vmspace_unmap vmspace_protect vmspace_share vmspace_fork
             vmspace_cow vmspace_fault vmspace_huge vmspace_file)
  frame64_unit_test(${name} SOURCES ${FRAME64_VMSPACE_SOURCES})
endforeach()
