# SPDX-License-Identifier: 0BSD
# Address spaces (src/mm/vmspace*.c) over the page-table walker and the frame manager: one test
# per operation group, each linking the same modules.
set(FRAME64_VMSPACE_SOURCES
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace.c
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace_map.c
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace_fault.c
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace_area.c
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace_share.c
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace_gather.c
  ${PROJECT_SOURCE_DIR}/src/mm/vmspace_fvec.c
  ${PROJECT_SOURCE_DIR}/src/mm/pagetable.c
  ${PROJECT_SOURCE_DIR}/src/mm/pagetable_walk.c
  ${FRAME64_FRAME_SOURCES}
  ${PROJECT_SOURCE_DIR}/src/mm/frame_check.c
  ${PROJECT_SOURCE_DIR}/src/mm/region.c
  ${PROJECT_SOURCE_DIR}/src/mm/region_alloc.c)
foreach(name vmspace_create vmspace_map vmspace_unmap vmspace_protect vmspace_share
             vmspace_fault)
  frame64_unit_test(${name} SOURCES ${FRAME64_VMSPACE_SOURCES})
endforeach()
