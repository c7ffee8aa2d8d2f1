# SPDX-License-Identifier: 0BSD
# Address spaces against a per-page model: map, touch, write, share, fork, unmap, protect, destroy
# over three spaces, with the frame manager's counters and FRAME_CHECK watching every frame.
frame64_fuzz_test(vmspace SECONDS 25 SOURCES ${FRAME64_VMSPACE_SOURCES})
