# SPDX-License-Identifier: 0BSD
# Address spaces against a per-page model: map, touch, share, unmap, protect, destroy over three
# spaces, with the frame manager's counters and FRAME_CHECK watching every frame.
frame64_fuzz_test(vmspace SECONDS 30 SOURCES ${PROJECT_SOURCE_DIR}/src/mm/vmspace.c
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
